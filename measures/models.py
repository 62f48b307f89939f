"""Performance measures: the figures the council reports every month that show
whether things are getting better for children, and their monthly values.

A measure belongs to the areas of concern it shows progress on, and actions name
the measures that will show whether they have worked."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.access import may, may_enter_every_measure
from accounts.officers import is_scrutiny_member_id
from inspections.models import AreaOfConcern, VisibleQuerySet

# Figures are kept to two decimal places: enough for a rate per 10,000 children
# or an average caseload, and exact, so a re-imported file compares equal.
FIGURE = {"max_digits": 12, "decimal_places": 2}
FIGURE_FIELDS = ("value", "england", "neighbours")


class Unit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    NUMBER = "number", "Number"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000 children"
    DAYS = "days", "Days"


def first_of_month(day):
    return day.replace(day=1)


def this_month(today=None):
    return first_of_month(today or timezone.localdate())


class MeasureQuerySet(VisibleQuerySet):
    # Councillors see a measure only once the council has chosen to share it.
    published = Q(shareable_with_scrutiny=True)

    def enterable_by(self, user):
        """The measures whose figures ``user`` may enter (accounts.access, "enter_figures")."""
        if not may(user, "enter_figures", Measure):
            return self.none()
        if may_enter_every_measure(user):
            return self.all()
        return self.filter(owner=user)


class MeasureValueQuerySet(VisibleQuerySet):
    published = Q(measure__shareable_with_scrutiny=True)


class Measure(models.Model):
    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.PERCENTAGE)
    higher_is_better = models.BooleanField(
        "higher is better",
        default=True,
        help_text="Untick for a figure that should fall, such as re-referrals.",
    )
    target = models.DecimalField(**FIGURE, null=True, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the figure comes from, such as a report."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplied_measures",
        help_text="The officer who supplies the figure each month.",
    )
    areas = models.ManyToManyField(
        AreaOfConcern, blank=True, related_name="measures", verbose_name="areas of concern"
    )
    shareable_with_scrutiny = models.BooleanField(
        "councillors may see it",
        default=False,
        help_text="Scrutiny councillors see only the measures shared with them.",
    )

    history = HistoricalRecords(m2m_fields=[areas])

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__in=[unit.value for unit in Unit]),
                name="measure_unit_known",
                violation_error_message="Choose a unit from the list.",
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENTAGE)
                | Q(target__isnull=True)
                | Q(target__gte=0, target__lte=100),
                name="measure_percentage_target_in_range",
                violation_error_message="A percentage target must be between 0 and 100.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("measures:measure_detail", args=[self.pk])

    @staticmethod
    def history_in_words(field_name, value):
        """How the audit log writes this field's value, or None for its usual way."""
        from .figures import plain_number  # figures.py reads Unit from this module

        return plain_number(value) if field_name == "target" else None

    @property
    def visible_to_scrutiny(self):
        return self.shareable_with_scrutiny

    @property
    def is_percentage(self):
        return self.unit == Unit.PERCENTAGE

    def clean(self):
        super().clean()
        # Whoever supplies the figure is an officer (accounts.officers).
        if is_scrutiny_member_id(self.owner_id):
            raise ValidationError(
                {
                    "owner": f"{self.owner} is a scrutiny member, and scrutiny members cannot "
                    "supply measures. Choose an officer"
                },
                code="scrutiny_member",
            )


def check_figure(unit, figure, label="The value"):
    """Why a figure cannot be a value of a measure in this unit, or None."""
    if figure is None:
        return None
    if unit == Unit.PERCENTAGE and not Decimal(0) <= figure <= Decimal(100):
        return f"{label} is a percentage, so it must be between 0 and 100"
    if unit != Unit.PERCENTAGE and figure < 0:
        return f"{label} must be 0 or more"
    return None


def check_period(period, today=None):
    """Why a month cannot have a value yet, or None: a month is its first day,
    and this month's figure may be entered while it runs, a later one may not."""
    if period.day != 1:
        return "The month must be given as its first day"
    if period > this_month(today):
        return "The month is in the future"
    return None


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period = models.DateField("month", help_text="The first day of the month the figure is for.")
    value = models.DecimalField(**FIGURE)
    england = models.DecimalField("England", **FIGURE, null=True, blank=True)
    neighbours = models.DecimalField("statistical neighbours", **FIGURE, null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entered_measure_values",
    )
    entered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    objects = MeasureValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "period"]
        verbose_name = "measure value"
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"],
                name="measure_value_one_per_month",
                violation_error_message="This measure already has a value for that month.",
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="measure_value_period_first_of_month",
                violation_error_message="The month must be given as its first day.",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.period:%B %Y}"

    @staticmethod
    def history_in_words(field_name, value):
        """How the audit log writes this field's value, or None for its usual way."""
        # figures.py reads Unit from this module: imported when first needed.
        from .figures import month_name, plain_number

        if field_name == "period":
            return month_name(value)
        if field_name in FIGURE_FIELDS:
            return plain_number(value)
        return None

    @property
    def visible_to_scrutiny(self):
        return self.measure.shareable_with_scrutiny

    def clean(self):
        super().clean()
        errors = {}
        if self.period and (problem := check_period(self.period)):
            errors["period"] = problem + "."
        if self.measure_id:
            for field in ("value", "england", "neighbours"):
                label = self._meta.get_field(field).verbose_name.capitalize()
                if problem := check_figure(self.measure.unit, getattr(self, field), label):
                    errors[field] = problem + "."
        if errors:
            raise ValidationError(errors)
