"""The dashboard, the action list, the scrutiny matrix and the home pages run the same number of
queries at 50 actions as at 1,000 (built by progress.bulk, as seed_bulk does):
their figures are set-based queries, never one query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progress import bulk, dashboard

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 1_000

PAGES = {
    "dashboard": (reverse("progress:dashboard"), "senior_leader"),
    "action list": (reverse("actions:action_list"), "senior_leader"),
    "filtered action list": (
        reverse("actions:action_list") + "?overdue=on&sort=-due_date",
        "senior_leader",
    ),
    "action list for a councillor": (reverse("actions:action_list"), "scrutiny_member"),
    "scrutiny matrix": (reverse("progress:scrutiny_matrix"), "scrutiny_member"),
    "scrutiny matrix for a leader": (reverse("progress:scrutiny_matrix"), "senior_leader"),
    "home page for a leader": (reverse("home"), "senior_leader"),
    "home page for the improvement team": (reverse("home"), "improvement_officer"),
    "home page for a councillor": (reverse("home"), "scrutiny_member"),
}


def queries_for(client, url):
    # Measured with the dashboard's figures worked out, not served from the cache.
    dashboard.forget_figures()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_it_runs_the_same_number_of_queries_at_50_and_1000_actions(request, client, page):
    url, who = PAGES[page]
    client.force_login(request.getfixturevalue(who))
    bulk.build(SMALL, seed=1)
    client.get(url)  # the first request fills per-process caches (content types, say)
    small = queries_for(client, url)
    bulk.build(LARGE - SMALL, seed=2)
    assert queries_for(client, url) == small
