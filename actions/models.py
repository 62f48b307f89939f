"""Improvement actions: what the council commits to do, who owns it, how it is going
and whether it has made a difference for children."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.officers import is_scrutiny_member_id, not_an_owner_message
from config.dates import long_date
from findings.models import Finding
from inspections.models import AreaOfConcern
from measures.models import Measure

REFERENCE_PREFIX = "A-"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    COMPLETED = "completed", "Completed"


class Impact(models.TextChoices):
    NOT_EVIDENCED = "not_evidenced", "Not yet evidenced"
    EMERGING = "emerging", "Emerging"
    EVIDENCED = "evidenced", "Evidenced"


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NONE = "none", "None (completed)"


RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.NONE: 3}


def amber_horizon(today):
    return today + timedelta(days=settings.RAG_AMBER_WITHIN_DAYS)


def rag_for(status, due_date, today):
    """The RAG rule, for one action in Python. ``ActionQuerySet.with_rag`` is the
    same rule in SQL; a test holds the two together."""
    if status == Status.COMPLETED:
        return Rag.NONE
    if status == Status.BLOCKED or due_date < today:
        return Rag.RED
    if status == Status.NOT_STARTED and due_date <= amber_horizon(today):
        return Rag.AMBER
    return Rag.GREEN


class ActionQuerySet(models.QuerySet):
    def with_rag(self, today=None):
        """Annotate ``rag`` and ``rag_rank`` so lists can filter and sort on them."""
        today = today or timezone.localdate()
        rag = Case(
            When(status=Status.COMPLETED, then=Value(Rag.NONE.value)),
            When(Q(status=Status.BLOCKED) | Q(due_date__lt=today), then=Value(Rag.RED.value)),
            When(
                status=Status.NOT_STARTED,
                due_date__lte=amber_horizon(today),
                then=Value(Rag.AMBER.value),
            ),
            default=Value(Rag.GREEN.value),
            output_field=models.CharField(),
        )
        rank = Case(
            *[When(rag=value, then=Value(order)) for value, order in RAG_ORDER.items()],
            output_field=IntegerField(),
        )
        return self.annotate(rag=rag).annotate(rag_rank=rank)

    def open(self):
        return self.exclude(status=Status.COMPLETED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def due_soon(self, days, today=None):
        """Open and due from ``today`` to ``days`` days after it, both ends included."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__range=(today, today + timedelta(days=days)))

    def awaiting_sign_off(self):
        """Completed with their impact evidenced, and not yet signed off: what
        ``ImprovementAction.ready_for_sign_off`` says of one action."""
        return self.filter(
            status=Status.COMPLETED, impact=Impact.EVIDENCED, signed_off_at__isnull=True
        )

    def quiet_for(self, days, today=None):
        """Open, with no progress update dated within the last ``days`` days (the
        last one, or the action's creation, is ``days`` or more days ago)."""
        today = today or timezone.localdate()
        since = datetime.combine(today - timedelta(days=days - 1), time.min)
        return self.open().filter(no_update_since(timezone.make_aware(since)))


def no_update_since(before):
    """No progress update since ``before``: its last update, or its creation if
    it has never had one, was earlier. Written as EXISTS tests, which the
    database answers for every action at once with semi-joins, rather than
    working out each action's last update. The reminder e-mails and the home
    page's "no update for 30 days" both ask this."""
    updates = ActionUpdate.objects.filter(action=OuterRef("pk"))
    created_before = ImprovementAction.history.model.objects.filter(
        id=OuterRef("pk"), history_type="+", history_date__lt=before
    )
    return ~Exists(updates.filter(created_at__gte=before)) & (
        Exists(updates) | Exists(created_before)
    )


