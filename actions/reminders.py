"""The reminder policy: who gets a digest e-mail on which day, what it lists, and
how each digest is sent once and only once.

Plain functions over the models. The Celery tasks (``actions.tasks``), the
``send_reminders`` command and the tests all call these, so a sweep behaves the
same with a worker, from cron, and in-process.

The rules (numbers from ``settings.REMINDERS``):

- Digests go out on working days, Monday to Friday less England and Wales bank
  holidays, from 07:00 London time. Each person gets at most one a day, and
  nobody gets one with nothing in it.
- A person's digest lists their open actions that are overdue; those due today
  or within the next 7 days, unless they have switched that part off
  (``User.reminders_due_soon``); and those with no progress update for 30 days
  (counting from the action's creation when it has never had one). An action
  is listed once, in the first of those parts it fits.
- A line manager's digest also lists their direct reports' actions overdue by
  more than 14 days. Where the owner has no active line manager, or the action
  no owner, that goes to the improvement team's mailbox in a digest of its own.
- A measure's owner hears of the measure while it has no figure for the month
  whose figures are due: each month's are due by the fifth working day of the
  month after (``figures_month``). So November's are asked for from the fifth
  working day of December, every working day until they are entered, and from
  the fifth working day of January December's take their place. That part
  alone is reason enough to send a digest.

Delivery, with ``ReminderDigest`` as the ledger:

1. ``prepare_sweep`` works out every digest due in a fixed number of queries,
   however many actions and measures there are, and writes one ledger row per
   (person, day). The unique constraints make a second sweep's rows no-ops, so
   what a digest lists is decided once, and a digest sent again after a crash
   says the same.
2. ``deliver_digests`` sends a batch of rows over one connection to the mail
   server, reading the actions they list in one query. ``deliver_digest`` claims
   each row on its own with ``SELECT ... FOR UPDATE SKIP LOCKED`` where it is
   still pending, hands the e-mail to the mail backend and marks the row sent,
   all in one transaction: a batch is only a shared connection and shared
   reads, never a shared claim. Another sweep skips a row being sent and
   finds it no longer pending once sent. A worker that dies mid-way holds no
   lock after its connection drops and marks nothing sent, so the row stays
   pending and the next sweep sends it. A refused e-mail is recorded and tried
   again with backoff; after ``MAX_ATTEMPTS`` the row is marked failed.

The one gap no ledger can close: a process killed after the mail server
accepted the e-mail but before the commit sends that digest again on the next
sweep. It carries the same Message-ID both times, so mail programs that drop
duplicates show it once. Batching widens it by nothing: each row is committed
as soon as its own message is accepted.

What a digest says, and the e-mail itself, are ``actions.digest_email`` (its
measures' lines ``actions.digest_figures``); working days, ``actions.working_days``.
"""

import datetime as dt
import enum
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from accounts.officers import holds_scrutiny_role
from config.words import count_of
from measures.models import Measure

from .digest_email import actions_listed_in, build_message, digest_content, update_links
from .digest_figures import measures_missing_in
from .models import DigestState, ImprovementAction, ReminderDigest, no_update_since
from .working_days import figures_month, is_working_day

log = logging.getLogger(__name__)

TEAM = None  # the recipient key of the improvement team's mailbox digest


def policy():
    """The thresholds, read on each call so that tests can change them."""
    return settings.REMINDERS


# When ------------------------------------------------------------------------


def reminder_day(now=None):
    """The day whose digests are due at ``now``: today in London from the send
    time on a working day, otherwise None."""
    local = timezone.localtime(now or timezone.now())
    hour, minute = policy()["SEND_AT"]
    if not is_working_day(local.date()) or local.time() < dt.time(hour, minute):
        return None
    return local.date()


def _local_midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# What ------------------------------------------------------------------------


