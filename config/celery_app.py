"""The Celery application: configured from Django's settings (the CELERY_* names
in config/settings/base.py), with the tasks found in each app's tasks.py.

With REDIS_URL set, `make worker` and `make beat` (or docker compose) run it;
without it, the settings make every task run in-process as soon as it is sent.
Enqueue with ``task.delay_on_commit(...)``: Celery's Django task class sends the
message only once the transaction that wrote the task's rows has committed.
"""

import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def keep_or_replace_database_connections(task=None, **kwargs):
    """Around each task, what Django does around each request: close a connection
    past CONN_MAX_AGE or left broken, and health-check a kept one before its next
    query. Not for a task run in-process, which may be inside a request's
    transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@setup_logging.connect
def log_as_django_does(loglevel=None, **kwargs):
    """The worker and the beat write their logs through Django's LOGGING (JSON lines
    in production) rather than Celery's own format; ``--loglevel`` still applies."""
    import logging
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
