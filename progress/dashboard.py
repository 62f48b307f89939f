"""The senior leaders' dashboard, worked out as plain functions of ``today``.

Each figure is a list of ``Row``s: a label, a count, and the action list's
filter parameters (``actions.filters``) that list exactly the actions counted,
so every number on the page links to its rows. The figures are computed in a
fixed number of set-based queries whatever the number of actions: the headline
counts come from one grouped scan of the actions table (see ``Bands``), the
owners' and areas' overdue counts from a range of the index of open actions by
due date, never a query per bar.
"""

import datetime
import functools
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, DateField, F, Func, IntegerField
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from accounts.models import User
from actions.filters import NO_AREA, NO_OWNER, month_bounds
from actions.models import Impact, ImprovementAction, Rag, Status, amber_horizon, rag_for
from findings.models import AreaRating, RatingChoice
from inspections.models import AreaOfConcern, Visit
from measures.models import Measure, MeasureValue

from . import charts, dashboard_measures

DUE_SOON_DAYS = 30
MONTHS_SHOWN = 12
TOP_OWNERS = 10

logger = logging.getLogger(__name__)

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
    # Worked out with the figures and cached with them, so a page served from the
    # cache does not reverse a URL for each of its hundred-odd links.
    url: str = field(init=False, default="")

    def __post_init__(self):
        query = urlencode(self.params)
        self.url = _action_list_path(get_urlconf(settings.ROOT_URLCONF), get_script_prefix()) + (
            f"?{query}" if query else ""
        )


@functools.lru_cache(maxsize=8)
def _action_list_path(urlconf, prefix):
    """The action list's path, looked up once for each set of URLs and prefix
    rather than once for each of the page's hundred-odd rows."""
    return reverse("actions:action_list", urlconf=urlconf)


@dataclass
class Month:
    first_day: datetime.date
    completed: Row
    due: Row

    @property
    def label(self):
        return f"{self.first_day:%B %Y}"


@dataclass
class VisitRating:
    """An area's rating at one visit: what the trends table shows of it."""

    rating: str
    visit_start_date: datetime.date

    def get_rating_display(self):
        return RatingChoice(self.rating).label


@dataclass
class AreaTrend:
    area: AreaOfConcern
    latest: VisitRating | None
    previous: VisitRating | None
    direction: str
    actions: Row

    @property
    def direction_label(self):
        return DIRECTION_LABELS[self.direction]

    @property
    def ratings(self):
        """The latest rating, then the one before (None where there is none)."""
        return (self.latest, self.previous)


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


class BandNumber(Func):
    """The number of the band that ``boundaries`` (sorted dates) cut a date
    column into: band 0 holds the dates before the first boundary, band k those
    from boundary k-1 up to the day before boundary k, and the last band every
    date from the last boundary on. An empty date stays NULL.

    Written as SQL text rather than built from ``Case`` and ``When``: the
    comparisons form a binary search, a handful per row however many months the
    page shows, and as ORM objects that nested CASE cost more to build and
    compile on each view than PostgreSQL took to run it.
    """

    output_field = IntegerField()

    def __init__(self, field, boundaries):
        super().__init__(F(field))
        self.boundaries = tuple(boundaries)

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        date_field = DateField()
        params = []

        def search(low, high):
            if low == high:
                return str(low)
            middle = (low + high + 1) // 2
            params.extend(column_params)
            params.append(date_field.get_db_prep_value(self.boundaries[middle - 1], connection))
            return (
                f"CASE WHEN {column} < %s THEN {search(low, middle - 1)} "
                f"ELSE {search(middle, high)} END"
            )

        # Comparing NULL gives NULL, so an empty date takes the ELSE branches:
        # asked first, it stays NULL.
        sql = f"CASE WHEN {column} IS NULL THEN NULL ELSE {search(0, len(self.boundaries))} END"
        return sql, (*column_params, *params)


@dataclass(frozen=True)
class Bands:
    """Dates cut at every boundary a figure on the page counts from or to.

    Every test the figures make of a date (before today, within the amber
    horizon, within the due-soon window, in a given month) comes out the same for
    every date in one band, so a band's first day stands for all of it.
    """

    boundaries: tuple

    def first_days(self):
        """Each band's first day; the first band, open towards the past, the day
        before the first boundary."""
        return (self.boundaries[0] - datetime.timedelta(days=1), *self.boundaries)

    def number(self, field):
        return BandNumber(field, self.boundaries)


def due_date_bands(today):
    months = last_months(today)
    after_last_month = month_bounds(months[-1])[1] + datetime.timedelta(days=1)
    edges = {
        today,
        amber_horizon(today) + datetime.timedelta(days=1),
        today + datetime.timedelta(days=DUE_SOON_DAYS + 1),
        *months,
        after_last_month,
    }
    return Bands(tuple(sorted(edges)))


