"""Sending digests through the ledger, in-process: each digest once, marked sent
only once the mail backend has it, tried again with backoff when refused,
picked up by the next sweep when left pending; the e-mail itself; the
``send_reminders`` command; and the tasks run eagerly, as without Redis."""

import datetime as dt
import io
import re
import threading
from smtplib import SMTPServerDisconnected
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings

from actions import digest_email, reminders, tasks
from actions.models import DigestState, ReminderDigest, Status
from tests.factories import ImprovementActionFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
DAY = dt.date(2024, 3, 5)  # a Tuesday
SEVEN_AM = dt.datetime(2024, 3, 5, 7, 0, tzinfo=LONDON)
SITE = "https://tracker.council.example"


class RefusingBackend(BaseEmailBackend):
    """A mail backend whose server is down."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("the mail server went away")


REFUSING = "tests.actions.test_reminders_delivery.RefusingBackend"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.IMPROVEMENT_TEAM_MAILBOX = "improvement@council.example"


@pytest.fixture
def clock():
    with time_machine.travel(SEVEN_AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def owner(db):
    manager = UserFactory(full_name="Mary Manager", email="mary@council.example")
    return UserFactory(full_name="Owen Owner", email="owen@council.example", line_manager=manager)


def action(owner, due, **kwargs):
    return ImprovementActionFactory(owner=owner, due_date=DAY + dt.timedelta(days=due), **kwargs)


def last_line(output):
    return output.strip().splitlines()[-1]


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# Each digest once ----------------------------------------------------------------------


def test_it_sends_each_digest_once_however_often_the_sweep_runs(clock, owner):
    action(owner, due=-20)
    first = reminders.run_sweep(DAY)
    second = reminders.run_sweep(DAY)
    assert first.summary == "sent 2 digests to 2 people (0 already sent)"
    assert second.summary == "sent 0 digests to 0 people (2 already sent)"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Mary Manager <mary@council.example>",
        "Owen Owner <owen@council.example>",
    ]
    assert ReminderDigest.objects.filter(day=DAY, state=DigestState.SENT).count() == 2


def test_the_ledger_refuses_a_second_digest_for_the_same_person_and_day(clock, owner):
    from django.db import IntegrityError

    ReminderDigest.objects.create(day=DAY, recipient=owner, address=owner.email)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDigest.objects.create(day=DAY, recipient=owner, address=owner.email)
    ReminderDigest.objects.create(day=DAY, address="improvement@council.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDigest.objects.create(day=DAY, address="improvement@council.example")


def test_a_digest_is_written_once_a_day_and_keeps_what_it_first_listed(clock, owner):
    first = action(owner, due=-1)
    reminders.prepare_sweep(DAY)
    action(owner, due=-2)
    reminders.prepare_sweep(DAY)
    digest = ReminderDigest.objects.get(recipient=owner)
    assert digest.overdue == [first.pk]


def test_a_digest_left_pending_by_a_dead_worker_goes_with_the_next_sweep(clock, owner):
    action(owner, due=-3)
    # A worker wrote the ledger, then died before sending anything.
    assert len(reminders.prepare_sweep(DAY)) == 1
    assert mail.outbox == []
    result = reminders.run_sweep(DAY)
    assert result.summary == "sent 1 digest to 1 person (0 already sent)"
    assert len(mail.outbox) == 1


def test_it_is_marked_sent_only_once_the_mail_backend_has_it(clock, owner, settings):
    action(owner, due=-3)
    [pk] = reminders.prepare_sweep(DAY)
    settings.EMAIL_BACKEND = REFUSING
    delivery = reminders.deliver_digest(pk)
    assert delivery.outcome is reminders.Outcome.WILL_RETRY
    digest = ReminderDigest.objects.get(pk=pk)
    assert digest.state == DigestState.PENDING
    assert digest.sent_at is None
    assert digest.attempts == 1
    assert "the mail server went away" in digest.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.shift(dt.timedelta(minutes=1))
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.SENT
    digest.refresh_from_db()
    assert digest.state == DigestState.SENT
    assert digest.sent_at is not None
    assert digest.attempts == 2
    assert digest.last_error == ""
    assert len(mail.outbox) == 1


def test_a_refused_digest_is_tried_again_with_doubling_backoff_then_given_up(
    clock, owner, settings
):
    settings.REMINDERS = {
        **settings.REMINDERS,
        "MAX_ATTEMPTS": 4,
        "RETRY_BACKOFF": 60,
        "RETRY_BACKOFF_MAX": 150,
    }
    settings.EMAIL_BACKEND = REFUSING
    action(owner, due=-3)
    [pk] = reminders.prepare_sweep(DAY)
    waits = []
    for _attempt in range(3):
        delivery = reminders.deliver_digest(pk)
        assert delivery.outcome is reminders.Outcome.WILL_RETRY
        waits.append(delivery.retry_in)
        digest = ReminderDigest.objects.get(pk=pk)
        assert digest.next_attempt_at == reminders.timezone.now() + dt.timedelta(
            seconds=delivery.retry_in
        )
        # Not again before the backoff is over, even when asked.
        assert reminders.deliver_digest(pk).outcome is reminders.Outcome.NOT_CLAIMED
        assert reminders.pending_digest_pks(DAY) == []
        clock.shift(dt.timedelta(seconds=delivery.retry_in))
        assert reminders.pending_digest_pks(DAY) == [pk]
    assert waits == [60, 120, 150]
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.GAVE_UP
    digest = ReminderDigest.objects.get(pk=pk)
    assert digest.state == DigestState.FAILED
    assert digest.attempts == 4
    clock.shift(dt.timedelta(hours=1))
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.NOT_CLAIMED


def test_a_digest_whose_actions_were_all_completed_since_is_not_sent(clock, owner):
    late = action(owner, due=-3)
    [pk] = reminders.prepare_sweep(DAY)
    late.status = Status.COMPLETED
    late.completed_on = DAY
    late.save()
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.NOTHING_TO_SEND
    assert mail.outbox == []
    assert ReminderDigest.objects.get(pk=pk).state == DigestState.SKIPPED


def test_due_soon_switched_off_after_the_digest_was_written_is_left_out(clock, owner):
    action(owner, due=2)
    [pk] = reminders.prepare_sweep(DAY)
    owner.reminders_due_soon = False
    owner.save()
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.NOTHING_TO_SEND
    assert mail.outbox == []


def test_it_goes_to_the_address_someone_has_now(clock, owner):
    action(owner, due=-1)
    [pk] = reminders.prepare_sweep(DAY)
    owner.email = "owen.owner@council.example"
    owner.save()
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.SENT
    assert mail.outbox[0].to == ["Owen Owner <owen.owner@council.example>"]
    assert ReminderDigest.objects.get(pk=pk).address == "owen.owner@council.example"


def test_someone_who_left_since_the_digest_was_written_is_not_sent_it(clock, owner):
    action(owner, due=-1)
    [pk] = reminders.prepare_sweep(DAY)
    owner.is_active = False
    owner.save()
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.NOTHING_TO_SEND
    assert mail.outbox == []


# The e-mail -------------------------------------------------------------------------


@pytest.fixture
def sent_digest(clock, owner):
    late = [
        action(owner, due=-12, title="Audit case files monthly"),
        action(owner, due=-1, title="Recruit permanent social workers"),
        action(owner, due=-30, title="Refresh the supervision policy"),
    ]
    soon = action(owner, due=3, title="Publish the sufficiency strategy")
    reminders.run_sweep(DAY)
    [message] = [m for m in mail.outbox if "owen@" in m.to[0]]
    return message, late, soon


def test_the_email_says_in_plain_english_what_is_due(sent_digest):
    message, late, soon = sent_digest
    text = message.body
    assert message.subject == "Improvement actions: 3 overdue, 1 due soon"
    assert text.startswith("Dear Owen,")
    assert "You have 3 overdue actions" in text
    assert "You have 1 action due in the next 7 days" in text
    assert "A-" in late[0].reference
    assert f"- {late[0].reference} Audit case files monthly" in text
    assert "Due 22 February 2024: 12 days overdue" in text
    assert "Due 4 March 2024: 1 day overdue" in text
    assert "Due 8 March 2024: due in 3 days" in text
    assert f"Update it: {SITE}/actions/{late[0].pk}/update/" in text
    assert f"Update it: {SITE}/actions/{soon.pk}/update/" in text


def test_the_email_has_an_html_part_saying_the_same(sent_digest):
    message, late, _soon = sent_digest
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="en-GB">' in html
    assert "You have 3 overdue actions" in html
    assert "Audit case files monthly" in html
    assert "22 February 2024" in html
    assert "12 days overdue" in html
    assert f'href="{SITE}/actions/{late[0].pk}/update/"' in html


def test_the_email_ends_with_how_to_change_what_you_receive(sent_digest):
    message, _late, _soon = sent_digest
    for part in (message.body, message.alternatives[0][0]):
        assert "To stop hearing about actions due in the next 7 days" in part
        assert "improvement@council.example" in part


def test_the_email_is_marked_automatic_with_a_message_id_that_never_changes(sent_digest):
    message, _late, _soon = sent_digest
    digest = ReminderDigest.objects.get(address="owen@council.example")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["Message-ID"] == (
        f"<reminder-digest-{digest.pk}.20240305@tracker.council.example>"
    )


def test_html_in_a_title_is_escaped_in_the_html_part_only(clock, owner):
    action(owner, due=-1, title="Fix <script> & things")
    reminders.run_sweep(DAY)
    message = next(m for m in mail.outbox if "owen@" in m.to[0])
    assert "Fix <script> & things" in message.body
    assert "Fix &lt;script&gt; &amp; things" in message.alternatives[0][0]


def test_a_manager_is_told_who_owns_each_long_overdue_action(clock, owner):
    late = action(owner, due=-20, title="Reduce caseloads")
    reminders.run_sweep(DAY)
    message = next(m for m in mail.outbox if "mary@" in m.to[0])
    assert "1 action owned by people you manage is more than 14 days overdue" in message.body
    assert f"- {late.reference} Reduce caseloads\n  Owner: Owen Owner" in message.body
    assert "20 days overdue" in message.body
    assert message.subject == "Improvement actions: 1 long overdue in your team"


def test_the_mailbox_is_told_why_it_gets_the_escalation(clock, db):
    loner = UserFactory(full_name="Lone Ranger")
    action(loner, due=-20)
    reminders.run_sweep(DAY)
    message = next(m for m in mail.outbox if m.to == ["improvement@council.example"])
    assert message.body.startswith("Hello improvement team,")
    assert "1 action is more than 14 days overdue, with no line manager to tell" in message.body
    assert "Owner: Lone Ranger" in message.body
    assert "no line manager recorded" in message.body


def test_the_link_falls_back_to_the_update_forms_address(settings):
    # Whether or not the URL name is registered yet, the link is the same.
    assert digest_email.action_update_url(42) == f"{SITE}/actions/42/update/"
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert digest_email.action_update_url(7) == "http://127.0.0.1:8000/actions/7/update/"


# The action page -------------------------------------------------------------------------


def test_the_action_knows_when_its_owner_was_last_reminded_of_it(clock, owner):
    late = action(owner, due=-1)
    later = action(owner, due=30)
    assert reminders.last_reminded_at(late) is None
    reminders.run_sweep(DAY)
    sent_at = ReminderDigest.objects.get(recipient=owner).sent_at
    assert reminders.last_reminded_at(late) == sent_at == SEVEN_AM
    assert late.last_reminded_at == sent_at
    # Not listed in that digest, so never reminded.
    assert later.last_reminded_at is None
    # Next day's digest moves it on.
    clock.move_to(SEVEN_AM + dt.timedelta(days=1))
    reminders.run_sweep(DAY + dt.timedelta(days=1))
    assert late.last_reminded_at == SEVEN_AM + dt.timedelta(days=1)


def test_a_managers_escalation_is_not_the_owner_being_reminded(clock, owner):
    late = action(owner, due=-20)
    reminders.run_sweep(DAY)
    ReminderDigest.objects.filter(recipient=owner).delete()
    assert late.last_reminded_at is None


def test_an_unsaved_or_unowned_action_was_never_reminded(db):
    assert reminders.last_reminded_at(ImprovementActionFactory.build(owner=None)) is None


# The send_reminders command ----------------------------------------------------------------


def test_the_command_sends_the_days_digests_and_says_how_many(clock, owner):
    action(owner, due=-20)
    out, _err = run_command("--date", "2024-03-05")
    assert last_line(out) == "sent 2 digests to 2 people (0 already sent)"
    out, _err = run_command("--date", "2024-03-05")
    assert last_line(out) == "sent 0 digests to 0 people (2 already sent)"
    assert len(mail.outbox) == 2


def test_the_command_defaults_to_today(clock, owner):
    action(owner, due=-1)
    out, _err = run_command()
    assert re.fullmatch(r"sent 1 digest to 1 person \(0 already sent\)", last_line(out))
    assert ReminderDigest.objects.get().day == DAY


def test_the_command_dry_run_sends_and_records_nothing(clock, owner):
    action(owner, due=-20)
    out, _err = run_command("--date", "2024-03-05", "--dry-run")
    assert "would send to owen@council.example: 1 overdue" in out
    assert "would send to mary@council.example: 0 overdue, 0 due soon, 0 stale, 1 escalated" in out
    assert last_line(out) == "sent 0 digests to 0 people (0 already sent)"
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()


def test_the_command_sends_nothing_on_a_bank_holiday(clock, owner):
    action(owner, due=-20)
    out, err = run_command("--date", "2024-12-25")
    assert last_line(out) == "sent 0 digests to 0 people (0 already sent)"
    assert "not a working day" in err
    assert mail.outbox == []


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="--date must look like 2024-03-05"):
        run_command("--date", "5/3/2024")


def test_the_command_reports_refused_digests(clock, owner, settings):
    settings.EMAIL_BACKEND = REFUSING
    action(owner, due=-1)
    out, err = run_command("--date", "2024-03-05")
    assert last_line(out) == "sent 0 digests to 0 people (0 already sent)"
    assert "1 digests were refused" in err


# The tasks, run in-process as without Redis ------------------------------------------------


def test_the_sweep_task_sends_todays_digests_in_process(
    clock, owner, django_capture_on_commit_callbacks
):
    action(owner, due=-20)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.delay().get() == 2
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.delay().get() == 0
    assert len(mail.outbox) == 2


def test_the_sweep_task_does_nothing_before_seven_or_on_a_holiday(owner):
    action(owner, due=-20)
    with time_machine.travel(SEVEN_AM - dt.timedelta(minutes=1), tick=False):
        assert tasks.send_reminders.delay().get() == 0
    with time_machine.travel(dt.datetime(2024, 5, 6, 9, 0, tzinfo=LONDON), tick=False):
        assert tasks.send_reminders.delay().get() == 0
    assert mail.outbox == []


def test_the_sweep_task_queues_each_send_only_after_its_ledger_row_is_committed(
    clock, owner, django_capture_on_commit_callbacks
):
    action(owner, due=-1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.send_reminders.delay(day="2024-03-05")
        assert ReminderDigest.objects.filter(state=DigestState.PENDING).count() == 1
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_the_send_task_takes_primary_keys_and_backs_off_when_refused(clock, owner, settings):
    action(owner, due=-1)
    [pk] = reminders.prepare_sweep(DAY)
    settings.EMAIL_BACKEND = REFUSING
    # In-process there is no countdown to wait on: the next sweep sends it.
    assert tasks.send_digests.delay([pk]).get() == ["will retry"]
    digest = ReminderDigest.objects.get(pk=pk)
    assert digest.state == DigestState.PENDING
    assert digest.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.shift(dt.timedelta(seconds=60))
    assert tasks.send_digests.delay([pk]).get() == ["sent"]
    assert tasks.send_digests.delay([pk]).get() == ["not claimed"]
    assert len(mail.outbox) == 1


# Locks, on a real PostgreSQL server --------------------------------------------------------


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(SITE_URL=SITE)
def test_a_digest_another_sweep_is_sending_is_skipped_not_waited_for(owner):
    action(owner, due=-1)
    [pk] = reminders.prepare_sweep(DAY)
    locked, release = threading.Event(), threading.Event()

    def other_sweep_sending():
        try:
            with transaction.atomic():
                ReminderDigest.objects.select_for_update().get(pk=pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=other_sweep_sending)
    other.start()
    try:
        assert locked.wait(10)
        assert reminders.deliver_digest(pk).outcome is reminders.Outcome.NOT_CLAIMED
    finally:
        release.set()
        other.join(10)
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.SENT
    assert reminders.deliver_digest(pk).outcome is reminders.Outcome.NOT_CLAIMED
    assert len(mail.outbox) == 1


def test_the_footer_says_where_to_change_what_arrives(clock, owner):
    action(owner, due=-3)
    reminders.run_sweep(DAY)
    [message] = mail.outbox
    assert digest_email.preferences_url() in message.body
