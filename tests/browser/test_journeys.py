"""The journeys people make every week, in a real browser.

Each journey starts from a page by its URL name and is skipped, saying which page,
until that page exists; after that it moves only by the links and buttons a person
would use.
"""

import datetime

import pytest
from django.urls import reverse

from actions.models import ImprovementAction
from findings.models import Finding
from inspections.models import AreaOfConcern, Visit

from .. import walk
from .conftest import url_or_skip
from .helpers import (
    MAIN_FORM,
    adds,
    assert_no_errors,
    edit_controls,
    error_summary,
    fill,
    link_to,
    page_name,
    submit,
    wait_for_error_summary_focus,
)

pytestmark = pytest.mark.browser

DUE = datetime.date.today() + datetime.timedelta(days=90)


def govuk_date(name, value):
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def create_action_for(page, owner, title, finding=None):
    """On an "add an action" page: fill it in for ``owner`` and send it."""
    form = page.locator(MAIN_FORM).first
    values = {"title": title, "owner": str(owner.pk), **govuk_date("due_date", DUE)}
    if finding is not None:
        checkbox = form.locator(f'[name="findings"][value="{finding.pk}"]')
        if not checkbox.is_checked():
            values["findings"] = [str(finding.pk)]
    fill(form, values)
    submit(page, form)
    assert_no_errors(page, "Adding the action")
    action = ImprovementAction.objects.get(title=title)
    assert action.owner == owner
    assert page_name(page) == "actions:action_detail", page.url
    assert owner.full_name in page.locator("main").inner_text()
    return action


def owner_posts_an_update(site, action, note):
    """The owner signs in, finds the action under My actions and posts an update."""
    url_or_skip("actions:my_actions")
    url_or_skip("actions:action_update", pk=action.pk)
    page = site.page_as(walk.OWNER)
    page.goto(reverse("home"))
    page.get_by_role("link", name="My actions").first.click()
    page.wait_for_load_state()
    assert page_name(page) == "actions:my_actions"
    row = page.locator("main tr", has_text=action.title)
    assert row.count() == 1, f"{action} is not listed under My actions"
    row.get_by_role("link", name="Post an update").click()
    page.wait_for_load_state()
    assert page_name(page) == "actions:action_update"

    form = page.locator(MAIN_FORM).first
    fill(form, {"note": note, "new_status": "in_progress", "shareable_with_scrutiny": "on"})
    submit(page, form)
    assert_no_errors(page, "Posting the update")
    assert f"Posted an update on {action.reference}" in page.locator("main").inner_text()
    assert note in page.locator("main").inner_text()
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert action.updates.get(note=note).author == site.samples.users[walk.OWNER]


def test_the_team_assigns_an_action_and_its_owner_posts_an_update(site):
    url_or_skip("actions:action_list")
    url_or_skip("actions:action_create")
    owner = site.samples.users[walk.OWNER]
    finding = site.samples.first(Finding)

    page = site.page_as(walk.TEAM)
    page.goto(reverse("home"))
    page.get_by_role("link", name="Actions", exact=True).first.click()
    page.wait_for_load_state()
    assert page_name(page) == "actions:action_list"
    link_to(page, adds(ImprovementAction), "add an action").click()
    page.wait_for_load_state()
    action = create_action_for(page, owner, "Audit the quality of return interviews", finding)
    assert finding in action.findings.all()

    owner_posts_an_update(site, action, "Forty return interviews audited; 31 were good.")


