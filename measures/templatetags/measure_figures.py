"""``{{ value.value|figure:measure.unit }}``: a measure's figure with its unit, as
``measures.figures`` writes it everywhere else; ``{{ period|month }}``: "December 2026"."""

from django import template

from measures.figures import format_figure, month_name

register = template.Library()


@register.filter
def figure(value, unit):
    return format_figure(value, unit)


@register.filter
def month(period):
    return month_name(period) if period else ""
