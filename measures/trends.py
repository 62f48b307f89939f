"""How each measure is doing: its latest figure against its target, the way it
has moved since the month before and the same month a year before, and how long
it has been off target. Pages that list many measures call ``summarise`` once
for all of them; it reads the figures in the same few queries however many
measures there are.

The rules, in words a scrutiny committee would use:

RAG against target
    green: the latest figure meets the target or beats it (at or above it when
    higher is better, at or below it when lower is better);
    amber: it misses the target by no more than 5% of the target;
    red: it misses the target by more than that;
    none: the measure has no target, or no figure yet.
Direction
    "better", "worse" or "same", comparing the latest figure with the month
    before it and with the same month a year before, using which way is better
    for the measure; None when that month has no figure.
Months off target
    how many calendar months in a row, ending with the latest, missed the
    target. A month without a figure ends the run: the figures do not say that
    month was off target.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.html import format_html, format_html_join

from config.svg import BLUE, DARK_GREY

from .figures import format_figure, month_name
from .models import MeasureValue, this_month

# Amber is a miss of no more than this share of the target.
AMBER_MARGIN = Decimal("0.05")
# Months shown in a small trend, and so the latest figures read for each measure:
# a year of months and the month a year before the latest.
RECENT_MONTHS = 12
OFF_TARGET_RUN = 3


def months_before(period, count):
    """The first of the month ``count`` months before ``period`` (a first of the month)."""
    index = period.year * 12 + period.month - 1 - count
    return period.replace(year=index // 12, month=index % 12 + 1)


def meets_target(measure, figure):
    if measure.higher_is_better:
        return figure >= measure.target
    return figure <= measure.target


def rag(measure, figure):
    """The RAG rating of a figure against the measure's target (see the module's rules)."""
    if measure.target is None or figure is None:
        return "none"
    if meets_target(measure, figure):
        return "green"
    miss = abs(figure - measure.target)
    return "amber" if miss <= abs(measure.target) * AMBER_MARGIN else "red"


def direction(measure, figure, earlier):
    """Whether ``figure`` is better, worse or the same as ``earlier`` for this measure."""
    if figure is None or earlier is None:
        return None
    if figure == earlier:
        return "same"
    rose = figure > earlier
    return "better" if rose == measure.higher_is_better else "worse"


DIRECTION_WORDS = {"better": "Better than", "worse": "Worse than", "same": "The same as"}
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "none": "No rating"}


def change_in_words(latest, earlier_direction, earlier_period):
    """ "Better than October 2026", "No figure for November 2025", or "" before any figure."""
    if latest is None:
        return ""
    if earlier_direction is None:
        return f"No figure for {month_name(earlier_period)}"
    return f"{DIRECTION_WORDS[earlier_direction]} {month_name(earlier_period)}"


@dataclass
class MeasureSummary:
    measure: object
    latest: MeasureValue | None = None
    previous: MeasureValue | None = None
    year_before: MeasureValue | None = None
    rag: str = "none"
    direction_month: str | None = None
    direction_year: str | None = None
    months_off_target: int = 0
    recent: list = field(default_factory=list)

    @property
    def off_target_three_months(self):
        return self.months_off_target >= OFF_TARGET_RUN

    @property
    def rag_label(self):
        return RAG_LABELS[self.rag]

    @property
    def month_change(self):
        period = months_before(self.latest.period, 1) if self.latest else None
        return change_in_words(self.latest, self.direction_month, period)

    @property
    def year_change(self):
        period = months_before(self.latest.period, 12) if self.latest else None
        return change_in_words(self.latest, self.direction_year, period)

    @property
    def off_target_words(self):
        """ "Off target 3 months running" from the third month on, else ""."""
        if not self.off_target_three_months:
            return ""
        return f"Off target {self.months_off_target} months running"

    @property
    def latest_figure(self):
        return format_figure(self.latest.value if self.latest else None, self.measure.unit)

    @property
    def target_figure(self):
        return format_figure(self.measure.target, self.measure.unit)

    @property
    def sparkline(self):
        return sparkline_svg(self.recent, unit=self.measure.unit, target=self.measure.target)


def _latest_values(measure_ids, until):
    """Each measure's latest figures, newest first: enough rows for a year of
    months and the same month a year before, whatever gaps there are, since rows
    are distinct months (one value a measure a month)."""
    ranked = (
        MeasureValue.objects.filter(measure_id__in=measure_ids, period__lte=until)
        .annotate(
            newest_first=Window(
                RowNumber(), partition_by=[F("measure_id")], order_by=F("period").desc()
            )
        )
        .filter(newest_first__lte=RECENT_MONTHS + 1)
        .order_by("measure_id", "-period")
    )
    by_measure = {}
    for value in ranked:
        by_measure.setdefault(value.measure_id, []).append(value)
    return by_measure


def _months_off_target(measures_with_targets, until):
    """The run of months off target ending with each measure's latest figure.

    A run may be longer than the months ``_latest_values`` reads, so this reads
    every figure of the measures with a target, as bare numbers."""
    by_id = {measure.pk: measure for measure in measures_with_targets}
    rows = (
        MeasureValue.objects.filter(measure_id__in=by_id, period__lte=until)
        .order_by("measure_id", "-period")
        .values_list("measure_id", "period", "value")
    )
    runs, expected, finished = {}, {}, set()
    for measure_id, period, figure in rows:
        if measure_id in finished:
            continue
        wanted = expected.get(measure_id, period)
        if period != wanted or meets_target(by_id[measure_id], figure):
            finished.add(measure_id)
            continue
        runs[measure_id] = runs.get(measure_id, 0) + 1
        expected[measure_id] = months_before(period, 1)
    return runs


def summarise(measures, today=None):
    """A ``MeasureSummary`` for each measure, in the order given, in three queries
    (two when ``measures`` is already a list)."""
    measures = list(measures)
    until = this_month(today)
    values = _latest_values([measure.pk for measure in measures], until)
    runs = _months_off_target([m for m in measures if m.target is not None], until)
    summaries = []
    for measure in measures:
        newest = values.get(measure.pk, [])
        summary = MeasureSummary(measure=measure)
        if newest:
            latest = newest[0]
            by_period = {value.period: value for value in newest}
            summary.latest = latest
            summary.previous = by_period.get(months_before(latest.period, 1))
            summary.year_before = by_period.get(months_before(latest.period, 12))
            summary.rag = rag(measure, latest.value)
            summary.direction_month = direction(
                measure, latest.value, getattr(summary.previous, "value", None)
            )
            summary.direction_year = direction(
                measure, latest.value, getattr(summary.year_before, "value", None)
            )
            start = months_before(latest.period, RECENT_MONTHS - 1)
            summary.recent = [value for value in reversed(newest) if value.period >= start]
        summary.months_off_target = runs.get(measure.pk, 0)
        summaries.append(summary)
    return summaries


def _latest_two(measure_ids, until):
    """Each measure's two newest figures, newest first, as bare numbers."""
    return (
        MeasureValue.objects.filter(measure_id__in=measure_ids, period__lte=until)
        .annotate(
            newest_first=Window(
                RowNumber(), partition_by=[F("measure_id")], order_by=F("period").desc()
            )
        )
        .filter(newest_first__lte=2)
        .order_by("measure_id", "-period")
        .values_list("measure_id", "period", "value")
    )