def completed_on_bands(today):
    months = last_months(today)
    after_last_month = month_bounds(months[-1])[1] + datetime.timedelta(days=1)
    return Bands((*months, after_last_month))


@dataclass
class Counts:
    """Every count over the actions table that the page shows, by name."""

    total: int
    by_status: dict
    by_rag: dict
    overdue: int
    due_soon: int
    done_by_impact: dict
    completed_in: dict  # first day of month -> count
    due_in: dict


def _headline_counts(today):
    """Every count over the actions table the page needs, from one grouped query.

    The actions are grouped by status, impact and the bands their due date and
    completion date fall in: a few hundred groups whatever the number of actions,
    each then judged in Python by the same rules the action list filters by
    (``rag_for`` for the RAG rating). One pass of cheap comparisons over the table
    instead of a filtered count per figure.
    """
    due_bands, completed_bands = due_date_bands(today), completed_on_bands(today)
    due_first_days = due_bands.first_days()
    completed_first_days = completed_bands.first_days()
    groups = (
        ImprovementAction.objects.order_by()
        .annotate(
            due_band=due_bands.number("due_date"),
            completed_band=completed_bands.number("completed_on"),
        )
        .values_list("status", "impact", "due_band", "completed_band")
        .annotate(count=Count("pk"))
    )
    months = last_months(today)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    counts = Counts(
        total=0,
        by_status=dict.fromkeys(Status, 0),
        by_rag=dict.fromkeys(Rag, 0),
        overdue=0,
        due_soon=0,
        done_by_impact=dict.fromkeys(Impact, 0),
        completed_in=dict.fromkeys(months, 0),
        due_in=dict.fromkeys(months, 0),
    )
    for status, impact, due_band, completed_band, count in groups:
        due = due_first_days[due_band]
        counts.total += count
        counts.by_status[status] += count
        counts.by_rag[rag_for(status, due, today)] += count
        if status != Status.COMPLETED:
            counts.overdue += count if due < today else 0
            counts.due_soon += count if today <= due <= soon else 0
        else:
            counts.done_by_impact[impact] += count
        if (month := due.replace(day=1)) in counts.due_in:
            counts.due_in[month] += count
        if completed_band is not None:
            completed = completed_first_days[completed_band]
            if (month := completed.replace(day=1)) in counts.completed_in:
                counts.completed_in[month] += count
    return counts


def by_status(counts):
    return [
        Row(status.label, counts.by_status[status], {"status": status.value}) for status in Status
    ]


def by_rag(counts):
    return [Row(rag.label, counts.by_rag[rag], {"rag": rag.value}) for rag in Rag]


def due_soon(counts, today):
    return Row(
        f"Open and due in the next {DUE_SOON_DAYS} days",
        counts.due_soon,
        {"due_within_days": DUE_SOON_DAYS},
    )


def done_impact_not_shown(counts):
    """Completed actions whose impact for children is not yet evidenced."""
    return [
        Row(
            f"Completed, impact {impact.label.lower()}",
            counts.done_by_impact[impact],
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
                    counts.completed_in[first_day],
                    {"completed_month": f"{first_day:%Y-%m}"},
                ),
                due=Row(
                    "Due",
                    counts.due_in[first_day],
                    {"due_after": _iso(start), "due_before": _iso(end)},
                ),
            )
        )
    return months


def overdue_total(counts):
    return Row("All overdue actions", counts.overdue, {"overdue": "on"})