def test_the_team_logs_a_monitoring_visit_with_three_areas_and_findings(site):
    url_or_skip("inspections:visit_list")
    pages = walk.pages_by_name()
    if "findings:visit_detail" not in pages:
        pytest.skip("page findings:visit_detail not built yet")
    url_or_skip("actions:action_create")
    samples = site.samples
    areas = samples.of(AreaOfConcern)[:3]
    inspection = samples.first(Visit).follows
    owner = samples.users[walk.OWNER]

    page = site.page_as(walk.TEAM)
    page.goto(reverse("inspections:visit_list"))
    link_to(page, adds(Visit), "add a visit").click()
    page.wait_for_load_state()

    # The visit itself, by the fields of the visit form.
    form = page.locator(MAIN_FORM).first
    values = {
        "kind": Visit.Kind.MONITORING,
        "number": "3",
        **govuk_date("start_date", datetime.date(2025, 1, 14)),
        **govuk_date("end_date", datetime.date(2025, 1, 15)),
        "inspectors": "Nicola Inspector\nDavid Inspector",
    }
    for optional in ("authority", "follows"):
        if form.locator(f'select[name="{optional}"]').count():
            values[optional] = str(
                inspection.authority_id if optional == "authority" else inspection.pk
            )
    fill(form, values)
    choose_areas(form, areas)
    submit(page, form)
    assert_no_errors(page, "Logging the visit")
    visit = Visit.objects.get(number=3, follows=inspection)
    assert [link.area for link in visit.area_links.order_by("position")] == areas
    assert page_name(page) == "findings:visit_detail", page.url
    text = page.locator("main").inner_text()
    positions = [text.find(area.title) for area in areas]
    assert -1 not in positions and positions == sorted(positions), (
        "the visit page lists the three areas in the order chosen"
    )

    # A finding for each area, added from the visit page.
    for number, area in enumerate(areas, start=1):
        link_to(page, adds(Finding), "add a finding").click()
        page.wait_for_load_state()
        form = page.locator(MAIN_FORM).first
        summary = f"Finding {number} about {area.title.lower()}"
        values = {"kind": Finding.Kind.AREA_FOR_IMPROVEMENT, "summary": summary}
        if form.locator('[name="area"]').count():
            values["area"] = str(area.pk)
        fill(form, values)
        submit(page, form)
        assert_no_errors(page, f"Adding finding {number}")
        finding = Finding.objects.get(summary=summary)
        assert (finding.visit, finding.area) == (visit, area)
        if page_name(page) != "findings:visit_detail":
            page.goto(reverse("findings:visit_detail", kwargs=_visit_kwargs(pages, visit)))
        assert summary in page.locator("main").inner_text()

    # An action that responds to the last finding, for an owner, from the visit page
    # if it offers one, else from the actions list.
    try:
        link_to(page, adds(ImprovementAction), "add an action").click()
    except AssertionError:
        page.goto(reverse("actions:action_create"))
    page.wait_for_load_state()
    action = create_action_for(page, owner, "Review every open referral weekly", finding)
    owner_posts_an_update(site, action, "First weekly review held.")


def _visit_kwargs(pages, visit):
    params = pages["findings:visit_detail"].params
    return {params[0]: visit.pk} if params else {}


def choose_areas(form, areas):
    """The areas a visit covered, in order, whichever way the form asks for them:
    ticked boxes, or one list per place."""
    for area in areas:
        box = form.get_by_label(area.title, exact=True)
        if box.count() == 1 and (box.get_attribute("type") or "") == "checkbox":
            box.check()
            continue
        break
    else:
        return
    selects = [
        s
        for s in form.locator("select").all()
        if any(area.title in o for o in s.locator("option").all_inner_texts())
    ]
    assert len(selects) >= len(areas), "the visit form offers no way to choose its areas"
    for select, area in zip(selects, areas, strict=False):
        select.select_option(label=area.title)


# The pages a councillor reads most, by name: the URL walk checks every page's HTML
# for edit controls, and the accessibility scan every page's controls as the browser
# shows them; this follows a councillor's visit, scripts and all.
COUNCILLOR_PAGES = [
    "home",
    "progress:scrutiny_matrix",
    "inspections:visit_list",
    "findings:visit_detail",
    "findings:area_detail",
    "actions:action_list",
    "actions:action_detail",
]


def test_a_scrutiny_member_sees_no_edit_controls(site):
    page = site.page_as(walk.SCRUTINY)
    pages = walk.pages_by_name()
    wanted = [pages[name] for name in COUNCILLOR_PAGES if name in pages]
    found, _ = walk.targets(site.samples, wanted)
    seen, problems = 0, []
    for target in found:
        response = page.goto(target.url)
        if response is None or response.status != 200:
            continue
        seen += 1
        problems.extend(f"{target}: {control}" for control in edit_controls(page, pages))
    assert seen, "the scrutiny member could open no page"
    assert not problems, "\n".join(problems)


def test_the_sign_in_form_shows_the_error_summary_with_focus_on_it(site):
    page = site.page_as(walk.ANONYMOUS)
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("E-mail address").fill(site.samples.users[walk.OWNER].email)
    page.get_by_label("Password").fill("not the password")
    submit(page)
    assert "There is a problem" in error_summary(page)
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: ")
    # Each message links to its field, and following it puts the cursor there.
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"


def test_a_progress_update_with_no_note_shows_the_error_summary_with_focus_on_it(site):
    action = site.samples.first(ImprovementAction)
    url = url_or_skip("actions:action_update", pk=action.pk)
    page = site.page_as(walk.OWNER)
    page.goto(url)
    form = page.locator(MAIN_FORM).first
    fill(form, {"evidence_link": "https://intranet.example/audit"})
    submit(page, form)
    summary = error_summary(page)
    assert "Enter a note about progress" in summary
    assert "Enter a title for the evidence" in summary
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: ")
    assert (
        not action.updates.filter(author=site.samples.users[walk.OWNER])
        .exclude(pk__in=[u.pk for u in site.samples.of(type(action.updates.first()))])
        .exists()
    ), "a refused update saved nothing"
