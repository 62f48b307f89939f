"""``{% area_measures area %}``: an area of concern's measures, as the officers'
area page and the councillors' one both show them, for the person looking. A tag
rather than a context entry, so that the findings layer, above this one, shows
the figures without importing measures."""

from django import template

from measures.panels import area_panel

register = template.Library()


@register.inclusion_tag("measures/_area_panel.html", takes_context=True)
def area_measures(context, area):
    return area_panel(area, context["request"].user)
