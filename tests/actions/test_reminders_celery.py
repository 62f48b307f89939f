"""Celery: the settings that keep tasks from being lost or run twice, the beat's
timetable, and the sweep run by a real worker process on the real Redis,
sending to mail backends that process writes and this one reads."""

import datetime as dt
import email
from email import policy as email_policy

import pytest
from celery.schedules import crontab
from django.conf import settings
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from actions.models import DigestState, ImprovementAction, ReminderDigest
from config.celery_app import app

from .reminder_processes import (
    Worker,
    clear_queue,
    create_outbox,
    drop_outbox,
    outbox_rows,
    queue_length,
    send_sweep,
    wait_for,
)

DAY = dt.date(2024, 3, 5)  # a Tuesday


# Configuration -------------------------------------------------------------------------


def our_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_the_reminder_tasks_are_registered_under_readable_names():
    assert {"actions.tasks.send_reminders", "actions.tasks.send_digests"} <= set(our_tasks())


def test_tasks_are_acknowledged_late_one_at_a_time():
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    for task in our_tasks().values():
        assert task.acks_late is not False


def test_the_visibility_timeout_outlasts_every_task_and_every_retry_wait():
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in our_tasks().items():
        limit = task.time_limit or app.conf.task_time_limit
        assert limit, f"{name} has no time limit"
        assert timeout > limit, name
    assert timeout > settings.REMINDERS["RETRY_BACKOFF_MAX"]


def test_the_beat_sends_the_digests_at_seven_on_weekdays_and_catches_up_hourly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert app.conf.timezone == "Europe/London"
    daily = schedule["reminders: daily digests at 07:00 on weekdays"]
    assert daily["task"] == "actions.tasks.send_reminders"
    assert daily["schedule"] == crontab(minute=0, hour=7, day_of_week="mon-fri")
    catch_up = schedule["reminders: catch-up sweep at half past each hour of the working day"]
    assert catch_up["task"] == "actions.tasks.send_reminders"
    for entry in schedule.values():
        assert entry["task"] in our_tasks()


def test_without_redis_tasks_run_in_process_and_with_it_they_are_queued():
    from tests.config.test_settings import load_settings

    embedded = load_settings("config.settings.local")
    assert '"eager": true' in embedded.stdout, embedded.stderr
    queued = load_settings("config.settings.local", REDIS_URL="redis://cache.example:6379/0")
    assert '"eager": false' in queued.stdout, queued.stderr


# A real worker on the real Redis ----------------------------------------------------------


def build_team():
    """Three owners, their manager, and someone with no manager: five digests."""
    manager = User.objects.create_user("mary@council.example", full_name="Mary Manager")
    owners = [
        User.objects.create_user(
            f"owner{n}@council.example", full_name=f"Owner {n}", line_manager=manager
        )
        for n in range(3)
    ]
    loner = User.objects.create_user("lone@council.example", full_name="Lone Ranger")
    actions = [
        ImprovementAction(
            reference=f"A-{n:03d}",
            title=f"Action {n}",
            owner=owner,
            due_date=DAY + dt.timedelta(days=due),
        )
        for n, (owner, due) in enumerate(
            [(o, d) for o in [*owners, loner] for d in (-20, -1, 3, 60)]
        )
    ]
    bulk_create_with_history(actions, ImprovementAction)
    expected = {o.email for o in [manager, *owners, loner]} | {settings.IMPROVEMENT_TEAM_MAILBOX}
    return expected


def addresses_in(mail_dir):
    """The To address of every message the file backend wrote, one per send."""
    found = []
    for path in sorted(mail_dir.iterdir()):
        # The file backend writes each message after a line of dashes.
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=email_policy.default)
                found.append(email.utils.parseaddr(str(message["To"]))[1])
    return found


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start workers with ``start(...)``; all are killed before the database is flushed."""
    clear_queue()
    started = []

    def start(email_backend, **env):
        worker = Worker(tmp_path, email_backend, **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()
    clear_queue()


def all_sent(expected_count):
    def check():
        states = list(ReminderDigest.objects.filter(day=DAY).values_list("state", flat=True))
        return len(states) == expected_count and set(states) == {DigestState.SENT}

    return check


@pytest.mark.requires_postgres
@pytest.mark.requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_each_due_digest_once_to_a_file_mail_backend(workers, tmp_path):
    expected = build_team()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = workers(
        "django.core.mail.backends.filebased.EmailBackend", REMINDER_TEST_EMAIL_DIR=mail_dir
    )
    send_sweep(DAY)
    wait_for(all_sent(len(expected)), 60, lambda: f"the digests to be sent\n{worker.log()}")
    assert sorted(addresses_in(mail_dir)) == sorted(expected)

    # The next sweep, and the one after, find nothing left to send.
    send_sweep(DAY)
    send_sweep(DAY)
    wait_for(lambda: queue_length() == 0, 30, "the queue to drain")
    wait_for(
        lambda: worker.succeeded("actions.tasks.send_reminders") == 3,
        30,
        lambda: f"the sweeps to finish\n{worker.log()}",
    )
    assert sorted(addresses_in(mail_dir)) == sorted(expected)


@pytest.mark.requires_postgres
@pytest.mark.requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_refused_digest_is_retried_by_the_worker_with_backoff_and_sent_once(workers, tmp_path):
    expected = build_team()
    create_outbox()
    try:
        refused = tmp_path / "refused"
        refused.mkdir()
        worker = workers(
            "tests.actions.reminder_processes.DatabaseOutbox",
            REMINDER_TEST_REFUSE_ONCE_DIR=refused,
            REMINDERS_RETRY_BACKOFF=1,
        )
        send_sweep(DAY)
        wait_for(all_sent(len(expected)), 60, lambda: f"the digests to be sent\n{worker.log()}")
        # Each was refused once, then sent once by Celery's retry, not a sweep.
        assert len(list(refused.iterdir())) == len(expected)
        assert set(ReminderDigest.objects.filter(day=DAY).values_list("attempts", flat=True)) == {2}
        rows = outbox_rows()
        assert len(rows) == len({message_id for message_id, _to in rows}) == len(expected)
        assert "Retry in 1s" in worker.log()
    finally:
        drop_outbox()
