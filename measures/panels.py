"""The measures shown beside the records they tell about: an area of concern's
measures on the area's pages (the officers' and the councillors'), each with its
latest figure against its target and a small trend.

Layers above this one show these through the ``measure_panels`` template tags,
so that an area's page need not import measures to carry its figures, and every
page that shows them draws them from the same include
(templates/measures/_area_panel.html)."""

from .figures import any_illustrative
from .models import Measure
from .trends import summarise


def area_panel(area, user, today=None):
    """The measures of ``area`` that ``user`` may see (a councillor, the shared
    ones only), by title, summarised, in three queries however many there are."""
    measures = Measure.objects.visible_to(user).filter(areas=area).order_by("title", "pk")
    summaries = summarise(measures, today)
    return {
        "summaries": summaries,
        "illustrative": any_illustrative(summary.measure for summary in summaries),
    }
