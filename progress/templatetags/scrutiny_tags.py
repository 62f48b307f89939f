"""Reading a committee pack's snapshot, which keeps dates as ISO text (JSON has no
dates), in templates."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django import template

from measures.models import Unit

# A frozen measure keeps its unit's label; the figures are written from its code.
UNIT_CODES = {label: code for code, label in Unit.choices}

register = template.Library()


@register.filter
def isodate(value):
    """``"2025-03-27"`` as a date, for the ``date`` filter; anything else unchanged."""
    if not value:
        return value
    try:
        return datetime.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return value


@register.filter
def isodatetime(value):
    if not value:
        return value
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value


# The words carry the meaning; the colour only repeats it (as findings/_rating_tag.html).
RATING_TAGS = {
    "improved": "govuk-tag--green",
    "some_progress": "govuk-tag--turquoise",
    "no_change": "govuk-tag--yellow",
    "declined": "govuk-tag--red",
}


@register.filter
def rating_tag(value):
    """The GOV.UK tag colour for a rating's value (grey for "not assessed")."""
    return RATING_TAGS.get(value, "govuk-tag--grey")


@register.filter
def frozen_sparkline(entry):
    """A frozen measure's small trend (``progress.pack_measures``), drawn from the
    figures the snapshot keeps, with its text alternative."""
    from measures.trends import sparkline_svg  # only the pages with measures need it

    unit = UNIT_CODES.get(entry.get("unit"))
    values = [
        SimpleNamespace(period=datetime.date.fromisoformat(period), value=Decimal(figure))
        for period, figure in entry.get("recent") or []
    ]
    target = entry.get("target_value")
    return sparkline_svg(values, unit=unit, target=Decimal(target) if target else None)
