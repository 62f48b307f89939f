"""The dashboard keeps its figures until a record they count changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Status
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("progress:dashboard")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def blocked_count(client):
    rows = client.get(URL).context["by_status"]
    return next(row.count for row in rows if row.params == {"status": Status.BLOCKED.value})


def overdue_in(client, area):
    rows = client.get(URL).context["overdue_by_area"]
    return next((row.count for row in rows if row.params.get("area") == area.pk), 0)


def test_it_shows_a_saved_change_on_the_next_view(client, senior_leader):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    assert blocked_count(client) == 0
    action.status = Status.BLOCKED
    action.save()
    assert blocked_count(client) == 1


def test_it_shows_an_action_added_to_an_area_on_the_next_view(client, senior_leader):
    area = factories.AreaOfConcernFactory()
    action = factories.ImprovementActionFactory(due_date="2020-01-01")
    client.force_login(senior_leader)
    assert overdue_in(client, area) == 0
    action.areas.add(area)
    assert overdue_in(client, area) == 1


def test_it_serves_the_figures_again_without_recounting(client, senior_leader):
    factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as again:
        client.get(URL)
    # The headline counts are one query, each count named after what it counts.
    assert any("status_not_started" in query["sql"] for query in first.captured_queries)
    assert not any("status_not_started" in query["sql"] for query in again.captured_queries)
