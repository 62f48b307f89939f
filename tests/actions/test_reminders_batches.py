"""Digests sent in batches: one connection to the mail server for a batch, the
actions of the whole batch read in one query, each digest still claimed and
marked sent on its own, and a refusal part-way costing only that digest."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions import reminders
from actions.models import DigestState, ReminderDigest
from config.dates import day_in_words, long_date
from tests.factories import ImprovementActionFactory, UserFactory

DAY = dt.date(2024, 3, 5)  # a Tuesday
SEVEN_AM = dt.datetime(2024, 3, 5, 7, 0, tzinfo=ZoneInfo("Europe/London"))


class CountingBackend(EmailBackend):
    """The in-memory backend, opening and closing a session as the SMTP backend
    does, and counting the sessions opened."""

    opened = 0
    refuse_mail_to = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = False

    def open(self):
        if self.session:
            return False
        self.session = True
        CountingBackend.opened += 1
        return True

    def close(self):
        self.session = False

    def send_messages(self, messages):
        self.open()
        refused = CountingBackend.refuse_mail_to
        if refused and any(refused in m.to[0] for m in messages):
            raise ConnectionResetError("the mail server dropped the connection")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def counting_backend(settings):
    settings.EMAIL_BACKEND = "tests.actions.test_reminders_batches.CountingBackend"
    CountingBackend.opened = 0
    CountingBackend.refuse_mail_to = None


@pytest.fixture
def clock():
    with time_machine.travel(SEVEN_AM, tick=False):
        yield


def owners_with_overdue_actions(count, actions_each=3):
    owners = []
    for n in range(count):
        owner = UserFactory(full_name=f"Owner {n}", email=f"owner{n}@council.example")
        for due in range(actions_each):
            ImprovementActionFactory(owner=owner, due_date=DAY - dt.timedelta(days=1 + due))
        owners.append(owner)
    return owners


def test_a_batch_goes_over_one_connection(clock, db):
    owners_with_overdue_actions(6)
    pending = reminders.prepare_sweep(DAY)
    assert len(pending) == 6
    deliveries = reminders.deliver_digests(pending)
    assert [d.outcome for d in deliveries] == [reminders.Outcome.SENT] * 6
    assert CountingBackend.opened == 1
    assert len(mail.outbox) == 6
    assert set(ReminderDigest.objects.values_list("state", flat=True)) == {DigestState.SENT}


def test_a_sweep_opens_a_connection_per_batch_not_per_digest(clock, db, settings):
    settings.REMINDERS = {**settings.REMINDERS, "DIGESTS_PER_BATCH": 4}
    owners_with_overdue_actions(10)
    result = reminders.run_sweep(DAY)
    assert result.sent == 10
    assert CountingBackend.opened == 3  # 4 + 4 + 2


def test_a_batch_reads_its_actions_once_and_spends_a_fixed_few_queries_a_digest(clock, db):
    owners_with_overdue_actions(12, actions_each=4)
    pending = reminders.prepare_sweep(DAY)

    def queries_to_send(pks):
        with CaptureQueriesContext(connection) as captured:
            reminders.deliver_digests(pks)
        return len(captured)

    four, eight = queries_to_send(pending[:4]), queries_to_send(pending[4:12])
    per_digest = (eight - four) / 4
    assert per_digest == int(per_digest) and per_digest <= 5
    # What is left over is the batch's own reads, the same for 4 or 8 digests.
    assert four - 4 * per_digest == eight - 8 * per_digest <= 2


def test_a_refusal_part_way_costs_only_that_digest(clock, db):
    owners_with_overdue_actions(5)
    pending = reminders.prepare_sweep(DAY)
    CountingBackend.refuse_mail_to = "owner2@"
    outcomes = [d.outcome for d in reminders.deliver_digests(pending)]
    assert outcomes.count(reminders.Outcome.SENT) == 4
    assert outcomes.count(reminders.Outcome.WILL_RETRY) == 1
    refused = ReminderDigest.objects.get(address="owner2@council.example")
    assert refused.state == DigestState.PENDING and refused.attempts == 1
    assert "dropped the connection" in refused.last_error
    # The connection was replaced after the refusal, not reused.
    assert CountingBackend.opened == 2
    assert sorted(m.to[0].split("<")[-1].rstrip(">") for m in mail.outbox) == [
        f"owner{n}@council.example" for n in (0, 1, 3, 4)
    ]


def test_a_digest_in_a_batch_another_sweep_has_sent_is_not_sent_again(clock, db):
    owners_with_overdue_actions(3)
    pending = reminders.prepare_sweep(DAY)
    reminders.deliver_digests(pending[1:2])
    outcomes = [d.outcome for d in reminders.deliver_digests(pending)]
    assert outcomes == [
        reminders.Outcome.SENT,
        reminders.Outcome.NOT_CLAIMED,
        reminders.Outcome.SENT,
    ]
    assert len(mail.outbox) == 3


def test_an_action_completed_before_its_batch_is_left_out(clock, db):
    [owner] = owners_with_overdue_actions(1, actions_each=2)
    done, still_late = owner.owned_actions.order_by("due_date")
    pending = reminders.prepare_sweep(DAY)
    done.status = "completed"
    done.completed_on = DAY
    done.save()
    reminders.deliver_digests(pending)
    [message] = mail.outbox
    assert still_late.reference in message.body
    assert done.reference not in message.body


@pytest.mark.parametrize("month", range(1, 13))
def test_dates_in_the_email_read_as_they_do_on_the_pages(month):
    day = dt.date(2026, month, 5)
    assert day_in_words(day) == long_date(day)
