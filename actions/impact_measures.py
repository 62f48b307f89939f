"""The measures an action names, since it started: what its page and its sign-off
page set beside the updates and evidence, so that a senior leader judges the
impact for children against the figures (``measures.since``)."""

from django.utils import timezone

from accounts.access import may
from measures.figures import any_illustrative
from measures.models import Measure
from measures.since import since

from .models import ImprovementAction


def started_on(action):
    """The day the action started: its start date, or, when none was given, the
    day it was added (its first history row); None if neither is known."""
    if action.start_date:
        return action.start_date
    added = (
        ImprovementAction.history.filter(id=action.pk, history_type="+")
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return timezone.localdate(added) if added else None


def measures_since_start(action, user, today=None):
    """The context of templates/measures/_since_start.html: the action's measures
    that ``user`` may see (a councillor, the shared ones only), by title, each
    with its figures from the month the action started; in three or four
    queries however many measures and months there are."""
    start = started_on(action)
    rows = since(
        Measure.objects.visible_to(user).filter(actions=action).order_by("title", "pk"),
        start,
        today,
    )
    return {
        "since_start": rows,
        "started_on": start,
        "start_is_added": start is not None and not action.start_date,
        "illustrative": any_illustrative(row.measure for row in rows),
        # An action's owner may hold no role that opens the measures' own pages.
        "may_view_measures": may(user, "view", Measure),
    }
