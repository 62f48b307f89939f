"""The dashboard's measures: those whose latest figure misses its target, and those
that moved the wrong way since the month before, each linking to the measure.

Worked out with the rest of the dashboard's figures and cached with them
(``dashboard.figures``; a measure's or a value's change moves the data stamp, as
both keep history), from one ``measures.trends.summarise_latest`` of every
measure: two figures a measure, and every figure only of those off target, in
the same three queries however many measures and months there are. The cached
rows are plain words and numbers, and the page keeps only the measures the person
looking may see (``visible_for``)."""

from dataclasses import dataclass

from measures.figures import format_figure, is_illustrative
from measures.models import Measure
from measures.trends import summarise_latest

# The most of each list the page shows; the measures' own list has every one.
SHOWN = 10
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "none": 3}


@dataclass
class MeasureRow:
    pk: int
    title: str
    url: str
    latest: str
    latest_period: object
    target: str
    rag: str
    rag_label: str
    months_off_target: int
    off_target_words: str
    previous: str
    previous_period: object
    illustrative: bool


def _row(summary):
    measure, previous = summary.measure, summary.previous
    return MeasureRow(
        pk=measure.pk,
        title=measure.title,
        url=measure.get_absolute_url(),
        latest=summary.latest_figure,
        latest_period=summary.latest.period,
        target=summary.target_figure,
        rag=summary.rag,
        rag_label=summary.rag_label,
        months_off_target=summary.months_off_target,
        off_target_words=summary.off_target_words,
        previous=format_figure(previous.value, measure.unit) if previous else "",
        previous_period=previous.period if previous else None,
        illustrative=is_illustrative(measure),
    )


def measures_to_watch(today):
    """Every measure off target, the longest off target first, and every one
    worse than the month before, the furthest off target first."""
    summaries = summarise_latest(
        Measure.objects.only("title", "unit", "higher_is_better", "target", "source").order_by(
            "title", "pk"
        ),
        today,
    )
    off_target = [s for s in summaries if s.rag in ("red", "amber")]
    off_target.sort(key=lambda s: (-s.months_off_target, RAG_ORDER[s.rag]))
    worse = [s for s in summaries if s.direction_month == "worse"]
    worse.sort(key=lambda s: RAG_ORDER[s.rag])
    return {
        "measures_off_target": [_row(s) for s in off_target],
        "measures_worse": [_row(s) for s in worse],
    }


def visible_for(found, user):
    """The cached lists cut to the measures ``user`` may see, at most ``SHOWN`` of
    each, with how many there are in all and whether any figures shown are the
    demonstration's."""
    visible = set(Measure.objects.visible_to(user).values_list("pk", flat=True))
    context = {}
    shown = []
    for name in ("measures_off_target", "measures_worse"):
        rows = [row for row in found.get(name, []) if row.pk in visible]
        context[name] = rows[:SHOWN]
        context[f"{name}_total"] = len(rows)
        shown += rows[:SHOWN]
    context["measures_illustrative"] = any(row.illustrative for row in shown)
    return context
