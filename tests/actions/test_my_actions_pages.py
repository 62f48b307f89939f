"""My actions lists a person's own actions 25 at a time, the most urgent first, with
GOV.UK pagination that keeps the home page's filter; any page number, good or bad,
gives a page rather than an error, and a page costs the same queries however many
actions the person owns."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ImprovementAction

pytestmark = pytest.mark.django_db

URL = reverse("actions:my_actions")
TODAY = datetime.date.today()


def own(owner, count, first=1, due_in_days=60):
    """``count`` actions owned by ``owner``, due a day apart in reference order.
    Inserted in one go: how many there are is all these tests need of them."""
    ImprovementAction.objects.bulk_create(
        ImprovementAction(
            reference=f"A-{number:03d}",
            title=f"Owned action {number}",
            owner=owner,
            due_date=TODAY + datetime.timedelta(days=due_in_days + number),
        )
        for number in range(first, first + count)
    )


def references(response):
    return re.findall(r">(A-\d{3}) Owned action", response.text)


@pytest.fixture
def owner_client(client, action_owner):
    client.force_login(action_owner)
    return client


def test_it_shows_the_25_most_urgent_first(owner_client, action_owner):
    own(action_owner, 30)
    response = owner_client.get(URL)
    assert references(response) == [f"A-{n:03d}" for n in range(1, 26)]
    assert "Showing 1 to 25 of the 30 actions you own." in response.text
    assert 'class="govuk-pagination"' in response.text
    assert "My actions (page 1 of 2)" in response.text


def test_it_shows_the_rest_on_the_next_page(owner_client, action_owner):
    own(action_owner, 30)
    response = owner_client.get(URL, {"page": "2"})
    assert references(response) == [f"A-{n:03d}" for n in range(26, 31)]


@pytest.mark.parametrize(
    ("page", "first"),
    [("abc", "A-001"), ("0", "A-026"), ("99", "A-026"), ("-1", "A-026"), ("2.5", "A-001")],
)
def test_it_answers_a_bad_page_number_with_a_page_not_an_error(
    owner_client, action_owner, page, first
):
    own(action_owner, 30)
    response = owner_client.get(URL, {"page": page})
    assert response.status_code == 200
    assert references(response)[0] == first


def test_its_page_links_keep_the_filter(owner_client, action_owner):
    own(action_owner, 30, due_in_days=-100)  # all overdue
    response = owner_client.get(URL, {"overdue": "on"})
    assert "Showing 1 to 25 of 30 of your actions: those overdue." in response.text
    page_links = re.findall(r'govuk-pagination__link" href="([^"]+)"', response.text)
    assert page_links
    for link in page_links:
        assert parse_qs(urlsplit(link.replace("&amp;", "&")).query)["overdue"] == ["on"]


def test_a_short_list_has_no_pagination(owner_client, action_owner):
    own(action_owner, 3)
    response = owner_client.get(URL)
    assert references(response) == ["A-001", "A-002", "A-003"]
    assert "govuk-pagination" not in response.text
    assert "Showing" not in response.text


def test_nobody_elses_actions_reach_a_later_page(owner_client, action_owner, improvement_officer):
    own(action_owner, 26)
    own(improvement_officer, 30, first=101)
    response = owner_client.get(URL, {"page": "2"})
    assert references(response) == ["A-026"]


def queries_for(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"page": "2"})
    assert response.status_code == 200
    return len(captured)


def test_it_runs_the_same_queries_at_30_and_300_actions(owner_client, action_owner):
    own(action_owner, 30)
    owner_client.get(URL)  # the first request fills per-process caches
    small = queries_for(owner_client)
    own(action_owner, 270, first=31)
    assert queries_for(owner_client) == small
