"""The senior leaders' dashboard, worked out as plain functions of ``today``.

Each figure is a list of ``Row``s: a label, a count, and the action list's
filter parameters (``actions.filters``) that list exactly the actions counted,
so every number on the page links to its rows. The figures are computed in a
fixed number of set-based queries whatever the number of actions: counts over
the actions table are filtered aggregates of one scan, not a query per bar.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import User
from actions.filters import NO_AREA, NO_OWNER, month_bounds
from actions.models import Impact, ImprovementAction, Rag, Status, amber_horizon
from findings.models import AreaRating, RatingChoice
from inspections.models import AreaOfConcern, Visit

DUE_SOON_DAYS = 30
MONTHS_SHOWN = 12
TOP_OWNERS = 10

# Better ratings rank higher; "not assessed" says nothing about direction.
RATING_RANK = {
    RatingChoice.DECLINED: 0,
    RatingChoice.NO_CHANGE: 1,
    RatingChoice.SOME_PROGRESS: 2,
    RatingChoice.IMPROVED: 3,
}

IMPROVED, DECLINED, SAME, UNKNOWN = "improved", "declined", "same", "unknown"
DIRECTION_LABELS = {
    IMPROVED: "Improved",
    DECLINED: "Declined",
    SAME: "Same",
    UNKNOWN: "Cannot compare",
}


@dataclass
class Row:
    label: str
    count: int
    params: dict = field(default_factory=dict)

    @property
    def url(self):
        query = urlencode(self.params)
        return reverse("actions:action_list") + (f"?{query}" if query else "")


@dataclass
class Month:
    first_day: datetime.date
    completed: Row
    due: Row

    @property
    def label(self):
        return f"{self.first_day:%b %Y}"


@dataclass
class AreaTrend:
    area: AreaOfConcern
    latest: AreaRating | None
    previous: AreaRating | None
    direction: str
    actions: Row

    @property
    def direction_label(self):
        return DIRECTION_LABELS[self.direction]


def _iso(day):
    return day.isoformat()


def last_months(today, count=MONTHS_SHOWN):
    """The first days of the ``count`` months up to and including today's, oldest first."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(firsts))


def rag_conditions(today):
    """The RAG rule of ``ActionQuerySet.with_rag`` as one condition per rating, on
    plain columns: counting with these is much cheaper than counting on the CASE
    expression, and the dashboard's tests hold the two together through the
    action list, which filters with ``with_rag``."""
    open_ = ~Q(status=Status.COMPLETED)
    red = open_ & (Q(status=Status.BLOCKED) | Q(due_date__lt=today))
    amber = Q(status=Status.NOT_STARTED, due_date__gte=today, due_date__lte=amber_horizon(today))
    return {
        Rag.RED: red,
        Rag.AMBER: amber,
        Rag.GREEN: open_ & ~red & ~amber,
        Rag.NONE: Q(status=Status.COMPLETED),
    }


def _headline_counts(today):
    """Every count over the actions table the page needs, in one aggregate query."""
    months = last_months(today)
    counts = {}
    for status in Status:
        counts[f"status_{status}"] = Count("pk", filter=Q(status=status))
    for rag, condition in rag_conditions(today).items():
        counts[f"rag_{rag}"] = Count("pk", filter=condition)
    counts["overdue"] = Count("pk", filter=~Q(status=Status.COMPLETED) & Q(due_date__lt=today))
    counts["due_soon"] = Count(
        "pk",
        filter=~Q(status=Status.COMPLETED)
        & Q(due_date__range=(today, today + datetime.timedelta(days=DUE_SOON_DAYS))),
    )
    for impact in (Impact.NOT_EVIDENCED, Impact.EMERGING):
        counts[f"done_{impact}"] = Count("pk", filter=Q(status=Status.COMPLETED, impact=impact))
    for first_day in months:
        bounds = month_bounds(first_day)
        counts[f"completed_{first_day}"] = Count("pk", filter=Q(completed_on__range=bounds))
        counts[f"due_{first_day}"] = Count("pk", filter=Q(due_date__range=bounds))
    return ImprovementAction.objects.aggregate(**counts)


def by_status(counts):
    return [
        Row(status.label, counts[f"status_{status}"], {"status": status.value}) for status in Status
    ]


def by_rag(counts):
    return [Row(rag.label, counts[f"rag_{rag}"], {"rag": rag.value}) for rag in Rag]


def due_soon(counts, today):
    return Row(
        f"Open and due in the next {DUE_SOON_DAYS} days",
        counts["due_soon"],
        {"due_within_days": DUE_SOON_DAYS},
    )


def done_impact_not_shown(counts):
    """Completed actions whose impact for children is not yet evidenced."""
    return [
        Row(
            f"Completed, impact {impact.label.lower()}",
            counts[f"done_{impact}"],
            {"status": Status.COMPLETED.value, "impact": impact.value},
        )
        for impact in (Impact.NOT_EVIDENCED, Impact.EMERGING)
    ]


