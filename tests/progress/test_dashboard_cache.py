"""The dashboard keeps its figures until a record they count changes. A committed
change refreshes them; in tests the refresh runs in-process, on commit
(``django_capture_on_commit_callbacks`` commits here)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Status
from progress import dashboard
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("progress:dashboard")


@pytest.fixture(autouse=True)
def empty_cache():
    dashboard.forget_figures()
    yield
    dashboard.forget_figures()


def blocked_count(client):
    rows = client.get(URL).context["by_status"]
    return next(row.count for row in rows if row.params == {"status": Status.BLOCKED.value})


def overdue_in(client, area):
    rows = client.get(URL).context["overdue_by_area"]
    return next((row.count for row in rows if row.params.get("area") == area.pk), 0)


def test_it_shows_a_saved_change_on_the_next_view(
    client, senior_leader, django_capture_on_commit_callbacks
):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    assert blocked_count(client) == 0
    action.status = Status.BLOCKED
    with django_capture_on_commit_callbacks(execute=True):
        action.save()
    assert blocked_count(client) == 1


def test_it_shows_an_action_added_to_an_area_on_the_next_view(
    client, senior_leader, django_capture_on_commit_callbacks
):
    area = factories.AreaOfConcernFactory()
    action = factories.ImprovementActionFactory(due_date="2020-01-01")
    client.force_login(senior_leader)
    assert overdue_in(client, area) == 0
    with django_capture_on_commit_callbacks(execute=True):
        action.areas.add(area)
    assert overdue_in(client, area) == 1


def test_it_serves_the_figures_again_without_recounting(client, senior_leader):
    factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as again:
        client.get(URL)
    # The headline counts are one grouped query, over the bands of the due dates.
    assert any("due_band" in query["sql"] for query in first.captured_queries)
    assert not any("due_band" in query["sql"] for query in again.captured_queries)
