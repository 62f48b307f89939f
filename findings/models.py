"""What each visit found, and how each area of concern was judged to be moving."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from inspections.models import AreaOfConcern, Visit


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
    evidence = models.TextField(blank=True, help_text="The letter's words, as written.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

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
    commentary = models.TextField(blank=True)

    history = HistoricalRecords()

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

    @property
    def visible_to_scrutiny(self):
        return self.visit.visible_to_scrutiny
