"""The improvement team freezes a committee pack, and a councillor reads it, moving
only by the menu, links and buttons, in a real browser."""

import datetime

import pytest
from django.urls import reverse

from progress.models import CommitteePack

from .. import walk
from .conftest import url_or_skip
from .helpers import MAIN_FORM, assert_no_errors, fill, page_name, submit

pytestmark = pytest.mark.browser


def open_packs_from_the_menu(page):
    page.goto(reverse("home"))
    page.get_by_role("link", name="Progress").first.click()
    page.wait_for_load_state()
    assert page_name(page) == "progress:scrutiny_matrix"
    page.get_by_role("link", name="Committee packs").click()
    page.wait_for_load_state()
    assert page_name(page) == "progress:pack_list"


def test_the_team_freezes_a_pack_and_a_councillor_reads_it(site):
    url_or_skip("progress:pack_create")
    day = datetime.date.today()
    page = site.page_as(walk.TEAM)
    open_packs_from_the_menu(page)
    page.get_by_role("button", name="Freeze a pack").click()
    page.wait_for_load_state()
    assert page_name(page) == "progress:pack_create"
    form = page.locator(MAIN_FORM).first
    fill(
        form,
        {
            "title": "Children's scrutiny committee, next meeting",
            "committee_date_0": str(day.day),
            "committee_date_1": str(day.month),
            "committee_date_2": str(day.year),
        },
    )
    submit(page, form)
    assert_no_errors(page, "Freezing the pack")
    assert page_name(page) == "progress:pack_detail"
    pack = CommitteePack.objects.get(title="Children's scrutiny committee, next meeting")
    assert pack.frozen_by == site.samples.users[walk.TEAM]

    councillor = site.page_as(walk.SCRUTINY)
    open_packs_from_the_menu(councillor)
    assert not councillor.get_by_role("button", name="Freeze a pack").count()
    councillor.get_by_role("link", name=pack.title, exact=True).click()
    councillor.wait_for_load_state()
    assert page_name(councillor) == "progress:pack_detail"
    main = councillor.locator("main").inner_text()
    assert "RAG summary" in main and "What changed since the previous pack" in main
    pdf_link = councillor.get_by_role("link", name="Download the pack as a PDF")
    assert pdf_link.get_attribute("href") == reverse("progress:pack_pdf", args=[pack.pk])