@dataclass
class Plan:
    """One digest's contents as primary keys, before it is written down."""

    recipient_id: int | None  # None: the improvement team's mailbox
    address: str
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    escalated: list = field(default_factory=list)
    missing_figures: list = field(default_factory=list)  # measures, for figures_month
    figures_month: dt.date | None = None

    @property
    def is_empty(self):
        return not (
            self.overdue or self.due_soon or self.stale or self.escalated or self.missing_figures
        )

    def as_digest(self, day, now):
        return ReminderDigest(
            day=day,
            recipient_id=self.recipient_id,
            address=self.address,
            overdue=self.overdue,
            due_soon=self.due_soon,
            stale=self.stale,
            escalated=self.escalated,
            missing_figures=self.missing_figures,
            figures_month=self.figures_month if self.missing_figures else None,
            created_at=now,
        )


def plan_digests(day):
    """Every digest due on ``day``, one per recipient, none empty.

    Three queries whatever the number of actions and measures: one over owners'
    open actions, one over long-overdue actions for escalation, one over the
    measures without the month's figure. None on a non-working day.
    """
    if not is_working_day(day):
        return []
    rules = policy()
    soon_until = day + dt.timedelta(days=rules["DUE_SOON_DAYS"])
    # Stale when the last update's London date is STALE_AFTER_DAYS or more ago.
    stale_before = _local_midnight(day - dt.timedelta(days=rules["STALE_AFTER_DAYS"] - 1))
    # Overdue by more than ESCALATE_AFTER_DAYS days.
    escalate_before = day - dt.timedelta(days=rules["ESCALATE_AFTER_DAYS"])

    plans = {}

    def plan_for(key, address):
        if key not in plans:
            plans[key] = Plan(recipient_id=key, address=address)
        return plans[key]

    owned = (
        ImprovementAction.objects.open()
        .filter(owner__is_active=True)
        # Councillors are never reminded of an action (accounts.officers): one can
        # own none, but if a record says otherwise, the reminder is not theirs to get.
        .filter(~holds_scrutiny_role("owner_id"))
        .annotate(
            is_stale=ExpressionWrapper(no_update_since(stale_before), output_field=BooleanField())
        )
        .filter(Q(due_date__lte=soon_until) | Q(is_stale=True))
        .order_by("due_date", "reference")
        .values_list(
            "pk", "owner_id", "owner__email", "owner__reminders_due_soon", "due_date", "is_stale"
        )
    )
    for pk, owner_id, email, wants_due_soon, due_date, is_stale in owned:
        if due_date < day:
            plan_for(owner_id, email).overdue.append(pk)
        elif due_date <= soon_until and wants_due_soon:
            plan_for(owner_id, email).due_soon.append(pk)
        elif is_stale:
            plan_for(owner_id, email).stale.append(pk)

    long_overdue = (
        ImprovementAction.objects.open()
        .filter(due_date__lt=escalate_before)
        .annotate(manager_is_councillor=holds_scrutiny_role("owner__line_manager_id"))
        .order_by("due_date", "reference")
        .values_list(
            "pk",
            "owner__line_manager_id",
            "owner__line_manager__email",
            "owner__line_manager__is_active",
            "manager_is_councillor",
        )
    )
    for pk, manager_id, manager_email, manager_active, manager_is_councillor in long_overdue:
        # A councillor recorded as someone's line manager hears of nothing: the
        # improvement team does, as for an owner with no line manager.
        if manager_id is not None and manager_active and not manager_is_councillor:
            plan_for(manager_id, manager_email).escalated.append(pk)
        else:
            plan_for(TEAM, settings.IMPROVEMENT_TEAM_MAILBOX).escalated.append(pk)

    month = figures_month(day)
    missing = (
        Measure.objects.filter(owner__is_active=True)
        .filter(~holds_scrutiny_role("owner_id"))
        .exclude(values__period=month)
        .order_by("title", "pk")
        .values_list("pk", "owner_id", "owner__email")
    )
    for pk, owner_id, email in missing:
        plan = plan_for(owner_id, email)
        plan.missing_figures.append(pk)
        plan.figures_month = month

    return sorted(
        (plan for plan in plans.values() if not plan.is_empty), key=lambda plan: plan.address
    )


# Delivery ----------------------------------------------------------------------


