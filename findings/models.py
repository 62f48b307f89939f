"""What each visit found, and how each area of concern was judged to be moving."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from config.dates import long_date
from inspections.models import AreaOfConcern, VisibleQuerySet, Visit


class OfVisitQuerySet(VisibleQuerySet):
    """Findings and ratings: scrutiny members see those of published letters."""

    published = Q(visit__is_published=True)


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
    SERIOUS_CONCERN = "serious_concern", "Serious concern"


class FindingSection(models.TextChoices):
    HEADLINE = "headline", "Headline finding"
    DETAILED = "detailed", "Detailed finding"


class Finding(models.Model):
    """One judgement-bearing statement from a letter, with its words as evidence."""

    Kind = FindingKind

    Section = FindingSection

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    area = models.ForeignKey(
        AreaOfConcern,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name="area of concern",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    section = models.CharField(max_length=10, choices=Section.choices, default=Section.DETAILED)
    summary = models.CharField(max_length=300, help_text="In a sentence, in your own words.")
    evidence = models.TextField(
        blank=True, max_length=10000, help_text="The letter's words, as written."
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    objects = OfVisitQuerySet.as_manager()

    class Meta:
        ordering = ["visit", "section", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in FindingKind]),
                name="finding_kind_known",
                violation_error_message="Choose strength, area for improvement or serious concern.",
            ),
            models.CheckConstraint(
                condition=Q(section__in=[s.value for s in FindingSection]),
                name="finding_section_known",
                violation_error_message="A finding is a headline or a detailed finding.",
            ),
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="finding_has_summary",
                violation_error_message="Enter a summary of the finding.",
            ),
        ]

    def __str__(self):
        return self.summary

    def get_absolute_url(self):
        return reverse("findings:visit_detail", args=[self.visit_id]) + f"#finding-{self.pk}"

    @property
    def visible_to_scrutiny(self):
        return self.visit.visible_to_scrutiny


class RatingChoice(models.TextChoices):
    IMPROVED = "improved", "Improved"
    SOME_PROGRESS = "some_progress", "Some progress"
    NO_CHANGE = "no_change", "No change"
    DECLINED = "declined", "Declined"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class AreaRating(models.Model):
    """How far an area of concern had moved when a visit looked at it."""

    Rating = RatingChoice

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="area_ratings")
    area = models.ForeignKey(AreaOfConcern, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    commentary = models.TextField(blank=True, max_length=5000)

    history = HistoricalRecords()

    objects = OfVisitQuerySet.as_manager()

    class Meta:
        ordering = ["visit__start_date", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "area"],
                name="one_rating_per_area_per_visit",
                violation_error_message="This area already has a rating for this visit.",
            ),
            models.CheckConstraint(
                condition=Q(rating__in=[r.value for r in RatingChoice]),
                name="area_rating_known",
                violation_error_message="Choose a rating from the list.",
            ),
        ]

    def __str__(self):
        return f"{self.area} at {self.visit}: {self.get_rating_display()}"

    def get_absolute_url(self):
        return reverse("findings:visit_detail", args=[self.visit_id])

    @property
    def visible_to_scrutiny(self):
        return self.visit.visible_to_scrutiny


class ImportedDocumentKind(models.TextChoices):
    LETTER = "letter", "Visit letter"
    REPORT = "report", "Inspection report"


class ImportedDocument(models.Model):
    """An Ofsted letter or report as it was imported: the original file (or the
    pasted text), who imported it, and the visit or inspection it became.

    ``sha256`` is the fingerprint that tells the importer a document has been
    imported before, so that a second import updates the record it made instead
    of making another.
    """

    Kind = ImportedDocumentKind

    kind = models.CharField(max_length=10, choices=Kind.choices)
    authority = models.ForeignKey(
        "inspections.LocalAuthority", on_delete=models.PROTECT, related_name="imported_documents"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    text = models.TextField(help_text="The text read from the document.")
    sha256 = models.CharField("SHA-256 fingerprint", max_length=64, unique=True)
    # The record the document became goes with it: a visit deleted by mistake is
    # brought back from its history, and its document with it.
    visit = models.ForeignKey(
        Visit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imported_documents",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imported_documents",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="imported_documents",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=ImportedDocumentKind.LETTER,
                        visit__isnull=False,
                        inspection__isnull=True,
                    )
                    | Q(
                        kind=ImportedDocumentKind.REPORT,
                        inspection__isnull=False,
                        visit__isnull=True,
                    )
                ),
                name="imported_document_became_one_record",
                violation_error_message=(
                    "A letter becomes a visit and a report becomes an inspection."
                ),
            ),
        ]

    def __str__(self):
        if self.original_name:
            return self.original_name
        return f"{self.get_kind_display()} pasted on {long_date(self.imported_at)}"

    def get_absolute_url(self):
        record = self.visit or self.inspection
        return record.get_absolute_url()

    @property
    def visible_to_scrutiny(self):
        # The original document is internal: scrutiny reads the published record.
        return False


class DocumentReading(models.Model):
    """An import being read: asked for by the start page, read by a Celery task
    (``findings.tasks.read_document``), collected by the reading page, which turns it
    into the person's draft and deletes it.

    A short-lived piece of work, not a record anyone changes: it keeps no history.
    What an import saves is recorded when it is confirmed (``ImportedDocument``).
    """

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be read"
        READING = "reading", "Being read"
        READY = "ready", "Read"
        REFUSED = "refused", "Refused"

    token = models.CharField(max_length=32, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    authority = models.ForeignKey(
        "inspections.LocalAuthority", on_delete=models.CASCADE, related_name="+"
    )
    # An uploaded file waits in the file storage (findings.import_drafts); pasted
    # text waits in ``text``, which then holds the text read from either.
    original_name = models.CharField(max_length=255, blank=True)
    stored_name = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    kind = models.CharField(max_length=10, choices=ImportedDocumentKind.choices, blank=True)
    parsed = models.JSONField(default=dict, blank=True)
    # Why it was refused, written to be shown as it stands, and the start page's
    # field it belongs beside ("document" or "text").
    refusal = models.CharField(max_length=300, blank=True)
    refused_field = models.CharField(max_length=10, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.original_name or 'Pasted text'} ({self.get_state_display().lower()})"