class ImprovementAction(models.Model):
    reference = models.CharField(
        max_length=20, unique=True, blank=True, help_text="Given automatically, such as A-014."
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="actions")
    areas = models.ManyToManyField(
        AreaOfConcern, blank=True, related_name="actions", verbose_name="areas of concern"
    )
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="actions",
        help_text="The monthly figures that will show whether it has worked.",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the action came from, such as a report."
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    impact = models.CharField(max_length=20, choices=Impact.choices, default=Impact.NOT_EVIDENCED)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    success_measure = models.TextField(
        blank=True, max_length=2000, help_text="How we will know it has worked."
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_off_actions",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = models.TextField("comment on the sign-off", blank=True, max_length=2000)
    # The latest withdrawal of a sign-off, shown on the action until it is signed
    # off again; every earlier one is in the history.
    sign_off_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawn_sign_offs",
    )
    sign_off_withdrawn_at = models.DateTimeField(null=True, blank=True)
    sign_off_withdrawal_reason = models.TextField(
        "why the sign-off was withdrawn", blank=True, max_length=2000
    )

    history = HistoricalRecords(m2m_fields=[findings, areas, measures])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        permissions = [("sign_off_impact", "Can sign off that an action's impact is evidenced")]
        indexes = [
            # Open actions by due date, with their owner and key: the overdue
            # actions (the dashboard's owners and areas, the "overdue only" list)
            # are a range of this small index, read without touching the table.
            models.Index(
                fields=["due_date", "owner", "id"],
                condition=~Q(status=Status.COMPLETED),
                name="action_open_by_due_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="action_due_after_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=(Q(status=Status.COMPLETED) & Q(completed_on__isnull=False))
                | (~Q(status=Status.COMPLETED) & Q(completed_on__isnull=True)),
                name="action_completed_date_exactly_when_completed",
                violation_error_message=(
                    "A completed action needs the date it was completed, "
                    "and only a completed action has one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(completed_on__isnull=True)
                | Q(completed_on__gte=F("start_date")),
                name="action_completed_after_start",
                violation_error_message="An action cannot be completed before it started.",
            ),
            models.CheckConstraint(
                condition=(Q(signed_off_by__isnull=True) & Q(signed_off_at__isnull=True))
                | (
                    Q(signed_off_by__isnull=False)
                    & Q(signed_off_at__isnull=False)
                    & Q(impact=Impact.EVIDENCED)
                ),
                name="action_sign_off_needs_who_when_and_evidenced_impact",
                violation_error_message=(
                    "A sign-off records who and when, and only for evidenced impact."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="action_status_known",
                violation_error_message="Choose a status from the list.",
            ),
            models.CheckConstraint(
                condition=Q(impact__in=[i.value for i in Impact]),
                name="action_impact_known",
                violation_error_message="Choose an impact from the list.",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=[p.value for p in Priority]),
                name="action_priority_known",
                violation_error_message="Choose a priority from the list.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        # Two people adding actions at once may pick the same next number; the
        # unique constraint refuses the second, which then takes the one after.
        for _attempt in range(10):
            self.reference = self.next_reference()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if not ImprovementAction.objects.filter(reference=self.reference).exists():
                    raise
                self.reference = ""
        raise IntegrityError("Could not allocate an action reference")

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("actions:action_detail", args=[self.pk])

    def clean(self):
        super().clean()
        # Owners are officers (accounts.officers): whichever form sets the owner.
        if is_scrutiny_member_id(self.owner_id):
            raise ValidationError(
                {"owner": not_an_owner_message(self.owner)}, code="scrutiny_member"
            )

    # The RAG comes from ``with_rag()`` when the row was loaded that way, and is
    # worked out here otherwise, by the same rule.
    @property
    def rag(self):
        if getattr(self, "_rag", None) is not None:
            return Rag(self._rag)
        return rag_for(self.status, self.due_date, timezone.localdate())

    @rag.setter
    def rag(self, value):
        self._rag = value

    @property
    def is_overdue(self):
        return self.status != Status.COMPLETED and self.due_date < timezone.localdate()

    @property
    def last_reminded_at(self):
        """When the owner's daily reminder e-mail last listed this action, or None."""
        from .reminders import last_reminded_at

        return last_reminded_at(self)

    @property
    def ready_for_sign_off(self):
        return (
            self.status == Status.COMPLETED
            and self.impact == Impact.EVIDENCED
            and self.signed_off_at is None
        )

    @classmethod
    def next_reference(cls):
        numbered = cls.objects.filter(reference__regex=rf"^{REFERENCE_PREFIX}[0-9]+$").annotate(
            number=Cast(Substr("reference", len(REFERENCE_PREFIX) + 1), IntegerField())
        )
        highest = numbered.aggregate(models.Max("number"))["number__max"] or 0
        return f"{REFERENCE_PREFIX}{highest + 1:03d}"


class ActionUpdate(models.Model):
    """A note on how an action is going, by its owner or the improvement team."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_updates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(max_length=5000)
    new_status = models.CharField(
        "status changed to", max_length=20, choices=Status.choices, blank=True
    )
    new_impact = models.CharField(
        "impact changed to", max_length=20, choices=Impact.choices, blank=True
    )
    shareable_with_scrutiny = models.BooleanField("may be shown to scrutiny members", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Each action's updates newest first: its latest update, as the
            # downloads show it, is the first entry here, with no sort.
            models.Index(
                fields=["action", "-created_at", "-id"], name="action_update_latest_first"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="action_update_has_note",
                violation_error_message="Enter a note about progress.",
            ),
            models.CheckConstraint(
                condition=Q(new_status="") | Q(new_status__in=[s.value for s in Status]),
                name="action_update_status_known",
                violation_error_message="Choose a status from the list.",
            ),
            models.CheckConstraint(
                condition=Q(new_impact="") | Q(new_impact__in=[i.value for i in Impact]),
                name="action_update_impact_known",
                violation_error_message="Choose an impact from the list.",
            ),
        ]

    def __str__(self):
        return f"Update on {self.action.reference} by {self.author} on {self.posted_on}"

    @property
    def posted_on(self):
        """The day it was posted, in words: "5 December 2026"."""
        return long_date(self.created_at)

    @property
    def visible_to_scrutiny(self):
        return self.shareable_with_scrutiny


class Evidence(models.Model):
    """Something that shows an action's progress or impact: a file or a link."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ActionUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    url = models.URLField("link", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_added"
    )
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="evidence_is_a_file_or_a_link",
                violation_error_message="Give either a file or a link, not both.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def visible_to_scrutiny(self):
        return False


class DigestState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Gave up after repeated failures"
    SKIPPED = "skipped", "Nothing left to send"


class ReminderDigest(models.Model):
    """One day's reminder e-mail to one person, or to the improvement team's mailbox.

    The ledger that makes reminders lose nothing and send nothing twice
    (``actions.reminders``): the sweep writes one row per (person, day), the
    unique constraints refuse a second, and a row is sent only by whoever holds
    its lock and finds it still pending.

    It has no HistoricalRecords on purpose: nobody edits it through the service,
    only the reminder sweep writes it, and each row is already the record of
    what was sent to whom and when. A history table would double every write of
    the busiest table for no reader.
    """

    State = DigestState

    day = models.DateField(help_text="The working day the digest is for.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_digests",
        help_text="Empty for the improvement team's mailbox.",
    )
    address = models.EmailField("sent to")
    # The primary keys of the actions in each part, decided once when the row
    # is written, so a digest sent again after a crash says the same thing.
    overdue = models.JSONField(default=list, blank=True)
    due_soon = models.JSONField(default=list, blank=True)
    stale = models.JSONField(default=list, blank=True)
    escalated = models.JSONField(default=list, blank=True)
    # The measures the person supplies that had no figure for ``figures_month``
    # (actions.reminders.figures_month): the month is kept with them, so the
    # digest asks for the month it was written about, whenever it is sent.
    missing_figures = models.JSONField(default=list, blank=True)
    figures_month = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=DigestState.choices, default=DigestState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="After a failure, not to be tried again before this."
    )
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "address"]
        indexes = [
            models.Index(fields=["day", "state"], name="reminder_digest_day_state"),
            models.Index(fields=["recipient", "-sent_at"], name="reminder_digest_last_sent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=Q(recipient__isnull=False),
                name="one_reminder_digest_per_person_per_day",
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(recipient__isnull=True),
                name="one_team_reminder_digest_per_day",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in DigestState]),
                name="reminder_digest_state_known",
            ),
            models.CheckConstraint(
                condition=(Q(state=DigestState.SENT) & Q(sent_at__isnull=False))
                | (~Q(state=DigestState.SENT) & Q(sent_at__isnull=True)),
                name="reminder_digest_sent_at_exactly_when_sent",
            ),
        ]

    def __str__(self):
        return f"Reminder digest for {self.address} on {long_date(self.day)}"

    @property
    def action_pks(self):
        return [*self.overdue, *self.due_soon, *self.stale, *self.escalated]