def completed_against_due(counts, today):
    months = []
    for first_day in last_months(today):
        start, end = month_bounds(first_day)
        months.append(
            Month(
                first_day=first_day,
                completed=Row(
                    "Completed",
                    counts[f"completed_{first_day}"],
                    {"completed_month": f"{first_day:%Y-%m}"},
                ),
                due=Row(
                    "Due",
                    counts[f"due_{first_day}"],
                    {"due_after": _iso(start), "due_before": _iso(end)},
                ),
            )
        )
    return months


def overdue_total(counts):
    return Row("All overdue actions", counts["overdue"], {"overdue": "on"})


def overdue_by_owner(today, limit=TOP_OWNERS):
    """The owners with the most overdue actions, most first (at most ``limit``)."""
    grouped = (
        ImprovementAction.objects.overdue(today)
        .values("owner_id", "owner__full_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner__full_name", "owner_id")[:limit]
    )
    return [
        Row(
            entry["owner__full_name"] or "No owner yet",
            entry["count"],
            {"overdue": "on", "owner": entry["owner_id"] or NO_OWNER},
        )
        for entry in grouped
    ]


def area_counts(today):
    """{area id, or None for actions in no area: (actions, overdue actions)}, in one
    grouped query over the actions joined to their areas (outer, so actions in no
    area make the None group)."""
    grouped = ImprovementAction.objects.values("areas__id").annotate(
        total=Count("pk"),
        overdue=Count("pk", filter=~Q(status=Status.COMPLETED) & Q(due_date__lt=today)),
    )
    return {entry["areas__id"]: (entry["total"], entry["overdue"]) for entry in grouped}


def overdue_by_area(counts_by_area, areas):
    """Each area of concern with its overdue actions, most first; an action in two
    areas counts in both. Actions in no area are a row of their own, last."""
    rows = [
        Row(area.title, counts_by_area[area.pk][1], {"overdue": "on", "area": area.pk})
        for area in areas
        if counts_by_area.get(area.pk, (0, 0))[1]
    ]
    rows.sort(key=lambda row: (-row.count, row.label, row.params["area"]))
    without_area = counts_by_area.get(None, (0, 0))[1]
    if without_area:
        rows.append(Row("No area of concern", without_area, {"overdue": "on", "area": NO_AREA}))
    return rows


def direction(latest, previous):
    """Whether an area moved up or down the rating order between two visits."""
    if latest is None or previous is None:
        return UNKNOWN
    now, before = RATING_RANK.get(latest.rating), RATING_RANK.get(previous.rating)
    if now is None or before is None:
        return UNKNOWN
    if now > before:
        return IMPROVED
    if now < before:
        return DECLINED
    return SAME


def area_trends(counts_by_area, areas):
    """Each area of concern's latest rating and its direction since the visit before.

    The ratings are read in one query, newest visit first per area; an area has
    one rating per visit, so there are a few hundred at most.
    """
    ratings = {}
    for rating in AreaRating.objects.select_related("visit").order_by(
        "area_id", "-visit__start_date", "-visit_id"
    ):
        ratings.setdefault(rating.area_id, []).append(rating)
    trends = []
    for area in areas:
        latest, previous = (ratings.get(area.pk, []) + [None, None])[:2]
        trends.append(
            AreaTrend(
                area=area,
                latest=latest,
                previous=previous,
                direction=direction(latest, previous),
                actions=Row(area.title, counts_by_area.get(area.pk, (0, 0))[0], {"area": area.pk}),
            )
        )
    return trends


CACHE_SECONDS = 600

# What the figures read. Every change to these goes through save() or delete()
# and so leaves a history row (accounts.audit), adding an area to an action
# included: the newest history row of each says whether anything changed.
STAMPED_MODELS = (ImprovementAction, AreaOfConcern, AreaRating, Visit, User)


def data_stamp():
    """The newest history row of each kind of record the figures read, in one query."""
    quote = connection.ops.quote_name
    # Table names come from the models, never from input.
    tables = [quote(model.history.model._meta.db_table) for model in STAMPED_MODELS]
    columns = ", ".join(f"(SELECT MAX(history_id) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return "-".join(str(value or 0) for value in cursor.fetchone())


def cached_figures(today):
    """``figures(today)``, worked out again only when something they count has changed.

    Every figure needs a pass over all the actions; at 100,000 actions that is a
    few hundred milliseconds a view, the same for every senior leader until
    someone changes a record. The stamp costs one query of index lookups.
    """
    key = f"progress:dashboard:{today.isoformat()}:{data_stamp()}"
    found = cache.get(key)
    if found is None:
        found = figures(today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def figures(today):
    """Everything the dashboard shows, as at ``today``."""
    counts = _headline_counts(today)
    counts_by_area = area_counts(today)
    areas = list(AreaOfConcern.objects.order_by("title", "pk"))
    return {
        "today": today,
        "by_status": by_status(counts),
        "by_rag": by_rag(counts),
        "due_soon": due_soon(counts, today),
        "done_impact_not_shown": done_impact_not_shown(counts),
        "months": completed_against_due(counts, today),
        "overdue": overdue_total(counts),
        "overdue_by_owner": overdue_by_owner(today),
        "overdue_by_area": overdue_by_area(counts_by_area, areas),
        "area_trends": area_trends(counts_by_area, areas),
    }
