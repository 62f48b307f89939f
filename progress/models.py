"""What the progress layer keeps of its own: committee packs frozen as at a date,
and the tokens that let reporting tools read the feeds. It never writes the other
apps' records."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from config.dates import long_date


class CommitteePack(models.Model):
    """A scrutiny committee's pack, frozen as at the committee's date.

    ``snapshot`` holds everything the pack shows, worked out once when it is
    frozen, so later edits to actions or ratings never change a pack that has
    already gone to councillors.
    """

    title = models.CharField(max_length=200)
    committee_date = models.DateField("as at")
    snapshot = models.JSONField(default=dict, editable=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_packs",
        help_text="The pack this one reports changes since.",
    )
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="frozen_packs"
    )
    frozen_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    # The audit log names a pack and says who froze it and when; its snapshot,
    # which never changes, is not read there (accounts.history.unread_fields).
    history_unread_fields = ("snapshot",)

    class Meta:
        ordering = ["-committee_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee_date", "title"],
                name="pack_title_unique_per_committee_date",
                violation_error_message="There is already a pack with this title for that date.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({long_date(self.committee_date)})"

    @property
    def visible_to_scrutiny(self):
        return True

    @property
    def action_count(self):
        return self.snapshot.get("action_count", 0)


class PackAction(models.Model):
    """One action's progress as a committee pack froze it (a row of
    ``progress.scrutiny.action_progress``), kept beside the pack's snapshot rather
    than in it: a pack may hold every one of many thousand actions, and its page
    reads one page of them by ``position`` (0, 1, 2, ... in reference order)
    instead of loading them all.

    Written once, with the pack, in the transaction that freezes it, and never
    changed: the pack's own history row records who froze it and when, so these
    rows keep no history of their own (which would double the largest write).
    """

    pack = models.ForeignKey(CommitteePack, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveIntegerField()
    progress = models.JSONField()

    class Meta:
        ordering = ["pack", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "position"], name="pack_action_position_unique"
            ),
        ]

    def __str__(self):
        return f"{self.progress.get('reference', '')} in {self.pack}"


class FeedToken(models.Model):
    """A secret that lets a reporting tool or a calendar read one person's feeds.

    Only a hash is stored: the token itself is shown once, when it is made.
    Revoking keeps the row, so the audit trail shows who could read what, when.
    """

    class Purpose(models.TextChoices):
        DATA_FEED = "data", "Data feed (JSON) for reporting tools"
        CALENDAR = "calendar", "Calendar of my actions' due dates (iCalendar)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    label = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=["data", "calendar"]),
                name="feed_token_purpose_known",
                violation_error_message="Choose what the token is for.",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} for {self.user}"

    @staticmethod
    def hash_key(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, purpose, label=""):
        """Make a token and return it with its key, which is never stored."""
        key = secrets.token_urlsafe(32)
        token = cls(user=user, purpose=purpose, label=label, key_hash=cls.hash_key(key))
        token._history_user = user
        token.save()
        return token, key

    @classmethod
    def find_active(cls, key, purpose):
        if not key:
            return None
        return (
            cls.objects.select_related("user")
            .filter(
                key_hash=cls.hash_key(key),
                purpose=purpose,
                revoked_at__isnull=True,
                user__is_active=True,
            )
            .first()
        )

    @property
    def is_active(self):
        return self.revoked_at is None
