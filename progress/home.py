"""The home page: what needs each person, one section for each part they play.

An action owner sees their own actions that are overdue, due soon or have had no
update for a month; a senior leader, what waits for their sign-off, red actions
by area and what changed this week; the improvement team, findings nobody has
answered yet, actions nobody owns, where the latest visit has got to and an
import waiting for their review; a councillor, the latest published letter, the
areas that moved since the last committee pack and the next pack.

Every list is bounded (its first ``LIST_LIMIT`` entries and how many there are
in all) and every figure links to the action list filtered to exactly its rows,
so the page runs the same number of queries however much data there is. What a
councillor is shown goes through the models' ``visible_to`` querysets.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.access import is_improvement_team, is_read_only, is_scrutiny_member, is_senior_leader
from accounts.history import AuditFilters, AuditLog
from actions.models import ImprovementAction, Rag
from config.words import count_of
from findings.import_drafts import current_draft
from findings.models import AreaRating, Finding
from inspections.models import AreaOfConcern, Visit

from .models import CommitteePack
from .scrutiny import RATING_LABELS

LIST_LIMIT = 10
# The week's changes are counted this far and no further: past it the number says
# only that the week was busy, and counting every row of a long history grew
# with all the data the service holds.
CHANGES_COUNTED = 1000
# Ratings that say an area moved; "no change" and "not assessed" do not.
MOVEMENTS = {
    AreaRating.Rating.IMPROVED,
    AreaRating.Rating.SOME_PROGRESS,
    AreaRating.Rating.DECLINED,
}


def action_list_url(**filters):
    return f"{reverse('actions:action_list')}?{urlencode(filters)}"


def my_actions_url(**filters):
    # Owners with no role may not read the whole action list; My actions takes
    # the same filters for their own actions.
    return f"{reverse('actions:my_actions')}?{urlencode(filters)}"


@dataclass
class Bounded:
    """The first entries of a list, how many it holds in all, and where to see them all."""

    items: list
    total: int
    see_all_url: str = ""
    # There are more than ``total``, which is as far as they were counted.
    beyond_count: bool = False

    @property
    def more(self):
        return self.total > len(self.items)


def bounded(queryset, see_all_url=""):
    """Two queries however long the list (or short): its first entries and its length."""
    items = list(queryset[:LIST_LIMIT])
    total = queryset.count()
    return Bounded(items=items, total=total, see_all_url=see_all_url)


@dataclass
class Home:
    owner: dict | None = None
    leader: dict | None = None
    team: dict | None = None
    councillor: dict | None = None


def home_for(request, today=None):
    """Everything the home page shows ``request.user``, by section."""
    user = request.user
    today = today or timezone.localdate()
    home = Home()
    if is_read_only(user):
        if is_scrutiny_member(user):
            home.councillor = councillor_section(user, today)
        return home
    team, leader = is_improvement_team(user), is_senior_leader(user)
    owns_open = ImprovementAction.objects.filter(owner=user).open().exists()
    # Everyone who may own an action and holds no role is here as an owner;
    # leaders and the team see the section when they own something themselves.
    if owns_open or not (team or leader):
        home.owner = owner_section(user, today)
    if leader:
        home.leader = leader_section(today)
    if team:
        home.team = team_section(request)
    return home


# An action owner ------------------------------------------------------------------


def owner_section(user, today):
    rules = settings.REMINDERS
    due_soon_days, quiet_days = rules["DUE_SOON_DAYS"], rules["STALE_AFTER_DAYS"]
    soon, quiet = count_of(due_soon_days, "day"), count_of(quiet_days, "day")
    mine = ImprovementAction.objects.filter(owner=user).with_rag(today)
    return {
        "overdue": bounded(
            mine.overdue(today).order_by("due_date", "reference"),
            my_actions_url(overdue="on"),
        ),
        "due_soon": bounded(
            mine.due_soon(due_soon_days, today).order_by("due_date", "reference"),
            my_actions_url(due_within_days=due_soon_days),
        ),
        "due_soon_heading": f"Due in the next {soon}",
        "due_soon_empty": f"None of your actions is due in the next {soon}.",
        "quiet": bounded(
            mine.quiet_for(quiet_days, today).order_by("due_date", "reference"),
            my_actions_url(no_update_days=quiet_days),
        ),
        "quiet_heading": f"No progress update for {quiet} or more",
        "quiet_empty": (f"Every one of your open actions has had an update in the last {quiet}."),
        "open_total": mine.open().count(),
        "my_actions_url": reverse("actions:my_actions"),
    }


# A senior leader ------------------------------------------------------------------


def leader_section(today):
    week_start = today - datetime.timedelta(days=6)
    return {
        "awaiting_sign_off": bounded(
            ImprovementAction.objects.awaiting_sign_off()
            .with_rag(today)
            .select_related("owner")
            .order_by("completed_on", "reference"),
            action_list_url(awaiting_sign_off="on"),
        ),
        "red_by_area": red_by_area(today),
        "changes": changes_since(week_start),
        "changes_counted": count_of(CHANGES_COUNTED, "change"),
        "week_start": week_start,
    }


def red_by_area(today):
    """Red actions counted by area of concern, the most first, each count a link
    to exactly those actions. An action in two areas counts in both."""
    red = ImprovementAction.objects.with_rag(today).filter(rag=Rag.RED).values("pk")
    rows = (
        AreaOfConcern.objects.filter(actions__in=red)
        .values("pk", "title")
        .annotate(red=Count("actions", distinct=True))
        .order_by("-red", "title")
    )
    # A row an area, however many actions: all of them read at once cost less
    # than asking again how many there are, which joins every red action again.
    every_area = list(rows)
    areas = [
        {**row, "url": action_list_url(rag=Rag.RED, area=row["pk"])}
        for row in every_area[:LIST_LIMIT]
    ]
    links = ImprovementAction.areas.through.objects.filter(improvementaction_id=OuterRef("pk"))
    counts = (
        ImprovementAction.objects.with_rag(today)
        .filter(rag=Rag.RED)
        .order_by()
        .aggregate(total=Count("pk"), no_area=Count("pk", filter=~Exists(links)))
    )
    return {
        "areas": areas,
        "area_total": len(every_area),
        "total": counts["total"],
        "total_url": action_list_url(rag=Rag.RED),
        "no_area": counts["no_area"],
        "no_area_url": action_list_url(rag=Rag.RED, area="none"),
    }


def changes_since(day):
    """The newest changes to any record since the start of ``day``, and a link to
    the audit log showing all of them."""
    log = AuditLog(AuditFilters(since=day))
    query = {"since_0": day.day, "since_1": day.month, "since_2": day.year}
    total = log.count_up_to(CHANGES_COUNTED + 1)
    return Bounded(
        items=log[0:LIST_LIMIT],
        total=min(total, CHANGES_COUNTED),
        see_all_url=f"{reverse('accounts:audit_log')}?{urlencode(query)}",
        beyond_count=total > CHANGES_COUNTED,
    )


# The improvement team -------------------------------------------------------------


def team_section(request):
    answered = ImprovementAction.findings.through.objects.filter(finding_id=OuterRef("pk"))
    unanswered = Finding.objects.filter(~Exists(answered))
    return {
        "unanswered": bounded(
            unanswered.select_related("visit").order_by(
                "-visit__start_date", "-visit_id", "section", "position", "pk"
            )
        ),
        "unanswered_by_visit": bounded(
            Visit.objects.filter(findings__in=unanswered)
            .annotate(unanswered=Count("findings", distinct=True))
            .order_by("-start_date", "-pk")
        ),
        "unowned": bounded(
            ImprovementAction.objects.filter(owner__isnull=True)
            .with_rag()
            .order_by("due_date", "reference"),
            action_list_url(owner="none", sort="due_date"),
        ),
        "latest_visit": latest_visit_state(),
        "draft": current_draft(request),
        "import_review_url": reverse("findings:import_review"),
    }


def latest_visit_state():
    """The visit that started last: whether its letter is out, how many of its
    findings have an action, and how many of the areas it covered are rated."""
    visit = Visit.objects.order_by("-start_date", "-pk").first()
    if visit is None:
        return None
    answered = ImprovementAction.findings.through.objects.filter(finding_id=OuterRef("pk"))
    findings = visit.findings.aggregate(
        total=Count("pk"), answered=Count("pk", filter=Exists(answered))
    )
    return {
        "visit": visit,
        "findings": findings["total"],
        "unanswered": findings["total"] - findings["answered"],
        "areas_covered": visit.area_links.count(),
        "areas_rated": visit.area_ratings.count(),
    }


# A councillor ---------------------------------------------------------------------


def councillor_section(user, today):
    visible_visits = Visit.objects.visible_to(user).filter(is_published=True)
    last_pack = (
        CommitteePack.objects.filter(committee_date__lte=today)
        .order_by("-committee_date", "-frozen_at", "-pk")
        .first()
    )
    return {
        # The newest letter by when it came out, or was written, or the visit began:
        # older records say a letter is published without saying when.
        "latest_letter": visible_visits.order_by(
            Coalesce("published_on", "letter_date", "start_date").desc(), "-pk"
        ).first(),
        "last_pack": last_pack,
        "moved": areas_moved_since(user, last_pack),
        "next_pack": CommitteePack.objects.filter(committee_date__gt=today)
        .order_by("committee_date", "pk")
        .first(),
        "matrix_url": reverse("progress:scrutiny_matrix"),
    }


def areas_moved_since(user, pack):
    """Areas rated as having moved at a published visit the pack did not show (at
    any published visit, when there is no pack yet), newest visit first."""
    ratings = AreaRating.objects.visible_to(user).filter(
        rating__in=MOVEMENTS, area__in=AreaOfConcern.objects.visible_to(user)
    )
    if pack is not None:
        shown = [column["pk"] for column in pack.snapshot.get("matrix", {}).get("visits", [])]
        ratings = ratings.exclude(visit__in=shown)
    listed = bounded(
        ratings.select_related("area", "visit").order_by(
            "-visit__start_date", "-visit_id", "area__title", "pk"
        )
    )
    listed.items = [
        {"rating": rating, "label": RATING_LABELS.get(rating.rating, rating.rating)}
        for rating in listed.items
    ]
    return listed
