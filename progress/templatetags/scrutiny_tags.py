"""Reading a committee pack's snapshot, which keeps dates as ISO text (JSON has no
dates), in templates."""

import datetime

from django import template

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
