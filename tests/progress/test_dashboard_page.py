"""Who may open the dashboard, who sees it in the menu, and what the page is made of."""

import re

import pytest
from django.urls import reverse

from accounts.access import may
from accounts.navigation import menu_for
from progress import dashboard
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("progress:dashboard")


@pytest.fixture(autouse=True)
def empty_cache():
    # Figures cached by another test's data set must not show here.
    dashboard.forget_figures()


def test_it_shows_the_dashboard_to_a_senior_leader(client, senior_leader):
    client.force_login(senior_leader)
    assert client.get(URL).status_code == 200


def test_it_shows_the_dashboard_to_the_improvement_team(client, improvement_officer):
    client.force_login(improvement_officer)
    assert client.get(URL).status_code == 200


def test_it_refuses_a_scrutiny_member(client, scrutiny_member):
    client.force_login(scrutiny_member)
    assert client.get(URL).status_code == 403


def test_it_refuses_an_action_owner_with_no_role(client, action_owner):
    factories.ImprovementActionFactory(owner=action_owner)
    client.force_login(action_owner)
    assert client.get(URL).status_code == 403


def test_it_sends_anyone_not_signed_in_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("fixture", "allowed"),
    [
        ("senior_leader", True),
        ("improvement_officer", True),
        ("scrutiny_member", False),
        ("action_owner", False),
    ],
)
def test_it_answers_view_dashboard_by_role(request, fixture, allowed):
    assert may(request.getfixturevalue(fixture), "view_dashboard") is allowed


@pytest.mark.parametrize(
    ("fixture", "shown"),
    [
        ("senior_leader", True),
        ("improvement_officer", True),
        ("scrutiny_member", False),
        ("action_owner", False),
    ],
)
def test_it_lists_the_dashboard_in_the_menu_only_for_those_allowed(rf, request, fixture, shown):
    http_request = rf.get("/")
    http_request.user = request.getfixturevalue(fixture)
    labels = [item["label"] for item in menu_for(http_request)]
    assert ("Dashboard" in labels) is shown


def test_it_draws_each_chart_as_an_svg_image_with_a_title_and_description(client, senior_leader):
    factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    page = client.get(URL).content.decode()
    charts = re.findall(r"<svg[^>]*>.*?</svg>", page, flags=re.S)
    assert len(charts) == 5
    for chart in charts:
        assert 'role="img"' in chart
        assert re.search(r"<title id=\"[\w-]+\">[^<]+</title>", chart)
        assert re.search(r"<desc id=\"[\w-]+\">[^<]+</desc>", chart)


def test_it_puts_each_charts_numbers_in_a_table_too(client, senior_leader):
    factories.ImprovementActionFactory(title="Only action")
    client.force_login(senior_leader)
    page = client.get(URL).content.decode()
    status_table = page.split("Actions by status</caption>", 1)[1].split("</table>", 1)[0]
    not_started = status_table.split("Not started</th>", 1)[1].split("</tr>", 1)[0]
    assert re.search(r">1<span class=\"govuk-visually-hidden\">", not_started)
    assert "status=not_started" in not_started