class Outcome(enum.Enum):
    SENT = "sent"
    NOT_CLAIMED = "not claimed"  # sent already, being sent by another, or waiting to retry
    NOTHING_TO_SEND = "nothing to send"  # everything it listed was completed since
    WILL_RETRY = "will retry"
    GAVE_UP = "gave up"


@dataclass
class Delivery:
    outcome: Outcome
    address: str = ""
    recipient_key: object = None
    retry_in: int | None = None  # seconds


@dataclass
class SweepResult:
    day: dt.date
    sent: int = 0
    people: int = 0
    already_sent: int = 0
    failed: int = 0
    dry_run: bool = False
    would_send: list = field(default_factory=list)

    @property
    def summary(self):
        return (
            f"sent {count_of(self.sent, 'digest')} to {count_of(self.people, 'person', 'people')} "
            f"({self.already_sent:,} already sent)"
        )


def pending_digest_pks(day, now=None):
    """The day's digests that are due to be sent now, oldest first."""
    now = now or timezone.now()
    return list(
        ReminderDigest.objects.filter(day=day, state=DigestState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def prepare_sweep(day, now=None):
    """Write ``day``'s digests to the ledger, once per person however often this
    runs, and return those waiting to be sent."""
    now = now or timezone.now()
    digests = [plan.as_digest(day, now) for plan in plan_digests(day)]
    with transaction.atomic():
        # A row already there (an earlier sweep's, sent or not) wins: this
        # sweep's copy is dropped by the unique constraint.
        ReminderDigest.objects.bulk_create(digests, ignore_conflicts=True, batch_size=1000)
    return pending_digest_pks(day, now)


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failure: doubling, capped."""
    rules = policy()
    return min(rules["RETRY_BACKOFF"] * 2 ** (attempts - 1), rules["RETRY_BACKOFF_MAX"])


class _SendFailed(Exception):
    pass


def _recipient_key(digest):
    return digest.recipient_id if digest.recipient_id is not None else TEAM


def deliver_digest(digest_pk, now=None, connection=None, actions=None, links=None, figures=None):
    """Send one digest if it is still pending, and mark it sent in the same
    transaction that holds its lock. Safe to call any number of times, from any
    number of processes at once.

    ``connection`` is an open mail connection to reuse; ``actions``, ``links``
    and ``figures`` what ``deliver_digests`` read once for its whole batch."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            digest = (
                ReminderDigest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=digest_pk, state=DigestState.PENDING)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .first()
            )
            if digest is None:
                return Delivery(Outcome.NOT_CLAIMED)
            recipient = digest.recipient
            if recipient is not None:
                # To the address they have now, if they changed it since 07:00.
                digest.address = recipient.email
            delivery = Delivery(
                Outcome.SENT, address=digest.address, recipient_key=_recipient_key(digest)
            )
            content = digest_content(digest, actions=actions, links=links, figures=figures)
            if content.is_empty or (recipient is not None and not recipient.is_active):
                digest.state = DigestState.SKIPPED
                digest.save(update_fields=["state"])
                delivery.outcome = Outcome.NOTHING_TO_SEND
                return delivery
            message = build_message(digest, content, connection=connection)
            try:
                message.send()
            except Exception as error:
                # Leaving the block rolls back whatever the backend did inside it.
                raise _SendFailed(error) from error
            digest.state = DigestState.SENT
            digest.sent_at = timezone.now()
            digest.attempts += 1
            digest.next_attempt_at = None
            digest.last_error = ""
            digest.save(
                update_fields=[
                    "address",
                    "state",
                    "sent_at",
                    "attempts",
                    "next_attempt_at",
                    "last_error",
                ]
            )
            return delivery
    except _SendFailed as failure:
        return _record_failure(digest_pk, failure.__cause__, now)


