"""Persistent database connections: web workers and Celery workers keep their
connection between requests and tasks, replace one the server has dropped, and
keep none under ASGI."""

import json
import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import close_old_connections, connection, transaction

from actions.tasks import send_reminders
from config.celery_app import app, keep_or_replace_database_connections
from tests.actions.reminder_processes import shared_database_url

from .test_settings import ROOT

PRINT_CONNECTION_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps([database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]]))
"""


def connection_settings(module, prelude="", **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CONN_"))}
    clean.update(
        env,
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="tracker.example",
        DATABASE_URL="postgres://someone@db.example:5432/tracker",
    )
    result = subprocess.run(
        [sys.executable, "-c", prelude + PRINT_CONNECTION_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", ["config.settings.production", "config.settings.local"])
def test_it_keeps_connections_for_a_minute_with_a_health_check(module):
    assert connection_settings(module) == [60, True]


def test_it_keeps_them_as_long_as_conn_max_age_says():
    assert connection_settings("config.settings.production", CONN_MAX_AGE="300") == [300, True]


def test_it_keeps_none_under_asgi():
    asgi = connection_settings("config.settings.production", prelude="import config.asgi\n")
    assert asgi[0] == 0


def test_the_celery_fixup_leaves_connections_to_django_between_tasks():
    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid):
    with psycopg.connect(shared_database_url(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_outlives_the_end_of_a_request_until_it_is_too_old():
    connection.close()
    first = backend_pid()
    close_old_connections()  # what Django does as each request starts and finishes
    assert backend_pid() == first
    connection.close_at = time.monotonic() - 1  # CONN_MAX_AGE seconds later
    close_old_connections()
    assert backend_pid() != first


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_before_the_next_request_uses_it():
    first = backend_pid()
    terminate(first)
    close_old_connections()
    assert backend_pid() != first


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_keeps_its_connection_from_task_to_task_and_replaces_a_dropped_one():
    from celery.fixups.django import DjangoWorkerFixup

    fixup = DjangoWorkerFixup(app)
    queued = send_reminders  # its request outside a task is a queued one's, not eager
    connection.close()
    first = backend_pid()
    for _ in range(5):
        fixup.on_task_prerun(sender=queued)
        keep_or_replace_database_connections(task=queued)
        assert backend_pid() == first
        fixup.on_task_postrun(sender=queued)
        keep_or_replace_database_connections(task=queued)
    terminate(first)
    keep_or_replace_database_connections(task=queued)
    assert backend_pid() != first


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_run_in_process_leaves_the_callers_transaction_alone():
    with transaction.atomic():
        first = backend_pid()
        send_reminders.apply(kwargs={"day": "2024-03-09"})  # a Saturday: nothing to do
        assert backend_pid() == first
        assert connection.in_atomic_block