def overdue_by_owner(today, limit=TOP_OWNERS):
    """The owners with the most overdue actions, most first (at most ``limit``).

    The overdue actions (a range of the index of open actions by due date, read
    from the index alone) are counted by owner first, and only those few
    thousand counts are joined to the owners' names, rather than every overdue
    action to its owner before counting."""
    counted = (
        ImprovementAction.objects.overdue(today)
        .order_by()
        .values("owner_id")
        .annotate(count=Count("*"))
    )
    counts_sql, params = counted.query.sql_with_params()
    quote = connection.ops.quote_name
    users = quote(User._meta.db_table)
    # Table names from the models, the rest of the query from the ORM: nothing from input.
    sql = (
        f"SELECT counted.owner_id, owner.{quote('full_name')}, counted.count "  # noqa: S608  # nosec B608
        f"FROM ({counts_sql}) counted LEFT OUTER JOIN {users} owner "
        f"ON owner.{quote('id')} = counted.owner_id "
        f"ORDER BY counted.count DESC, owner.{quote('full_name')} ASC, counted.owner_id ASC "
        "LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit))
        grouped = cursor.fetchall()
    return [
        Row(
            full_name or "No owner yet",
            count,
            {"overdue": "on", "owner": owner_id or NO_OWNER},
        )
        for owner_id, full_name, count in grouped
    ]


@dataclass
class AreaCounts:
    actions: dict  # area id -> actions linked to it
    overdue: dict  # area id, or None for actions in no area -> overdue actions


def area_counts(today):
    """How many actions each area of concern has, and how many are overdue.

    One pass over the link table, never every action joined to every link, which
    at 100,000 actions cost more than every other figure together: each link is
    looked up among the overdue actions (a range of the index of open actions),
    and the join is full, so that the overdue actions in no area make the None
    group.
    """
    overdue_sql, params = (
        ImprovementAction.objects.overdue(today)
        .order_by()
        .values(overdue_id=F("pk"))
        .query.sql_with_params()
    )
    through = ImprovementAction.areas.through._meta
    quote = connection.ops.quote_name
    area, action = (
        quote(through.get_field(name).column) for name in ("areaofconcern", "improvementaction")
    )
    link_id = quote(through.pk.column)
    # Table and column names from the models, the rest of the query from the ORM:
    # nothing from input.
    sql = (
        f"SELECT link.{area}, COUNT(link.{link_id}), COUNT(overdue.overdue_id) "  # noqa: S608  # nosec B608
        f"FROM {quote(through.db_table)} link FULL OUTER JOIN ({overdue_sql}) overdue "
        f"ON overdue.overdue_id = link.{action} GROUP BY link.{area}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        grouped = cursor.fetchall()
    return AreaCounts(
        actions={area_id: count for area_id, count, _ in grouped if area_id is not None},
        overdue={area_id: overdue for area_id, _, overdue in grouped if overdue},
    )


def overdue_by_area(counts_by_area, areas):
    """Each area of concern with its overdue actions, most first; an action in two
    areas counts in both. Actions in no area are a row of their own, last."""
    overdue = counts_by_area.overdue
    rows = [
        Row(area.title, overdue[area.pk], {"overdue": "on", "area": area.pk})
        for area in areas
        if overdue.get(area.pk)
    ]
    rows.sort(key=lambda row: (-row.count, row.label, row.params["area"]))
    if without_area := overdue.get(None):
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
    for area_id, rating, start_date in AreaRating.objects.order_by(
        "area_id", "-visit__start_date", "-visit_id"
    ).values_list("area_id", "rating", "visit__start_date"):
        ratings.setdefault(area_id, []).append(VisitRating(rating, start_date))
    trends = []
    for area in areas:
        latest, previous = (ratings.get(area.pk, []) + [None, None])[:2]
        trends.append(
            AreaTrend(
                area=area,
                latest=latest,
                previous=previous,
                direction=direction(latest, previous),
                actions=Row(area.title, counts_by_area.actions.get(area.pk, 0), {"area": area.pk}),
            )
        )
    return trends


CACHE_SECONDS = 600
# The newest figures of the day are kept until the day is over: they are what a
# leader sees while a refresh is under way, and their presence says that someone
# looks at the dashboard today, so that changes are worth a refresh.
LATEST_SECONDS = 24 * 60 * 60

# What the figures read. Every change to these goes through save() or delete()
# and so leaves a history row (accounts.audit), adding an area to an action
# included, and measures' figures imported in bulk leave theirs too
# (measures.figures_save): the newest history row of each says whether anything
# changed.
STAMPED_MODELS = (ImprovementAction, AreaOfConcern, AreaRating, Visit, User, Measure, MeasureValue)

REFRESH_LOCK_KEY = "progress:dashboard:refresh-lock"


def data_stamp():
    """The newest history row of each kind of record the figures read, in one query."""
    quote = connection.ops.quote_name
    # Table names come from the models, never from input.
    tables = [quote(model.history.model._meta.db_table) for model in STAMPED_MODELS]
    columns = ", ".join(f"(SELECT MAX(history_id) FROM {table})" for table in tables)  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return "-".join(str(value or 0) for value in cursor.fetchone())


def _stamp_parts(stamp):
    return tuple(int(part) for part in stamp.split("-"))


def is_at_least_as_new(stamp, other):
    """Whether ``stamp`` was taken no earlier than ``other``: history ids only
    grow, so a later stamp is at least as large in every part."""
    mine, theirs = _stamp_parts(stamp), _stamp_parts(other)
    # Stamps of different lengths come from different versions of STAMPED_MODELS.
    return len(mine) == len(theirs) and all(m >= t for m, t in zip(mine, theirs, strict=True))


def refresh_grace():
    """Seconds for which figures a change has overtaken may still be shown while a
    refresh brings them up to date (settings.DASHBOARD_REFRESH_GRACE)."""
    return getattr(settings, "DASHBOARD_REFRESH_GRACE", 60)


def figures_key(today, stamp):
    return f"progress:dashboard:{today.isoformat()}:{stamp}"


def latest_key(today):
    return f"progress:dashboard:{today.isoformat()}:latest"


def _from_cache(operation, *args, fallback=None):
    """``cache.<operation>(*args)``, or ``fallback`` when the cache cannot be reached.

    The cache only saves work: with Redis down the page is worked out afresh,
    slower but right, rather than failing.
    """
    try:
        return getattr(cache, operation)(*args)
    except Exception as error:  # any backend's failure, Redis's included
        logger.warning("dashboard cache %s failed, working without it: %s", operation, error)
        return fallback


def work_out(today, stamp):
    """The figures as at ``today`` for the data ``stamp`` names, with their charts."""
    found = figures(today)
    # Drawn once with the figures: the charts are most of the page's markup.
    found["charts"] = charts.for_dashboard(found)
    found["stamp"] = stamp
    found["worked_out_at"] = timezone.now()
    return found


def store(today, found):
    """Keep ``found`` under its own stamp and, unless newer ones are already
    there, as the day's latest figures."""
    _from_cache("set", figures_key(today, found["stamp"]), found, CACHE_SECONDS)
    latest = _from_cache("get", latest_key(today))
    if latest is None or not (
        latest["stamp"] != found["stamp"] and is_at_least_as_new(latest["stamp"], found["stamp"])
    ):
        _from_cache("set", latest_key(today), found, LATEST_SECONDS)


def _still_being_refreshed(latest):
    """Whether figures a change has overtaken may still be shown: they were worked
    out within the grace period, or a refresh has been queued (its lock expires
    after the same period, so a lost refresh delays nobody for longer)."""
    age = (timezone.now() - latest["worked_out_at"]).total_seconds()
    return age < refresh_grace() or _from_cache("get", REFRESH_LOCK_KEY) is not None


def cached_figures(today):
    """``figures(today)`` as the dashboard shows them, worked out on the request
    only when nothing recent enough is cached.

    Every figure needs a pass over all the actions; at 100,000 actions that is a
    few hundred milliseconds, the same for every senior leader until someone
    changes a record. The stamp costs one query of index lookups. A change queues
    a refresh (``progress.tasks``); until it lands, the figures from before the
    change are shown with ``up_to_date`` False, for at most ``refresh_grace()``
    seconds. With nothing fit to show (the first view of the day, say) they are
    worked out here.
    """
    stamp = data_stamp()
    found = _from_cache("get", figures_key(today, stamp))
    if found is not None:
        return {**found, "up_to_date": True}
    latest = _from_cache("get", latest_key(today))
    if latest is not None:
        if is_at_least_as_new(latest["stamp"], stamp):
            return {**latest, "up_to_date": True}
        if _still_being_refreshed(latest):
            return {**latest, "up_to_date": False}
    found = work_out(today, stamp)
    store(today, found)
    return {**found, "up_to_date": True}


def viewed_today(today):
    """Whether anyone has had the figures today: if not, a change needs no refresh,
    as the first view works them out."""
    return _from_cache("get", latest_key(today)) is not None


def take_refresh_lock():
    """True for the one caller that may queue a refresh now; the lock lapses after
    the grace period, so a worker killed mid-refresh holds up nothing for long."""
    return bool(_from_cache("add", REFRESH_LOCK_KEY, True, refresh_grace(), fallback=False))


def release_refresh_lock():
    _from_cache("delete", REFRESH_LOCK_KEY)


def refresh(today):
    """Work out and store the figures for the data as it is now, unless they are
    cached already. Safe to run twice or at once: both store the same figures.
    Returns the stamp the figures are for."""
    stamp = data_stamp()
    if _from_cache("get", figures_key(today, stamp)) is None:
        store(today, work_out(today, stamp))
    return stamp


def forget_figures():
    """Drop every cached dashboard entry, and nothing else the cache holds (a
    shared Redis keeps other processes' entries, even other runs' in tests)."""
    pattern = cache.make_key("progress:dashboard:*")
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:
        cache.clear()  # a per-process cache holds nobody else's entries
        return
    redis = client(write=True)
    for key in redis.scan_iter(match=pattern, count=1000):
        redis.delete(key)


def figures(today):
    """Everything the dashboard shows, as at ``today``."""
    counts = _headline_counts(today)
    counts_by_area = area_counts(today)
    areas = list(AreaOfConcern.objects.order_by("title", "pk").only("pk", "title"))
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
        **dashboard_measures.measures_to_watch(today),
    }
