"""Settings for a Celery worker, or a ``send_reminders`` command, that a test
starts in a process of its own: the test settings on the test's PostgreSQL
database (DATABASE_URL) and Redis (REDIS_URL), with tasks really queued and
e-mail to a backend the test process can read (a file or database backend:
locmem lives and dies with the worker)."""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = os.environ["REMINDER_TEST_EMAIL_BACKEND"]
EMAIL_FILE_PATH = os.environ.get("REMINDER_TEST_EMAIL_DIR", "")
# Every task these processes send goes to the test run's own queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("REMINDER_TEST_QUEUE", "celery")
# A reading of an import reads the uploaded file the test stored: the test's own media folder.
MEDIA_ROOT = os.environ.get("WORKER_TEST_MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
