"""The frame around every page: GOV.UK Frontend's header with the service's own name
(no crown, no GOV.UK), and its service navigation with "Sign out" as the last item."""

import re

from django.conf import settings


def _header(html):
    return re.search(r'<header class="govuk-header".*?</header>', html, re.S).group(0)


def _navigation_items(html):
    navigation = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S)
    assert navigation, "the page has no service navigation"
    return [
        re.sub(r"<[^>]+>|\s+", " ", item).strip()
        for item in re.findall(
            r'<li class="govuk-service-navigation__item[^"]*">(.*?)</li>', navigation.group(0), re.S
        )
    ]


def test_it_names_the_service_in_the_header_without_gov_uk_or_the_crown(team):
    header = _header(team.get("/").content.decode())
    assert settings.SERVICE_NAME.replace("'", "&#x27;") in header
    assert 'class="govuk-header__logo' in header
    assert "GOV.UK" not in header
    assert "<svg" not in header  # the crown is an SVG


def test_it_puts_sign_out_last_in_the_service_navigation(team):
    html = team.get("/actions/").content.decode()
    items = _navigation_items(html)
    assert items[0] == "Home"
    assert items[-1] == "Sign out"
    sign_out = re.search(r'<form method="post" action="/sign-out/">.*?</form>', html, re.S)
    assert sign_out and "csrfmiddlewaretoken" in sign_out.group(0)
    # The section being read is marked as GOV.UK marks it.
    assert 'aria-current="true"' in html and "Actions</strong>" in html


def test_it_shows_a_councillor_sign_out_too(councillor):
    assert _navigation_items(councillor.get("/").content.decode())[-1] == "Sign out"


def test_signed_out_pages_have_the_header_but_no_navigation(client, db):
    html = client.get("/sign-in/").content.decode()
    assert 'class="govuk-header"' in html
    assert "govuk-service-navigation" not in html
    assert "Sign out" not in html


def test_signing_out_ends_the_session(team):
    response = team.post("/sign-out/")
    assert response.status_code == 302
    assert team.get("/").status_code == 302  # back to sign in
