"""The action list's owner filter in a real browser, scripts and all: a person
types part of an owner's name, a dashboard link picks one owner and shows them as
the chosen radio, and each state of the page passes axe-core's WCAG 2.2 AA rules,
the error state included. The dashboard it starts from is scanned too."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from actions.models import ImprovementAction

from .. import factories, walk
from .conftest import describe_violations, run_axe
from .helpers import error_summary, wait_for_error_summary_focus

pytestmark = pytest.mark.browser

LIST = reverse("actions:action_list")


def filter_form(page):
    return page.locator("form", has=page.locator('input[name="owner_name"]'))


def listed(page):
    return page.locator("main table tbody tr td:first-child").all_inner_texts()


def test_the_team_finds_an_owners_actions_by_typing_part_of_their_name(site):
    owner = site.samples.users[walk.OWNER]
    theirs = sorted(
        ImprovementAction.objects.filter(owner=owner).values_list("reference", flat=True)
    )
    assert theirs, "the walk's samples give the owner an action"
    page = site.page_as(walk.TEAM)
    page.goto(LIST)
    problems = describe_violations("the action list", run_axe(page))

    form = filter_form(page)
    form.get_by_label("Owner's name or e-mail address").fill(owner.full_name.split()[-1].lower())
    form.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert parse_qs(urlsplit(page.url).query)["owner_name"] == [owner.full_name.split()[-1].lower()]
    assert sorted(listed(page)) == theirs
    problems += describe_violations("the list filtered by a typed owner", run_axe(page))
    assert not problems, "\n".join(problems)


def test_a_dashboard_link_picks_one_owner_and_the_radio_undoes_it(site):
    owner = site.samples.users[walk.OWNER]
    factories.ImprovementActionFactory(owner=owner, due_date=datetime.date(2020, 1, 31))
    page = site.page_as(walk.LEADER)
    page.goto(reverse("progress:dashboard"))
    problems = describe_violations("the dashboard", run_axe(page))
    page.locator(f'#overdue ~ * a[href*="owner={owner.pk}"]').first.click()
    page.wait_for_load_state()

    form = filter_form(page)
    assert form.locator(f'input[name="owner"][value="{owner.pk}"]').is_checked()
    expected = ImprovementAction.objects.overdue().filter(owner=owner)
    assert sorted(listed(page)) == sorted(expected.values_list("reference", flat=True))
    problems += describe_violations("the list for one owner", run_axe(page))

    # Choosing "Anyone" and applying again drops the owner and keeps the rest.
    form.get_by_label("Anyone").check()
    form.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("owner", [""]) == [""]
    assert query["overdue"] == ["on"]
    assert not problems, "\n".join(problems)


def test_an_owner_who_owns_nothing_is_refused_with_the_error_summary(site):
    page = site.page_as(walk.SCRUTINY)
    page.goto(f"{LIST}?owner=999999999")
    assert "Choose an owner from the list" in error_summary(page)
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: ")
    # The message leads to the first of the owner radios.
    href = page.locator(".govuk-error-summary a", has_text="Choose an owner").get_attribute("href")
    assert re.fullmatch(r"#id_owner_1", href)
    assert page.locator(href).count() == 1
    problems = describe_violations("the list with a refused owner", run_axe(page))
    assert not problems, "\n".join(problems)


def test_a_visits_link_lists_its_actions_and_the_choice_can_be_undone(site):
    from inspections.models import Visit

    visit = next(v for v in site.samples.of(Visit) if v.is_published)
    answering = sorted(
        ImprovementAction.objects.filter(findings__visit=visit)
        .distinct()
        .values_list("reference", flat=True)
    )
    assert answering, "the sample visit has actions answering its findings"
    page = site.page_as(walk.SCRUTINY)
    page.goto(visit.get_absolute_url())
    page.get_by_role(
        "link", name=re.compile(r"^See all \d+ actions? responding to this visit")
    ).click()
    page.wait_for_load_state()
    assert sorted(listed(page)) == answering
    chosen = page.get_by_role("radio", name=str(visit))
    assert chosen.is_checked()
    problems = describe_violations("the list of one visit's actions", run_axe(page))
    assert not problems, "\n".join(problems)

    page.get_by_role("radio", name="Any visit").check()
    filter_form(page).get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert parse_qs(urlsplit(page.url).query).get("visit", [""]) == [""]
    assert len(listed(page)) > len(answering)
