"""The measures a committee pack freezes: each measure shared with councillors,
its latest figure as at the committee's date with the target, RAG and run of
months off target, its last year of figures, and how it has moved since the
previous pack.

Everything is kept as text and ISO dates in the pack's snapshot, worked out when
the pack is frozen: a figure corrected afterwards never changes a pack that has
gone to councillors. The previous pack's figure is read from the previous pack's
own snapshot, so "since the previous pack" compares what councillors were shown
then with what they are shown now.
"""

from decimal import Decimal

from measures.figures import format_figure, is_illustrative, month_name, plain_number
from measures.models import Measure, Unit
from measures.trends import RAG_LABELS, direction, summarise

from .scrutiny import SCRUTINY_VIEW

MOVED_WORDS = {"better": "Better", "worse": "Worse"}


def measures_snapshot(day, previous_snapshot=None):
    """The pack snapshot's ``measures`` and whether any of their figures are the
    demonstration's illustrative ones (said on the pack, as on every page)."""
    measures = measures_as_at(day, previous_snapshot)
    return {
        "measures": measures,
        "measures_illustrative": any(entry["illustrative"] for entry in measures),
    }


def measures_as_at(day, previous_snapshot=None):
    """The shared measures as at ``day``, in title order, for a pack's snapshot:
    four queries however many measures and months."""
    # None: the first pack, with nothing to compare with.
    earlier = None
    if previous_snapshot is not None:
        earlier = {entry["pk"]: entry for entry in previous_snapshot.get("measures") or []}
    measures = Measure.objects.visible_to(SCRUTINY_VIEW).order_by("title")
    return [_frozen(summary, earlier) for summary in summarise(measures, today=day)]


def _frozen(summary, earlier_entries):
    measure, latest = summary.measure, summary.latest
    unit = measure.unit
    entry = {
        "pk": measure.pk,
        "title": measure.title,
        "illustrative": is_illustrative(measure),
        "unit": measure.get_unit_display(),
        "higher_is_better": measure.higher_is_better,
        "target": format_figure(measure.target, unit),
        "target_value": None if measure.target is None else str(measure.target),
        "rag": summary.rag,
        "rag_label": RAG_LABELS[summary.rag],
        "months_off_target": summary.months_off_target,
        "latest": None,
        "recent": [[value.period.isoformat(), str(value.value)] for value in summary.recent],
        "since_previous": None,
    }
    if latest is not None:
        entry["latest"] = {
            "period": latest.period.isoformat(),
            "month": month_name(latest.period),
            "value": str(latest.value),
            "figure": format_figure(latest.value, unit),
            "england": format_figure(latest.england, unit),
            "neighbours": format_figure(latest.neighbours, unit),
        }
        if earlier_entries is not None:
            earlier = earlier_entries.get(measure.pk)
            entry["since_previous"] = _since_previous(measure, latest.value, earlier)
    return entry


def _since_previous(measure, figure, earlier):
    """How the latest figure compares with the one the previous pack showed."""
    if earlier is None or not earlier.get("latest"):
        return {"text": "Not in the previous pack", "direction": None}
    before = earlier["latest"]
    was = Decimal(before["value"])
    moved = direction(measure, figure, was)
    shown = f"{before['figure']} in {before['month']}"
    if moved == "same":
        return {"text": f"No change from {shown}", "direction": moved}
    rise = "Up" if figure > was else "Down"
    return {
        "text": f"{rise} {_difference(figure - was, measure.unit)} from {shown}",
        "direction": moved,
        "direction_label": MOVED_WORDS[moved],
    }


def _difference(amount, unit):
    amount = abs(amount)
    if unit == Unit.PERCENTAGE:
        points = plain_number(amount)
        return f"{points} percentage point" if amount == 1 else f"{points} percentage points"
    return format_figure(amount, unit)
