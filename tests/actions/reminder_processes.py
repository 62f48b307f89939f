"""Helpers for the reminder tests that run a real Celery worker, or the
``send_reminders`` command, in processes of their own against the test's
PostgreSQL database and Redis.

``DatabaseOutbox`` is the mail backend those processes use: it writes each
message as a row of a table the test makes, in the sender's own transaction.
A worker killed before it commits leaves no row behind, exactly as it leaves
its digest unsent, so the fault tests can demand "exactly once" without the
gap every real mail server has between accepting a message and the commit.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from smtplib import SMTPServerDisconnected
from urllib.parse import quote

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
OUTBOX_TABLE = "reminder_test_outbox"
# A queue of this run's own: no other worker on the same Redis (a developer's,
# say) takes these tests' tasks, and these workers take nobody else's.
QUEUE = f"reminders-test-{uuid.uuid4().hex[:12]}"


class DatabaseOutbox(BaseEmailBackend):
    """Each message becomes a row of ``reminder_test_outbox``, committed or rolled
    back with the caller's transaction. With REMINDER_TEST_REFUSE_ONCE_DIR set,
    the first attempt at each message is refused, as a mail server might."""

    def send_messages(self, email_messages):
        refuse_dir = os.environ.get("REMINDER_TEST_REFUSE_ONCE_DIR")
        with connection.cursor() as cursor:
            for message in email_messages:
                message_id = message.extra_headers.get("Message-ID", "")
                if refuse_dir:
                    marker = Path(refuse_dir) / quote(message_id, safe="")
                    if not marker.exists():
                        marker.touch()
                        raise SMTPServerDisconnected("refused once by the test's mail backend")
                cursor.execute(
                    f"INSERT INTO {OUTBOX_TABLE} (message_id, recipient, subject) "  # noqa: S608
                    "VALUES (%s, %s, %s)",
                    [message_id, ", ".join(message.to), message.subject],
                )
        return len(email_messages)


def create_outbox():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {OUTBOX_TABLE} ("
            "id bigserial PRIMARY KEY, message_id text NOT NULL, recipient text NOT NULL, "
            "subject text NOT NULL, written_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(f"TRUNCATE {OUTBOX_TABLE}")  # noqa: S608


def drop_outbox():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OUTBOX_TABLE}")


def clear_outbox():
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {OUTBOX_TABLE}")  # noqa: S608


def outbox_rows():
    """(message_id, recipient) for every message written, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT message_id, recipient FROM {OUTBOX_TABLE} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


def outbox_count():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {OUTBOX_TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


def shared_database_url():
    """The URL of the database this test runs on, for another process."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


def process_env(email_backend, **extra):
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.actions.worker_settings",
        DATABASE_URL=shared_database_url(),
        REDIS_URL=settings.REDIS_URL,
        REMINDER_TEST_EMAIL_BACKEND=email_backend,
        REMINDER_TEST_QUEUE=QUEUE,
        PYTHONPATH=str(ROOT),
        **{key: str(value) for key, value in extra.items()},
    )
    return env


class Worker:
    """A ``celery -A config worker`` process, its log in a file for failures."""

    def __init__(self, log_dir, email_backend, concurrency=4, **env):
        self.name = f"reminders-test-{uuid.uuid4().hex[:8]}@%h"
        self.log_path = Path(log_dir) / f"{self.name.split('@')[0]}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                str(concurrency),
                "--queues",
                QUEUE,
                "--loglevel",
                "INFO",
                "--hostname",
                self.name,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=process_env(email_backend, **env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        """SIGKILL: no warm shutdown, no acknowledgements, no rollback but the server's."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")[-5000:]

    def succeeded(self, task_name):
        """How many times the worker has logged ``task_name`` as succeeded."""
        pattern = rf"{re.escape(task_name)}\[[^\]]+\] succeeded"
        return len(re.findall(pattern, self.log_path.read_text(errors="replace")))


def wait_for(condition, timeout, message, interval=0.02):
    """Poll ``condition`` until true; ``message`` may be a callable, such as a
    worker's ``log``, so that a failure shows the state at the time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s: {message() if callable(message) else message}"
    )


def send_sweep(day):
    """Queue the sweep on Redis for whichever worker takes it (never eagerly)."""
    import warnings

    from celery.exceptions import AlwaysEagerIgnored

    from config.celery_app import app

    with warnings.catch_warnings():
        # The test settings run tasks eagerly; send_task never does, which is the point.
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task("actions.tasks.send_reminders", kwargs={"day": day.isoformat()}, queue=QUEUE)


def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


def clear_queue():
    """Empty this run's queue, and forget what killed workers took from it
    (kombu would put those back on the queue after the visibility timeout)."""
    client = _redis()
    client.delete(QUEUE)
    for tag, payload in client.hgetall("unacked").items():
        if QUEUE.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def queue_length():
    return _redis().llen(QUEUE)
