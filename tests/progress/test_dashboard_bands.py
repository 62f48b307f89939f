"""The dashboard counts its headline figures from actions grouped into bands of
due date and completion date (progress.dashboard.Bands). These tests put actions
on each side of every band edge and check each figure against the rules worked
out action by action in Python: the RAG rule of the model, "overdue", "due in the
next 30 days", and the month a date falls in."""

import datetime
import itertools

import pytest
from django.test import override_settings

from actions.models import Impact, ImprovementAction, Rag, Status, rag_for
from progress import dashboard
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)
DAY = datetime.timedelta(days=1)


def edge_dates(today):
    """Each band edge, the day before it and the day after it."""
    edges = set(dashboard.due_date_bands(today).boundaries)
    edges |= set(dashboard.completed_on_bands(today).boundaries)
    return sorted({edge + shift * DAY for edge in edges for shift in (-1, 0, 1)})


def build(today):
    dates = edge_dates(today)
    open_statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED]
    for due, status in itertools.product(dates, open_statuses):
        factories.ImprovementActionFactory(due_date=due, status=status)
    for completed, impact in zip(dates, itertools.cycle(Impact), strict=False):
        # Due some weeks after it was done, so the two dates fall in different bands.
        factories.ImprovementActionFactory(
            status=Status.COMPLETED,
            completed_on=completed,
            due_date=completed + 20 * DAY,
            impact=impact,
        )


def month_of(day):
    return day.replace(day=1)


def expected_counts(today):
    actions = list(ImprovementAction.objects.all())
    soon = today + dashboard.DUE_SOON_DAYS * DAY
    open_ = [a for a in actions if a.status != Status.COMPLETED]
    return {
        "status": {s: sum(a.status == s for a in actions) for s in Status},
        "rag": {r: sum(rag_for(a.status, a.due_date, today) == r for a in actions) for r in Rag},
        "overdue": sum(a.due_date < today for a in open_),
        "due_soon": sum(today <= a.due_date <= soon for a in open_),
        "done": {
            i: sum(a.status == Status.COMPLETED and a.impact == i for a in actions) for i in Impact
        },
        "due_in": {
            m: sum(month_of(a.due_date) == m for a in actions) for m in dashboard.last_months(today)
        },
        "completed_in": {
            m: sum(a.completed_on is not None and month_of(a.completed_on) == m for a in actions)
            for m in dashboard.last_months(today)
        },
    }


@pytest.mark.parametrize("amber_days", [14, 45], ids=["amber-inside-due-soon", "amber-beyond"])
def test_every_headline_figure_matches_the_rules_action_by_action(amber_days):
    with override_settings(RAG_AMBER_WITHIN_DAYS=amber_days):
        build(TODAY)
        counts = dashboard._headline_counts(TODAY)
        expected = expected_counts(TODAY)
    assert counts.total == ImprovementAction.objects.count()
    assert counts.by_status == expected["status"]
    assert counts.by_rag == expected["rag"]
    assert counts.overdue == expected["overdue"]
    assert counts.due_soon == expected["due_soon"]
    assert counts.done_by_impact == expected["done"]
    assert counts.due_in == expected["due_in"]
    assert counts.completed_in == expected["completed_in"]
    # The data set does reach every figure.
    assert all(expected["rag"].values())
    assert expected["overdue"] and expected["due_soon"]


def test_each_band_starts_on_its_first_day():
    bands = dashboard.due_date_bands(TODAY)
    first_days = bands.first_days()
    assert first_days[0] < bands.boundaries[0]
    assert list(first_days[1:]) == list(bands.boundaries)
    assert list(bands.boundaries) == sorted(set(bands.boundaries))
