"""Importing a letter in a real browser: paste it, review it, correct it, confirm it;
and axe-core's scan of the import pages, which the URL walk reaches only without a
draft (the review page then sends people back to the start)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from findings.models import Finding
from inspections.models import AreaOfConcern, LocalAuthority, Visit

from .. import walk
from ..findings.import_helpers import NORTHSHIRE_LETTER, SEED_LETTER
from .conftest import describe_violations, run_axe, url_or_skip
from .helpers import (
    MAIN_FORM,
    assert_no_errors,
    error_summary,
    page_name,
    submit,
    wait_for_error_summary_focus,
)

pytestmark = pytest.mark.browser


def paste(page, authority, text):
    """From the visits list, start an import and paste ``text`` for ``authority``."""
    page.goto(reverse("inspections:visit_list"))
    page.locator(f'main a[href="{reverse("findings:import_start")}"]').click()
    page.wait_for_load_state()
    assert page_name(page) == "findings:import_start"
    form = page.locator(MAIN_FORM).first
    form.locator('select[name="authority"]').select_option(str(authority.pk))
    form.locator('textarea[name="text"]').fill(text)
    submit(page, form)
    assert_no_errors(page, "Pasting the letter")
    assert page_name(page) == "findings:import_review", page.url


def confirm(page):
    """Press "Confirm and save" (or "Confirm and update", for a visit recorded before)."""
    with page.expect_navigation():
        page.locator('main button[value="confirm"]').click()
    page.wait_for_load_state()


@pytest.mark.requires_seeds
def test_the_team_imports_the_seed_letter_and_corrects_it(site):
    url_or_skip("findings:import_start")
    seed = (Path(settings.SEEDS_DIR) / SEED_LETTER).read_text(encoding="utf-8")
    authority = site.samples.first(LocalAuthority)
    care_leavers = AreaOfConcern.objects.get(title="Care leavers' pathway plans")
    # The sample visit of 5 and 6 March 2024 is the one the letter describes.
    recorded = Visit.objects.get(authority=authority, start_date="2024-03-05")
    findings_before = recorded.findings.count()
    page = site.page_as(walk.TEAM)
    paste(page, authority, seed)
    assert "This visit is already recorded" in page.locator("main").inner_text()

    # The first area covered is matched, by the person, to another recorded area;
    # the third finding is called a serious concern.
    form = page.locator(MAIN_FORM).first
    form.locator('select[name="areas-0-match"]').select_option(str(care_leavers.pk))
    third = form.locator('select[name="findings-2-kind"]')
    third.select_option(Finding.Kind.SERIOUS_CONCERN)
    choices = form.locator('select[name^="findings-"][name$="-match"]')
    offered_new = [choices.nth(i).input_value() for i in range(choices.count())].count("new")
    confirm(page)
    assert_no_errors(page, "Confirming the import")

    visit = Visit.objects.get(authority=authority, start_date="2024-03-05")
    assert visit == recorded and visit.number == 7
    assert page_name(page) == "findings:visit_detail", page.url
    assert visit.ordered_areas()[0] == care_leavers
    changed = visit.findings.get(evidence__startswith="Following a period when the oversight")
    assert changed.kind == Finding.Kind.SERIOUS_CONCERN
    # Paragraphs matched to findings already recorded update them; only the rest are added.
    assert visit.findings.count() == findings_before + offered_new
    assert "left out" in page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    assert changed.summary in text
    assert care_leavers.title in text


def test_the_import_pages_have_no_accessibility_faults(site):
    url_or_skip("findings:import_start")
    authority = site.samples.first(LocalAuthority)
    page = site.page_as(walk.TEAM)
    problems = []

    def scan(where):
        problems.extend(describe_violations(where, run_axe(page)))

    def check_error_state(where):
        assert error_summary(page), f"{where}: no error summary"
        wait_for_error_summary_focus(page)
        assert page.title().startswith("Error: "), page.title()
        scan(where)

    page.goto(reverse("findings:import_start"))
    scan("the import's start page")
    submit(page)
    check_error_state("the import's start page with errors")

    # A letter about another authority than the one chosen: the warning shows too.
    paste(page, authority, NORTHSHIRE_LETTER)
    assert "The document names Northshire County Council" in page.locator("main").inner_text()
    scan("the import's review page")

    form = page.locator(MAIN_FORM).first
    form.locator('input[name="end_date_0"]').fill("31")
    form.locator('input[name="end_date_1"]').fill("2")
    form.locator('select[name="findings-1-kind"]').select_option("")
    form.locator('select[name="areas-1-match"]').select_option("")
    confirm(page)
    check_error_state("the import's review page with errors")
    summary = error_summary(page)
    assert "End date must be a real date" in summary
    assert "Finding 2: Choose the kind of finding" in summary
    assert Visit.objects.filter(authority=authority).count() == len(site.samples.of(Visit))
    assert not problems, "\n".join(problems)


def test_the_review_page_adds_and_removes_rows_without_javascript(site, browser):
    url_or_skip("findings:import_start")
    authority = site.samples.first(LocalAuthority)
    site.page_as(walk.TEAM)  # signs the team in once
    context = browser.new_context(
        base_url=site.url, storage_state=site.states[walk.TEAM], java_script_enabled=False
    )
    page = context.new_page()
    try:
        paste(page, authority, NORTHSHIRE_LETTER)
        rows = page.locator("main fieldset.app-import-row")
        before = rows.count()
        with page.expect_navigation():
            page.get_by_role("button", name="Add another finding").click()
        assert rows.count() == before + 1
        page.locator('input[name="findings-0-DELETE"]').check()
        with page.expect_navigation():
            page.get_by_role("button", name="Update the page").click()
        assert rows.count() == before
    finally:
        context.close()


def test_the_reading_page_waits_without_reloading_then_moves_on_to_the_review(site):
    from importlib import import_module

    from findings import document_reading
    from findings.import_start_views import READING_KEY

    from .test_page_widths import MEASURE

    url_or_skip("findings:import_reading")
    authority = site.samples.first(LocalAuthority)
    page = site.page_as(walk.TEAM)
    reading = document_reading.ask_for_reading(
        site.samples.users[walk.TEAM], authority, text=NORTHSHIRE_LETTER
    )
    # The reading is the session's, as the start page would have left it.
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    session[READING_KEY] = reading.token
    session.save()

    page.goto(reverse("findings:import_reading"))
    assert page.locator("h1").inner_text() == "Reading the document"
    # With JavaScript the page is not reloaded on a timer: the script asks in the background.
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    problems = describe_violations("the import's reading page", run_axe(page))
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        measured = page.evaluate(MEASURE)
        assert measured["scroll"] <= measured["client"], (width, measured["widest"])
    assert not problems, "\n".join(problems)

    document_reading.read(reading.pk)
    page.wait_for_url(f"**{reverse('findings:import_review')}", timeout=15_000)
    assert "Check the letter before saving it" in page.locator("h1").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
