"""Every response carries the Content Security Policy and the other security headers
(config/settings/base.py, config/middleware.py): every URL of the walk
(tests/walk.py) as every role, with GET and with an empty POST, so pages, redirects
to sign in, refusals and forms sent back alike; then the error pages, the lockout
page, the admin's own pages and a static file.

The policy is compared directive by directive with the one the service means to
send, so a directive loosened anywhere, for one view or for all, fails here. Each
page's markup is read too, for what the policy would block in a browser: inline
scripts, <style> elements, style attributes, event-handler attributes and
javascript: links (tests/browser/test_content_security_policy.py loads some pages in
Chromium, which also catches what scripts add).
"""

import html.parser
from collections import Counter
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import path, reverse

from config import urls as project_urls
from config.middleware import DISABLED_FEATURES

from .. import factories, walk

pytestmark = pytest.mark.django_db

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Keywords that would let injected markup run or style itself.
UNSAFE_KEYWORDS = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'")
EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy_of(header):
    """A Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def permissions_of(header):
    """A Permissions-Policy header as {feature: allowlist}."""
    return dict(item.strip().split("=", 1) for item in header.split(",") if item.strip())


def header_problems(response):
    """What is missing or wrong in ``response``'s security headers, as sentences."""
    problems = []
    header = response.get("Content-Security-Policy")
    if header is None:
        problems.append("no Content-Security-Policy")
    else:
        if policy_of(header) != EXPECTED_POLICY:
            problems.append(f"Content-Security-Policy is {header!r}")
        problems.extend(f"{word} in the policy" for word in UNSAFE_KEYWORDS if word in header)
    if "Content-Security-Policy-Report-Only" in response:
        problems.append("a report-only policy as well")
    for name, value in EXPECTED_HEADERS.items():
        if response.get(name) != value:
            problems.append(f"{name} is {response.get(name)!r}, not {value!r}")
    permissions = permissions_of(response.get("Permissions-Policy", ""))
    if permissions != dict.fromkeys(DISABLED_FEATURES, "()"):
        problems.append(f"Permissions-Policy is {response.get('Permissions-Policy')!r}")
    return problems