def summarise_latest(measures, today=None):
    """A ``MeasureSummary`` for each measure, in the order given, with only what
    its latest figure says: the RAG, the change since the month before and the
    months off target, but neither the year before nor the small trend. For a
    page that rates every measure at once (the dashboard): it reads two figures a
    measure, and every figure only of the measures off target, in two queries
    (three when ``measures`` is a queryset; one when none is off target)."""
    measures = list(measures)
    until = this_month(today)
    newest = {}
    for measure_id, period, figure in _latest_two([measure.pk for measure in measures], until):
        newest.setdefault(measure_id, []).append(
            MeasureValue(measure_id=measure_id, period=period, value=figure)
        )
    summaries = []
    for measure in measures:
        summary = MeasureSummary(measure=measure)
        if values := newest.get(measure.pk):
            latest = values[0]
            summary.latest = latest
            if len(values) > 1 and values[1].period == months_before(latest.period, 1):
                summary.previous = values[1]
            summary.rag = rag(measure, latest.value)
            summary.direction_month = direction(
                measure, latest.value, getattr(summary.previous, "value", None)
            )
        summaries.append(summary)
    # Only a measure whose latest figure misses its target has a run to count.
    off_target = [s.measure for s in summaries if s.rag in ("red", "amber")]
    runs = _months_off_target(off_target, until)
    for summary in summaries:
        summary.months_off_target = runs.get(summary.measure.pk, 0)
    return summaries


