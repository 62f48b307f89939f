"""Faults: a Celery worker killed with SIGKILL at a random point of the sweep,
then the sweep run again, twenty times over 500 actions and 100 owners; and two
sweeps started at once, through two workers and through two commands. Every
digest must be sent exactly once: none lost, none twice.

The workers and commands write e-mail through ``DatabaseOutbox`` (see
``reminder_processes``), in the same transaction that marks the digest sent,
so "exactly once" can be checked strictly. REMINDER_FAULT_SEED repeats a run.
"""

import datetime as dt
import os
import random
import re
import subprocess
import sys
from collections import Counter

import pytest
from django.conf import settings
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from actions.models import DigestState, ImprovementAction, ReminderDigest

from .reminder_processes import (
    ROOT,
    Worker,
    clear_outbox,
    clear_queue,
    create_outbox,
    drop_outbox,
    outbox_count,
    outbox_rows,
    process_env,
    queue_length,
    send_sweep,
    wait_for,
)

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.requires_redis,
    pytest.mark.django_db(transaction=True),
]

DAY = dt.date(2024, 3, 5)  # a Tuesday
OWNERS = 100
ACTIONS_EACH = 5
MANAGERS = 10
ROUNDS = 20
OUTBOX = "tests.actions.reminder_processes.DatabaseOutbox"


def build_council():
    """100 owners with 5 actions each (500 in all): every owner has something
    overdue; the first 10 owners manage the other 90 and have no manager of
    their own, so their long-overdue actions go to the team's mailbox. That is
    100 owners' digests, 10 of them with escalations, and the mailbox's: 101."""
    managers = [
        User.objects.create_user(f"manager{n}@council.example", full_name=f"Manager {n}")
        for n in range(MANAGERS)
    ]
    reports = [
        User.objects.create_user(
            f"owner{n}@council.example",
            full_name=f"Owner {n}",
            line_manager=managers[n % MANAGERS],
        )
        for n in range(OWNERS - MANAGERS)
    ]
    actions = []
    for owner in [*managers, *reports]:
        for due in (-20, -3, 2, 40, 90)[:ACTIONS_EACH]:
            number = len(actions) + 1
            actions.append(
                ImprovementAction(
                    reference=f"A-{number:03d}",
                    title=f"Improvement action {number}",
                    owner=owner,
                    due_date=DAY + dt.timedelta(days=due),
                )
            )
    bulk_create_with_history(actions, ImprovementAction)
    assert ImprovementAction.objects.count() == OWNERS * ACTIONS_EACH
    return {u.email for u in [*managers, *reports]} | {settings.IMPROVEMENT_TEAM_MAILBOX}


@pytest.fixture
def council(transactional_db):
    clear_queue()
    create_outbox()
    yield build_council()
    drop_outbox()


@pytest.fixture
def workers(council, tmp_path):
    """Start a worker with ``start()``; all are killed before the outbox and the
    database are cleared."""
    started = []

    def start():
        worker = Worker(tmp_path, OUTBOX)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()
    clear_queue()


@pytest.fixture
def seed():
    value = int(os.environ.get("REMINDER_FAULT_SEED") or random.randrange(1_000_000))
    print(f"REMINDER_FAULT_SEED={value}")
    return value


def all_sent(count):
    def check():
        states = Counter(ReminderDigest.objects.filter(day=DAY).values_list("state", flat=True))
        return states == {DigestState.SENT: count}

    return check


def assert_each_sent_exactly_once(expected, context=""):
    rows = outbox_rows()
    per_message = Counter(message_id for message_id, _to in rows)
    twice = {message_id: n for message_id, n in per_message.items() if n > 1}
    assert not twice, f"sent more than once: {twice} {context}"
    recipients = Counter(re.sub(r".*<(.*)>", r"\1", to) for _id, to in rows)
    assert set(recipients) == expected, f"lost: {expected - set(recipients)} {context}"
    assert all(n == 1 for n in recipients.values()), f"a person got two: {recipients} {context}"
    assert len(rows) == len(expected)
    assert not ReminderDigest.objects.filter(sent_at__isnull=True).exists()


def test_killing_the_worker_mid_sweep_loses_nothing_and_sends_nothing_twice(council, workers, seed):
    rng = random.Random(seed)
    expected = len(council)
    mid_sweep_kills = 0
    worker = workers()
    for round_number in range(1, ROUNDS + 1):
        context = f"(round {round_number}, REMINDER_FAULT_SEED={seed})"
        ReminderDigest.objects.all().delete()
        clear_outbox()

        # Kill it once a random number of digests have gone: from before the
        # sweep has started to after the last.
        kill_after = rng.randrange(0, expected + 1)
        send_sweep(DAY)
        wait_for(
            lambda k=kill_after: outbox_count() >= k,
            60,
            lambda w=worker, k=kill_after, c=context: f"{k} digests before the kill {c}\n{w.log()}",
            interval=0.005,
        )
        worker.kill()
        sent_before_kill = outbox_count()
        if 0 < sent_before_kill < expected:
            mid_sweep_kills += 1
        print(
            f"round {round_number}: killed with {sent_before_kill}/{expected} sent, "
            f"{ReminderDigest.objects.exclude(state=DigestState.SENT).count()} written "
            "but not sent"
        )

        # The sweep again, on a new worker: it finds what the dead one left.
        worker = workers()
        send_sweep(DAY)
        wait_for(
            all_sent(expected),
            60,
            lambda w=worker, c=context: f"every digest to be sent {c}\n{w.log()}",
        )
        assert_each_sent_exactly_once(council, context)

    # Late deliveries of the dead workers' messages still send nothing twice.
    wait_for(lambda: queue_length() == 0, 30, "the queue to drain")
    assert_each_sent_exactly_once(council, f"(after the last round, seed {seed})")
    # Most kills must have landed part-way through, or this proved little.
    assert mid_sweep_kills >= ROUNDS // 2, f"only {mid_sweep_kills} kills were mid-sweep"


def test_two_sweeps_at_once_on_two_workers_send_each_digest_once(council, workers):
    first, second = workers(), workers()
    send_sweep(DAY)
    send_sweep(DAY)
    wait_for(
        all_sent(len(council)),
        60,
        lambda: f"every digest to be sent\n{first.log()}\n{second.log()}",
    )
    wait_for(lambda: queue_length() == 0, 30, "the queue to drain")
    assert_each_sent_exactly_once(council)


def test_two_send_reminders_commands_at_once_send_each_digest_once(council):
    command = [sys.executable, "manage.py", "send_reminders", "--date", DAY.isoformat()]
    env = process_env(OUTBOX)
    processes = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    summaries = [out.strip().splitlines()[-1] for out, _err in outputs]
    sent = []
    for summary in summaries:
        match = re.fullmatch(
            r"sent (\d+) digests? to (\d+) (?:person|people) \((\d+) already sent\)", summary
        )
        assert match, summary
        sent.append(int(match[1]))
        assert match[1] == match[2]
    assert sum(sent) == len(council), summaries
    assert_each_sent_exactly_once(council)
    assert all_sent(len(council))()