# <script> elements that only carry data, which no policy blocks since nothing runs.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _InlineMarkup(html.parser.HTMLParser):
    """What in a page the policy would refuse: everything not loaded from a file."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        script_type = (attrs.get("type") or "").lower()
        if tag == "script" and not attrs.get("src") and script_type not in DATA_SCRIPT_TYPES:
            self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> element")
        if "style" in attrs:
            self.found.append(f"a style attribute on <{tag}>")
        self.found.extend(
            f"an {name} attribute on <{tag}>" for name in attrs if name.startswith("on")
        )
        for name in ("href", "src", "action", "formaction"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"a javascript: {name} on <{tag}>")


# Third-party markup the policy blocks harmlessly, exactly as it stands. The admin
# history list of django-simple-history takes the rule off the top of its page
# numbers with a style attribute; browsers drop the attribute, and a hairline shows
# above the page numbers. Nothing else on that page is inline.
HARMLESS_THIRD_PARTY_MARKUP = ('<p class="paginator" style="border-top: 0">',)


def inline_markup(response, harmless=()):
    """The inline scripts and styles in an HTML response, as sentences, less the
    ``harmless`` pieces of markup."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    text = response.content.decode(errors="replace")
    for markup in harmless:
        text = text.replace(markup, "")
    parser = _InlineMarkup()
    parser.feed(text)
    return sorted(set(parser.found))


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    """The setting itself, read the way django-csp reads it."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert {name: list(sources) for name, sources in directives.items()} == EXPECTED_POLICY
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    for fragile in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert fragile in DISABLED_FEATURES


@pytest.fixture
def samples(db):
    return walk.build_samples()


class Browser:
    """One role's test client, whose every request is undone once answered, so an
    empty POST a page accepts does not change what the next request sees."""

    def __init__(self, role, samples):
        self.client = Client(raise_request_exception=False)
        user = samples.users[role]
        if user is not None:
            self.client.force_login(user)
            walk.prepare_session(self.client, samples)
        self._cookies = self.client.cookies.output(header="", sep=";")

    def request(self, method, url):
        with transaction.atomic():
            response = getattr(self.client, method)(url)
            transaction.set_rollback(True)
        # No response.close() here: the test client has already closed the
        # response with Django's connection clean-up held back, and closing it
        # again would run that clean-up, which closes the database connection
        # (and with it the test's transaction) on PostgreSQL.
        # Signing out, or a message from a write rolled back, changes the cookies:
        # every request starts from the same session.
        self.client.cookies = SimpleCookie(self._cookies)
        return response


@pytest.mark.parametrize("role", walk.ROLES)
def test_every_response_carries_the_security_headers_as(role, samples):
    found, problems = walk.targets(samples)
    assert not problems, "\n".join(problems)
    browser = Browser(role, samples)
    statuses = Counter()
    faults = []
    for target in found:
        for method in ("get", "post"):
            response = browser.request(method, target.url)
            statuses[response.status_code] += 1
            faults.extend(
                f"{method.upper()} {target.url} answered {response.status_code}: {problem}"
                for problem in header_problems(response) + inline_markup(response)
            )
    assert not faults, f"As {role}, {len(faults)} faults:\n" + "\n".join(faults[:40])
    # The walk reached pages, and refusals of the kind this role meets, not only one sort.
    expected = {
        walk.ANONYMOUS: {200, 302},
        walk.SCRUTINY: {200, 403},
        walk.OWNER: {200, 403},
        walk.LEADER: {200, 403},
        walk.TEAM: {200, 302},
    }[role]
    assert expected <= set(statuses), f"As {role} the walk answered only {dict(statuses)}"


def broken_view(request):
    raise RuntimeError("a fault for the 500 page")


# The project's URLs and one that fails, for the page people see on a fault.
urlpatterns = [path("broken/", broken_view), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.urls(__name__)
def test_the_fault_page_carries_them():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "govuk-" in response.content.decode()
    assert header_problems(response) + inline_markup(response) == []


def test_the_not_found_page_carries_them(samples):
    for role in (walk.ANONYMOUS, walk.TEAM):
        response = Browser(role, samples).request("get", "/no-such-page/")
        assert response.status_code == 404
        assert header_problems(response) + inline_markup(response) == [], role


def test_the_refusal_page_carries_them(samples):
    response = Browser(walk.SCRUTINY, samples).request("get", reverse("actions:action_create"))
    assert response.status_code == 403
    assert header_problems(response) + inline_markup(response) == []


def test_the_page_for_a_form_sent_without_its_csrf_token_carries_them():
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:sign_in"), {"email": "someone@council.example", "password": "x"}
    )
    assert response.status_code == 403
    assert header_problems(response) + inline_markup(response) == []


def test_the_lockout_page_carries_them():
    user = factories.UserFactory(email="ada@council.example")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = Client().post(
            reverse("accounts:sign_in"), {"email": user.email, "password": "wrong password"}
        )
    assert response.status_code == 429
    assert header_problems(response) + inline_markup(response) == []


def test_the_admins_own_pages_carry_them_with_nothing_inline(samples):
    """The walk opens only the admin's index; the list, add, change and history pages
    of every model in the admin are Django's templates, held to the same policy. A
    superuser sees every control they can show."""
    from django.contrib import admin

    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    faults, opened = [], 0
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        record = samples.first(model) or model._default_manager.first()
        if record is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[record.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[record.pk]))
            if hasattr(record, "history"):
                # One past version, on the page that offers to go back to it.
                version = record.history.first().history_id
                urls.append(
                    reverse("admin:{}_{}_simple_history".format(*info), args=[record.pk, version])
                )
        for url in urls:
            response = client.get(url)
            if response.status_code == 403 and url.endswith("/add/"):
                continue  # a model the admin only lists (history rows, attempts)
            opened += 1
            if response.status_code != 200:
                faults.append(f"{url} answered {response.status_code}")
            faults.extend(
                f"{url}: {problem}"
                for problem in header_problems(response)
                + inline_markup(response, harmless=HARMLESS_THIRD_PARTY_MARKUP)
            )
    assert opened > 20
    assert not faults, "\n".join(faults)


def test_static_files_carry_them():
    """Served by WhiteNoise, which answers before the middleware below it runs."""
    response = Client().get(settings.STATIC_URL + "js/app.js")
    assert response.status_code == 200
    assert header_problems(response) == []
