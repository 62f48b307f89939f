"""The sign-in page in the states the URL walk's scan does not reach: locked after too
many wrong passwords, and offering the council account when single sign-on is on.
Each passes axe-core's WCAG 2.2 AA rules and works by keyboard like any form."""

import pytest
from django.urls import reverse

from .. import walk
from ..accounts.test_single_sign_on import entra_environment, switched_on
from .conftest import describe_violations, run_axe
from .helpers import error_summary, submit, wait_for_error_summary_focus

pytestmark = pytest.mark.browser


def test_the_locked_sign_in_page_says_when_to_try_again_and_passes_axe(site):
    owner = site.samples.users[walk.OWNER]
    page = site.page_as(walk.ANONYMOUS)
    for _ in range(5):
        page.goto(reverse("accounts:sign_in"))
        page.get_by_label("E-mail address").fill(owner.email)
        page.get_by_label("Password").fill("not the password")
        submit(page)
    summary = error_summary(page)
    assert "This account is locked on this network address" in summary
    assert "You can try again in 15 minutes" in summary
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: Sign in")
    assert not describe_violations("locked sign-in page", run_axe(page))

    # The right password, typed while locked, is refused with the same page.
    page.get_by_label("E-mail address").fill(owner.email)
    page.get_by_label("Password").fill(walk.PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit(page)
    assert answer.value.status == 429
    assert "This account is locked" in error_summary(page)
    assert not site.errors


def test_the_sign_in_page_with_single_sign_on_passes_axe(site):
    with switched_on(entra_environment()):
        page = site.page_as(walk.ANONYMOUS)
        page.goto(reverse("accounts:sign_in"))
        button = page.get_by_role("button", name="Sign in with your council account")
        assert button.get_attribute("href") == reverse("oidc_authentication_init")
        assert not describe_violations("sign-in page with single sign-on", run_axe(page))
        # Still the password form for those without a council account.
        page.get_by_label("E-mail address").fill(site.samples.users[walk.TEAM].email)
        page.get_by_label("Password").fill(walk.PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()
        assert page.url == site.absolute("/")
    assert not site.errors


@pytest.mark.parametrize("width", [390, 1280])
def test_a_look_alike_address_is_explained_by_the_error_summary_not_the_browser(site, width):
    """The e-mail box is type=email: without novalidate the browser would stop the
    form with a bubble of its own and the service's message would never show."""
    owner = site.samples.users[walk.OWNER]
    page = site.page_as(walk.ANONYMOUS)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("E-mail address").fill("ſ" + owner.email)
    page.get_by_label("Password").fill(walk.PASSWORD)
    submit(page)
    assert "in plain letters and numbers" in error_summary(page)
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: Sign in")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert not describe_violations("sign-in page, look-alike address", run_axe(page))
    assert not site.errors
