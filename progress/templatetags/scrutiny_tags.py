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