# A small trend: a line through the figures across the months they cover, the
# target dashed, the latest figure a dot. Sized in pixels, as a word in a table
# cell; the cell beside it gives the latest figure in words.
SPARK_WIDTH = 120
SPARK_HEIGHT = 32
SPARK_PAD = 4
LINE_COLOUR = BLUE
TARGET_COLOUR = DARK_GREY

SPARK_SVG = (
    '<svg class="app-sparkline" role="img" aria-label="{0}" width="{1}" height="{2}" '
    'viewBox="0 0 {1} {2}" focusable="false">{3}</svg>'
)


def sparkline_description(values, unit):
    if not values:
        return "No figures yet"
    first, last = values[0], values[-1]
    if len(values) == 1:
        return f"{format_figure(last.value, unit)} in {month_name(last.period)}"
    figures = [value.value for value in values]
    return (
        f"Trend from {format_figure(first.value, unit)} in {month_name(first.period)} "
        f"to {format_figure(last.value, unit)} in {month_name(last.period)}, "
        f"lowest {format_figure(min(figures), unit)}, "
        f"highest {format_figure(max(figures), unit)}"
    )


def sparkline_svg(values, unit=None, target=None):
    """A small trend of ``values`` (``MeasureValue``s, oldest first), placed by
    month so that a gap in the figures shows as a longer step."""
    label = sparkline_description(values, unit)
    if not values:
        return format_html(SPARK_SVG, label, SPARK_WIDTH, SPARK_HEIGHT, "")
    figures = [value.value for value in values] + ([target] if target is not None else [])
    low, high = min(figures), max(figures)
    span = high - low or Decimal(1)
    first = values[0].period
    months = max(_month_index(values[-1].period) - _month_index(first), 1)
    room_x, room_y = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD

    def x(period):
        return round(SPARK_PAD + (_month_index(period) - _month_index(first)) * room_x / months, 1)

    def y(figure):
        return round(SPARK_PAD + float((high - figure) / span) * room_y, 1)

    parts = []
    if target is not None:
        parts.append(
            format_html(
                '<line x1="0" y1="{0}" x2="{1}" y2="{0}" stroke="{2}" stroke-dasharray="3 3">'
                "</line>",
                y(target),
                SPARK_WIDTH,
                TARGET_COLOUR,
            )
        )
    points = " ".join(f"{x(value.period)},{y(value.value)}" for value in values)
    parts.append(
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
            points,
            LINE_COLOUR,
        )
    )
    last = values[-1]
    parts.append(
        format_html(
            '<circle cx="{}" cy="{}" r="3" fill="{}"></circle>',
            x(last.period),
            y(last.value),
            LINE_COLOUR,
        )
    )
    return format_html(
        SPARK_SVG,
        label,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


def _month_index(period):
    return period.year * 12 + period.month - 1
