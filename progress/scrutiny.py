"""What scrutiny members read: each area of concern's rating at every visit (the
"improved and declined in waves" picture), each area's published findings and its
actions' progress, and the published letters.

Everything here is plain data (dicts, lists, strings and ISO dates) so that the
same shapes serve the live pages and a committee pack's frozen snapshot, which
stores them as JSON. What a person may see comes from the models' ``visible_to``
querysets; a committee pack, read by councillors, always asks as scrutiny would
(``SCRUTINY_VIEW``), whoever freezes it.
"""

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from actions.models import ActionUpdate, ImprovementAction
from findings.models import AreaRating, Finding
from inspections.models import AreaOfConcern, Visit, VisitArea

# How many actions' progress a page lists at a time: an area can have thousands.
ACTIONS_PER_PAGE = 25

# Asking ``visible_to`` on behalf of nobody in particular gives what scrutiny
# members may read: published records only.
SCRUTINY_VIEW = None

RATING_LABELS = dict(AreaRating.Rating.choices)


def matrix(visits, areas, ratings):
    """Areas (rows) against visits (columns, earliest first), each cell the area's
    rating at that visit or None. Three queries, whatever the size."""
    visit_rows = list(
        visits.order_by("start_date", "pk").values(
            "pk", "kind", "number", "start_date", "end_date", "is_published"
        )
    )
    area_rows = list(areas.order_by("identified_at__start_date", "pk").values("pk", "title"))
    visit_pks = {row["pk"] for row in visit_rows}
    area_pks = {row["pk"] for row in area_rows}
    rated = {
        (area_pk, visit_pk): rating
        for area_pk, visit_pk, rating in ratings.filter(visit__in=visit_pks, area__in=area_pks)
        .order_by()
        .values_list("area_id", "visit_id", "rating")
    }
    columns = [_visit_column(row) for row in visit_rows]
    return {
        "visits": columns,
        "rows": [
            {
                "pk": area["pk"],
                "title": area["title"],
                "cells": [_cell(rated.get((area["pk"], column["pk"]))) for column in columns],
            }
            for area in area_rows
        ],
    }


def _cell(rating):
    if rating is None:
        return None
    return {"rating": rating, "label": RATING_LABELS.get(rating, rating)}


def _visit_column(row):
    visit = Visit(
        kind=row["kind"],
        number=row["number"],
        start_date=row["start_date"],
        end_date=row["end_date"],
    )
    return {
        "pk": row["pk"],
        "label": str(visit),
        "start_date": row["start_date"].isoformat(),
        "is_published": row["is_published"],
    }


def matrix_for(user):
    """The matrix as ``user`` may see it: officers see unpublished visits too."""
    return matrix(
        Visit.objects.visible_to(user),
        AreaOfConcern.objects.visible_to(user),
        AreaRating.objects.visible_to(user),
    )


def matrix_as_at(day):
    """The matrix a committee sitting on ``day`` could have read: visits that had
    started by then and whose letters were out by then, and the areas found at
    inspections that had started by then."""
    visits = (
        Visit.objects.visible_to(SCRUTINY_VIEW)
        .filter(start_date__lte=day)
        .exclude(published_on__gt=day)
    )
    areas = AreaOfConcern.objects.visible_to(SCRUTINY_VIEW).filter(
        identified_at__start_date__lte=day
    )
    return matrix(visits, areas, AreaRating.objects.visible_to(SCRUTINY_VIEW))


def latest_shareable_updates(actions, up_to=None):
    """``actions`` with the newest update marked shareable with scrutiny (up to the
    end of ``up_to``, if given) as ``shared_note`` and ``shared_at``: two subqueries
    in the one query, never a query per action."""
    shared = ActionUpdate.objects.filter(action=OuterRef("pk"), shareable_with_scrutiny=True)
    if up_to is not None:
        shared = shared.filter(created_at__date__lte=up_to)
    newest = shared.order_by("-created_at", "-id")
    return actions.annotate(
        shared_note=Subquery(newest.values("note")[:1]),
        shared_at=Subquery(newest.values("created_at")[:1]),
    )


def action_progress(actions, today=None):
    """What scrutiny members read of each action: no e-mail, no internal note.

    The owner is given by job title (``User.public_label``); the RAG is worked out
    as at ``today``.
    """
    rows = latest_shareable_updates(
        actions.with_rag(today=today).select_related("owner"), up_to=today
    ).order_by("reference")
    return [
        {
            "pk": action.pk,
            "reference": action.reference,
            "title": action.title,
            "owner": action.owner.public_label if action.owner else "Not yet assigned",
            "status": action.status,
            "status_label": action.get_status_display(),
            "rag": action.rag.value,
            "rag_label": action.rag.label,
            "due_date": action.due_date.isoformat(),
            "latest_update": _shared_update(action),
        }
        for action in rows
    ]


def action_progress_page(actions, number, per_page=ACTIONS_PER_PAGE):
    """One page of ``action_progress(actions)``, in the same reference order, as a
    ``Page`` whose ``object_list`` holds the rows; ``number`` as the request gave it
    (a bad or out-of-range one gives the first or the last page).

    The page's actions are picked first, by their ids alone, and only those few
    have their latest shared update looked up: asked in the one query, the
    database would work out the subqueries for every action before sorting."""
    pks = actions.order_by("reference").values_list("pk", flat=True)
    page = Paginator(pks, per_page).get_page(number)
    page.object_list = action_progress(ImprovementAction.objects.filter(pk__in=list(page)))
    return page


def _shared_update(action):
    if action.shared_at is None:
        return None
    return {
        "date": timezone.localtime(action.shared_at).date().isoformat(),
        "note": action.shared_note,
    }


def area_page(area, user, page_number=None):
    """An area's scrutiny page: its rating at each visit, its published findings by
    visit, and one page of its actions' progress (``page_number``)."""
    ratings = {
        rating.visit_id: rating for rating in AreaRating.objects.visible_to(user).filter(area=area)
    }
    findings = list(
        Finding.objects.visible_to(user)
        .filter(area=area)
        .select_related("visit")
        .order_by("visit__start_date", "visit_id", "section", "position", "pk")
    )
    visit_pks = set(ratings) | {finding.visit_id for finding in findings}
    visits = Visit.objects.visible_to(user).filter(pk__in=visit_pks).order_by("start_date", "pk")
    by_visit = {}
    for finding in findings:
        by_visit.setdefault(finding.visit_id, []).append(finding)
    return {
        "visits": [
            {
                "visit": visit,
                "rating": ratings.get(visit.pk),
                "findings": by_visit.get(visit.pk, []),
            }
            for visit in visits
        ],
        "actions_page": action_progress_page(
            ImprovementAction.objects.filter(areas=area), page_number
        ),
    }


def letters_for(user):
    return Visit.objects.visible_to(user).select_related("authority").order_by("-start_date", "-pk")


def areas_covered(visit, user):
    """The areas a visit covered, in the letter's order, that ``user`` may read."""
    return [
        link.area
        for link in VisitArea.objects.filter(
            visit=visit, area__in=AreaOfConcern.objects.visible_to(user)
        )
        .select_related("area")
        .order_by("position")
    ]
