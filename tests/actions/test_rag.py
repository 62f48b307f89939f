"""Each action's RAG rating, worked out in SQL (``with_rag``) and in Python
(``rag_for``) by one rule, and the references actions are given."""

import datetime
import threading

import pytest
from django.db import connections

from actions.models import ImprovementAction, Rag, Status, rag_for

from .. import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 2)
DAYS = {"yesterday": -1, "today": 0, "in-13-days": 13, "in-14-days": 14, "in-15-days": 15}
DAYS["in-60-days"] = 60

# The rule, written out cell by cell rather than worked out, so that a mistake
# shared by the SQL and the Python still shows: red when overdue or blocked,
# amber only when not started and due within 14 days, none once completed.
EXPECTED = {
    Status.NOT_STARTED: {
        "yesterday": Rag.RED,
        "today": Rag.AMBER,
        "in-13-days": Rag.AMBER,
        "in-14-days": Rag.AMBER,
        "in-15-days": Rag.GREEN,
        "in-60-days": Rag.GREEN,
    },
    Status.IN_PROGRESS: {
        "yesterday": Rag.RED,
        "today": Rag.GREEN,
        "in-13-days": Rag.GREEN,
        "in-14-days": Rag.GREEN,
        "in-15-days": Rag.GREEN,
        "in-60-days": Rag.GREEN,
    },
    Status.BLOCKED: dict.fromkeys(DAYS, Rag.RED),
    Status.COMPLETED: dict.fromkeys(DAYS, Rag.NONE),
}

GRID = [
    pytest.param(status, when, rag, id=f"{status}-due-{when}")
    for status, row in EXPECTED.items()
    for when, rag in row.items()
]


def action(status, due_date, **fields):
    completed_on = TODAY - datetime.timedelta(days=3) if status == Status.COMPLETED else None
    return factories.ImprovementActionFactory(
        status=status, due_date=due_date, completed_on=completed_on, **fields
    )


def due(when, today=TODAY):
    return today + datetime.timedelta(days=DAYS[when])


def sql_rag(record, today=TODAY):
    return ImprovementAction.objects.with_rag(today).values_list("rag", flat=True).get(pk=record.pk)


@pytest.mark.parametrize(("status", "when", "rag"), GRID)
def test_it_rates_an_action_in_sql(status, when, rag):
    assert sql_rag(action(status, due(when))) == rag


@pytest.mark.parametrize(("status", "when", "rag"), GRID)
def test_it_rates_an_action_in_python(status, when, rag):
    assert rag_for(status, due(when), TODAY) == rag


@pytest.mark.parametrize(("status", "when", "rag"), GRID)
def test_it_gives_a_loaded_action_the_rating_from_sql(status, when, rag):
    record = action(status, due(when))
    assert ImprovementAction.objects.with_rag(TODAY).get(pk=record.pk).rag == rag


@pytest.mark.parametrize(("when", "rag"), [("in-6-days", Rag.AMBER), ("in-8-days", Rag.GREEN)])
@pytest.mark.parametrize("rate", ["sql", "python"])
def test_it_takes_the_amber_window_from_settings(settings, rate, when, rag):
    settings.RAG_AMBER_WITHIN_DAYS = 7
    due_date = TODAY + datetime.timedelta(days=int(when.split("-")[1]))
    record = action(Status.NOT_STARTED, due_date)
    found = sql_rag(record) if rate == "sql" else rag_for(record.status, due_date, TODAY)
    assert found == rag


def one_of_each_rating():
    return {
        Rag.RED: action(Status.BLOCKED, due("in-60-days")),
        Rag.AMBER: action(Status.NOT_STARTED, due("today")),
        Rag.GREEN: action(Status.IN_PROGRESS, due("in-15-days")),
        Rag.NONE: action(Status.COMPLETED, due("yesterday")),
    }


@pytest.mark.parametrize("rag", list(Rag))
def test_it_filters_on_the_rating_in_the_database(rag):
    made = one_of_each_rating()
    overdue = action(Status.IN_PROGRESS, due("yesterday"))
    found = ImprovementAction.objects.with_rag(TODAY).filter(rag=rag)
    expected = [made[rag], overdue] if rag == Rag.RED else [made[rag]]
    assert sorted(found, key=lambda a: a.pk) == expected


def test_it_orders_by_the_rating_worst_first_in_the_database():
    made = one_of_each_rating()
    ordered = ImprovementAction.objects.with_rag(TODAY).order_by("rag_rank")
    assert list(ordered) == [made[Rag.RED], made[Rag.AMBER], made[Rag.GREEN], made[Rag.NONE]]


def test_it_ranks_red_amber_green_then_completed():
    made = one_of_each_rating()
    ranks = dict(ImprovementAction.objects.with_rag(TODAY).values_list("pk", "rag_rank"))
    assert [ranks[made[rag].pk] for rag in Rag] == [0, 1, 2, 3]


def test_it_gives_new_actions_references_in_order():
    made = [factories.ImprovementActionFactory() for _ in range(3)]
    assert [a.reference for a in made] == ["A-001", "A-002", "A-003"]


def test_it_keeps_a_reference_given_by_hand():
    assert factories.ImprovementActionFactory(reference="COMM-3").reference == "COMM-3"


@pytest.mark.parametrize("by_hand", ["COMM-3", "A-", "A-1b", "A-ten", "a-050"])
def test_it_numbers_on_past_a_reference_that_is_not_a_number(by_hand):
    factories.ImprovementActionFactory()
    factories.ImprovementActionFactory(reference=by_hand)
    assert factories.ImprovementActionFactory().reference == "A-002"


def test_it_numbers_on_from_the_highest_number_not_the_last_in_alphabetical_order():
    factories.ImprovementActionFactory(reference="A-999")
    factories.ImprovementActionFactory(reference="A-1000")
    assert factories.ImprovementActionFactory().reference == "A-1001"


def test_it_skips_a_number_already_taken():
    factories.ImprovementActionFactory(reference="A-007")
    assert factories.ImprovementActionFactory().reference == "A-008"


THREADS = 8


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_actions_added_at_the_same_moment_distinct_references():
    owner = factories.UserFactory()
    start = threading.Barrier(THREADS)
    references, errors = [], []

    def add(n):
        try:
            start.wait(timeout=10)
            made = ImprovementAction.objects.create(
                title=f"Action {n}", owner=owner, due_date=TODAY
            )
            references.append(made.reference)
        except Exception as error:  # any failure fails the test, below, with its reason
            errors.append(error)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=add, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(references)) == THREADS
    assert ImprovementAction.objects.count() == THREADS
