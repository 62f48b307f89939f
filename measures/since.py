"""How measures have moved since a given month: for an action, since it started,
so that a senior leader judges its impact against the figures rather than
against the activity alone. For each measure, the first figure from that month
on, the latest, which way it has moved between them, the latest against the
target, and a small trend of every month between, for many measures in one query.
"""

from dataclasses import dataclass, field

from .figures import format_figure, month_name
from .models import MeasureValue, first_of_month, this_month
from .trends import DIRECTION_WORDS, RAG_LABELS, direction, rag, sparkline_svg


@dataclass
class MeasureSince:
    measure: object
    values: list = field(default_factory=list)  # MeasureValues from the month on, oldest first

    @property
    def first(self):
        return self.values[0] if self.values else None

    @property
    def latest(self):
        return self.values[-1] if self.values else None

    @property
    def first_figure(self):
        return format_figure(self.first.value, self.measure.unit) if self.values else ""

    @property
    def latest_figure(self):
        return format_figure(self.latest.value, self.measure.unit) if self.values else ""

    @property
    def target_figure(self):
        return format_figure(self.measure.target, self.measure.unit)

    @property
    def rag(self):
        return rag(self.measure, self.latest.value if self.values else None)

    @property
    def rag_label(self):
        return RAG_LABELS[self.rag]

    @property
    def direction(self):
        """Better, worse or the same as the first figure; None with fewer than two."""
        if len(self.values) < 2:
            return None
        return direction(self.measure, self.latest.value, self.first.value)

    @property
    def change(self):
        """ "Better than March 2024", or "" with fewer than two figures to compare."""
        if self.direction is None:
            return ""
        return f"{DIRECTION_WORDS[self.direction]} {month_name(self.first.period)}"

    @property
    def sparkline(self):
        return sparkline_svg(self.values, unit=self.measure.unit, target=self.measure.target)


def since(measures, start, today=None):
    """A ``MeasureSince`` for each measure, in the order given, with its figures
    from ``start``'s month to this month (every figure when ``start`` is None),
    in one query (two when ``measures`` is a queryset)."""
    measures = list(measures)
    values = MeasureValue.objects.filter(
        measure_id__in=[measure.pk for measure in measures], period__lte=this_month(today)
    )
    if start is not None:
        values = values.filter(period__gte=first_of_month(start))
    by_measure = {}
    for value in values.only("measure", "period", "value").order_by("measure_id", "period"):
        by_measure.setdefault(value.measure_id, []).append(value)
    return [MeasureSince(measure, by_measure.get(measure.pk, [])) for measure in measures]
