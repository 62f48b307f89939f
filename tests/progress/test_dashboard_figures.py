"""Each figure on the dashboard, against the hand-built data set in dashboard_data,
and each figure's link landing on the action list showing exactly the actions counted."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from progress import dashboard

from . import dashboard_data as data

pytestmark = pytest.mark.django_db

# Noon in London on the data set's today, so the action list's own "today" agrees.
NOON = datetime.datetime.combine(
    data.TODAY, datetime.time(12), tzinfo=timezone.get_default_timezone()
)


@pytest.fixture
def figures():
    data.build()
    return dashboard.figures(data.TODAY)


def counts(rows):
    return {row.label: row.count for row in rows}


def sizes(expected):
    return {label: len(titles) for label, titles in expected.items()}


def listed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {action.title for action in response.context["page_obj"].paginator.object_list}


def test_it_counts_actions_by_status(figures):
    assert counts(figures["by_status"]) == sizes(data.BY_STATUS)


def test_it_counts_actions_by_rag(figures):
    assert counts(figures["by_rag"]) == sizes(data.BY_RAG)


def test_it_counts_overdue_actions_by_owner_most_first(figures):
    rows = figures["overdue_by_owner"]
    assert counts(rows) == sizes(data.OVERDUE_BY_OWNER)
    assert rows[0].label == "Alice Owner"


def test_it_counts_every_overdue_action_in_the_total(figures):
    assert figures["overdue"].count == len(data.LATE)


def test_it_counts_overdue_actions_by_area_including_those_in_none(figures):
    assert counts(figures["overdue_by_area"]) == sizes(data.OVERDUE_BY_AREA)


def test_it_counts_open_actions_due_in_the_next_30_days(figures):
    assert figures["due_soon"].count == len(data.DUE_SOON)


def test_it_counts_completed_actions_whose_impact_is_not_yet_evidenced(figures):
    assert counts(figures["done_impact_not_shown"]) == sizes(data.DONE_IMPACT_NOT_SHOWN)


def test_it_shows_the_last_twelve_months_ending_this_month(figures):
    firsts = [month.first_day for month in figures["months"]]
    assert firsts[0] == datetime.date(2024, 7, 1)
    assert firsts[-1] == datetime.date(2025, 6, 1)
    assert len(firsts) == 12


def test_it_counts_completed_against_due_each_month(figures):
    found = {
        month.first_day: (month.completed.count, month.due.count) for month in figures["months"]
    }
    expected = {
        first_day: (len(completed), len(due)) for first_day, (completed, due) in data.MONTHS.items()
    }
    assert {first_day: pair for first_day, pair in found.items() if pair != (0, 0)} == expected


def test_it_gives_each_areas_latest_rating_and_direction(figures):
    found = {
        trend.area.title: (
            trend.latest.rating if trend.latest else None,
            trend.previous.rating if trend.previous else None,
            trend.direction,
            trend.actions.count,
        )
        for trend in figures["area_trends"]
    }
    expected = {
        title: (latest, previous, direction, len(actions))
        for title, (latest, previous, direction, actions) in data.AREA_TRENDS.items()
    }
    assert found == expected


@pytest.mark.parametrize(
    ("latest", "previous", "expected"),
    [
        ("improved", "declined", "improved"),
        ("no_change", "some_progress", "declined"),
        ("some_progress", "some_progress", "same"),
        ("not_assessed", "improved", "unknown"),
    ],
)
def test_it_compares_ratings_by_their_order(latest, previous, expected):
    class Rated:
        def __init__(self, rating):
            self.rating = rating

    assert dashboard.direction(Rated(latest), Rated(previous)) == expected


# Every link lands on exactly the rows counted ------------------------------------------


@pytest.fixture
def leader_client(client, senior_leader):
    client.force_login(senior_leader)
    with time_machine.travel(NOON, tick=False):
        yield client


def _check_links(client, rows, expected):
    for row in rows:
        titles = listed_titles(client, row.url)
        assert titles == expected[row.label], row.label
        assert len(titles) == row.count


def test_it_links_each_status_to_its_actions(leader_client, figures):
    _check_links(leader_client, figures["by_status"], data.BY_STATUS)


def test_it_links_each_rag_rating_to_its_actions(leader_client, figures):
    _check_links(leader_client, figures["by_rag"], data.BY_RAG)


def test_it_links_each_owners_overdue_count_to_those_actions(leader_client, figures):
    _check_links(leader_client, figures["overdue_by_owner"], data.OVERDUE_BY_OWNER)


def test_it_links_the_overdue_total_to_every_overdue_action(leader_client, figures):
    assert listed_titles(leader_client, figures["overdue"].url) == data.LATE


def test_it_links_each_areas_overdue_count_to_those_actions(leader_client, figures):
    _check_links(leader_client, figures["overdue_by_area"], data.OVERDUE_BY_AREA)


def test_it_links_due_soon_to_those_actions(leader_client, figures):
    assert listed_titles(leader_client, figures["due_soon"].url) == data.DUE_SOON


def test_it_links_done_without_evidenced_impact_to_those_actions(leader_client, figures):
    _check_links(leader_client, figures["done_impact_not_shown"], data.DONE_IMPACT_NOT_SHOWN)


def test_it_links_each_months_completed_and_due_counts_to_those_actions(leader_client, figures):
    for month in figures["months"]:
        completed, due = data.MONTHS.get(month.first_day, (set(), set()))
        assert listed_titles(leader_client, month.completed.url) == completed, month.label
        assert listed_titles(leader_client, month.due.url) == due, month.label


def test_it_links_each_areas_action_count_to_its_actions(leader_client, figures):
    for trend in figures["area_trends"]:
        expected = data.AREA_TRENDS[trend.area.title][3]
        assert listed_titles(leader_client, trend.actions.url) == expected, trend.area.title
