"""The test suite: fast hashing, mail kept in memory, no dependence on a .env file."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# Signs only the test run's own sessions and tokens, never a real deployment's.
SECRET_KEY = "tests-only-not-secret"  # noqa: S105  # nosec B105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="tracker-test-media-")

# Tests need no real database for SQLite runs: an in-memory one is made per run.
# With DATABASE_URL set (CI), the suite runs on that server instead.
if not env("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}  # noqa: F405
    DATABASES["default"]["ATOMIC_REQUESTS"] = True

# Tasks run in-process in tests unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env("REDIS_URL", default="") or "memory://"

# Static files come from the finders in tests; nothing is collected.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = tempfile.mkdtemp(prefix="tracker-test-static-")
