"""The test suite: fast hashing, mail kept in memory, no dependence on a .env file."""

import tempfile
import uuid

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# Signs only the test run's own sessions and tokens, never a real deployment's.
SECRET_KEY = "tests-only-not-secret"  # noqa: S105  # nosec B105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="tracker-test-media-")

# Tests need no real database for SQLite runs: an in-memory one is made per run.
# With DATABASE_URL set (CI), the suite runs on that server instead, keeping
# connections as production does (CONN_MAX_AGE). An in-memory SQLite database
# lives only as long as its one connection, which Django never closes, so the
# setting would change nothing there.
if not env("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}  # noqa: F405
    DATABASES["default"]["ATOMIC_REQUESTS"] = True

# Tasks run in-process in tests unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env("REDIS_URL", default="") or "memory://localhost/"

# With REDIS_URL set the cache is that Redis (base.py), shared with any other
# test run on the same database number: each run keeps its entries under its own
# prefix. TEST_CACHE_KEY_PREFIX lets a process a test starts read the same ones.
if env("REDIS_URL", default=""):
    CACHES["default"]["KEY_PREFIX"] = env(  # noqa: F405
        "TEST_CACHE_KEY_PREFIX", default=f"tracker-tests-{uuid.uuid4().hex[:12]}"
    )

# Static files come from the finders in tests; nothing is collected.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = tempfile.mkdtemp(prefix="tracker-test-static-")