def deliver_digests(digest_pks, now=None):
    """Send a batch of digests, each as ``deliver_digest`` does, over one
    connection to the mail server, with the actions they list read in one query
    (and the measures, if any, in one more). Returns each digest's ``Delivery``,
    in order."""
    now = now or timezone.now()
    digests = list(
        ReminderDigest.objects.filter(pk__in=digest_pks).only(
            "overdue", "due_soon", "stale", "escalated", "missing_figures", "figures_month"
        )
    )
    actions = actions_listed_in(digests)
    figures = measures_missing_in(digests)
    links = update_links()
    connection = get_connection()
    deliveries = []
    try:
        for digest_pk in digest_pks:
            delivery = deliver_digest(
                digest_pk, now, connection=connection, actions=actions, links=links, figures=figures
            )
            if delivery.outcome in (Outcome.WILL_RETRY, Outcome.GAVE_UP):
                # A refusal may have left the session unusable: the next digest
                # opens a fresh one rather than failing on this one too.
                connection.close()
            deliveries.append(delivery)
    finally:
        connection.close()
    return deliveries


def batches(pks, size):
    """``pks`` in lists of at most ``size``, in order."""
    return [pks[start : start + size] for start in range(0, len(pks), size)]


def _record_failure(digest_pk, error, now):
    with transaction.atomic():
        digest = (
            ReminderDigest.objects.select_for_update(skip_locked=True)
            .filter(pk=digest_pk, state=DigestState.PENDING)
            .first()
        )
        if digest is None:  # another sweep sent it meanwhile
            return Delivery(Outcome.NOT_CLAIMED)
        digest.attempts += 1
        digest.last_error = f"{type(error).__name__}: {error}"[:2000]
        delivery = Delivery(
            Outcome.WILL_RETRY, address=digest.address, recipient_key=_recipient_key(digest)
        )
        if digest.attempts >= policy()["MAX_ATTEMPTS"]:
            digest.state = DigestState.FAILED
            digest.next_attempt_at = None
            delivery.outcome = Outcome.GAVE_UP
            log.error(
                "Gave up on the reminder digest %s to %s after %s attempts: %s",
                digest.pk,
                digest.address,
                digest.attempts,
                digest.last_error,
            )
        else:
            delivery.retry_in = retry_delay(digest.attempts)
            digest.next_attempt_at = now + dt.timedelta(seconds=delivery.retry_in)
            log.warning(
                "The reminder digest %s to %s was refused (attempt %s), trying again in %ss: %s",
                digest.pk,
                digest.address,
                digest.attempts,
                delivery.retry_in,
                digest.last_error,
            )
        digest.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
        return delivery


def run_sweep(day, now=None, dry_run=False):
    """The whole sweep in this process: the ``send_reminders`` command's way."""
    now = now or timezone.now()
    result = SweepResult(day=day, dry_run=dry_run)
    if dry_run:
        already = set(ReminderDigest.objects.filter(day=day).values_list("recipient_id", flat=True))
        result.would_send = [p for p in plan_digests(day) if p.recipient_id not in already]
        result.already_sent = ReminderDigest.objects.filter(day=day, state=DigestState.SENT).count()
        return result
    people = set()
    for batch in batches(prepare_sweep(day, now), policy()["DIGESTS_PER_BATCH"]):
        for delivery in deliver_digests(batch, now):
            if delivery.outcome is Outcome.SENT:
                result.sent += 1
                people.add(delivery.recipient_key)
            elif delivery.outcome in (Outcome.WILL_RETRY, Outcome.GAVE_UP):
                result.failed += 1
    result.people = len(people)
    sent_today = ReminderDigest.objects.filter(day=day, state=DigestState.SENT).count()
    result.already_sent = sent_today - result.sent
    return result


# The action page ---------------------------------------------------------------


def last_reminded_at(action):
    """When a digest sent to the action's owner last listed it, or None."""
    if action.pk is None or action.owner_id is None:
        return None
    sent = (
        ReminderDigest.objects.filter(recipient_id=action.owner_id, state=DigestState.SENT)
        .order_by("-sent_at", "-pk")
        .values_list("sent_at", "overdue", "due_soon", "stale")
    )
    # Newest first, a month of working days at a time: usually the first page.
    page = 20
    for start in range(0, 10_000, page):
        rows = sent[start : start + page]
        for sent_at, *parts in rows:
            if any(action.pk in part for part in parts):
                return sent_at
        if len(rows) < page:
            return None
    return None
