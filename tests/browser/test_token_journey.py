"""An action owner subscribes to their due dates: from the menu to a new calendar
token, whose page (shown once, after the form) axe scans too, then revokes it."""

import pytest
from django.urls import reverse

from progress.models import FeedToken

from .. import walk
from .conftest import describe_violations, run_axe
from .helpers import MAIN_FORM, assert_no_errors, fill, page_name, submit

pytestmark = pytest.mark.browser


def test_an_owner_makes_a_calendar_token_and_revokes_it(site):
    page = site.page_as(walk.OWNER)
    page.goto(reverse("home"))
    page.get_by_role("link", name="Feeds and downloads").first.click()
    page.wait_for_load_state()
    assert page_name(page) == "progress:token_list"
    page.get_by_role("link", name="Create a token").click()
    page.wait_for_load_state()
    form = page.locator(MAIN_FORM).first
    fill(form, {"purpose": "calendar", "label": "Work phone"})
    submit(page, form)
    assert_no_errors(page, "Creating a token")

    key = page.locator("#token-key").inner_text().strip()
    token = FeedToken.objects.get(user=site.samples.users[walk.OWNER], label="Work phone")
    assert token.key_hash == FeedToken.hash_key(key)
    problems = describe_violations("the new token page", run_axe(page))
    assert not problems, "\n".join(problems)

    page.get_by_role("link", name="Back to feeds and downloads").click()
    page.wait_for_load_state()
    assert key not in page.content()
    page.get_by_role("link", name="Revoke Work phone").click()
    page.wait_for_load_state()
    assert page_name(page) == "progress:token_revoke"
    submit(page)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in page.locator("main").inner_text()
