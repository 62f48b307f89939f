"""Headless Chromium (Debian's ``chromium`` package) driven by Playwright for Python,
against pytest-django's live server on a database with real records.

One browser serves every browser test; each test gets one browser context per
role, signed in once through the real sign-in page, and a fresh copy of the walk's
sample records (tests/walk.py). The tests are marked ``browser``: where Chromium,
the built styles or axe-core are missing they are skipped with the reason (failed
under REQUIRE_SERVICES=1, see tests/conftest.py). Leave them out with
``pytest -m "not browser"``.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.roles import sync_role_permissions

from .. import walk
from ..conftest import CHROMIUM

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, as the public sector accessibility regulations require.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Long enough for a cold page on a busy two-core machine, short enough to fail fast.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def browser():
    """The one Chromium. Started only when a browser test runs, stopped after the last.

    Playwright's synchronous API keeps an asyncio loop running on this thread,
    which Django takes for an async context and refuses database calls in; the
    tests' own database calls (making records, the flush after each test) run
    in order on this one thread, so the check is lifted while the browser runs.
    """
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@dataclass
class Site:
    """The live site, its sample records, and a signed-in browser context per role."""

    url: str
    browser: object
    samples: walk.Samples | None
    contexts: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def absolute(self, path):
        return self.url + path

    def context_as(self, role):
        if role not in self.contexts:
            context = self.browser.new_context(
                base_url=self.url,
                storage_state=self.states.get(role),
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(TIMEOUT_MS)
            # axe-core on every page from the start: once per context is cheaper
            # than adding it to each page scanned.
            context.add_init_script(path=str(AXE))
            self.contexts[role] = context
            if role != walk.ANONYMOUS and role not in self.states:
                page = self.new_page(role)
                self.sign_in(page, self.samples.users[role])
                self.states[role] = context.storage_state()
                page.close()
        return self.contexts[role]

    def new_page(self, role):
        page = self.context_as(role).new_page()
        # A script that fails to load or throws is a fault on any page.
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page

    def page_as(self, role):
        """A page in ``role``'s context: signed in once, through the sign-in page."""
        return self.new_page(role)

    def sign_in(self, page, user, password=walk.PASSWORD):
        page.goto(reverse("accounts:sign_in"))
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()
        assert not page.url.split("?")[0].endswith(reverse("accounts:sign_in")), (
            f"{user.email} could not sign in: {page.locator('main').inner_text()}"
        )

    def close(self):
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()


@pytest.fixture
def empty_site(browser, live_server, transactional_db):
    """The live site with the roles but no records."""
    # Live-server tests empty the database after each test, groups included: put
    # the roles back as the migration made them.
    sync_role_permissions(apps)
    site = Site(url=live_server.url, browser=browser, samples=None)
    yield site
    site.close()


@pytest.fixture
def site(empty_site):
    """The live site with the walk's sample records (tests/walk.py)."""
    empty_site.samples = walk.build_samples()
    return empty_site


def url_or_skip(name, **kwargs):
    """The URL of a page, or a skip saying it is not built yet."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        pytest.skip(f"page {name} not built yet")


def run_axe(page):
    """axe-core's WCAG 2.2 AA violations on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                // Only violations are reported; working out the rest doubles the time.
                resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(" ")),
                summaries: v.nodes.map(n => n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )


def describe_violations(where, violations):
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for target, summary in zip(v["targets"], v["summaries"], strict=False):
            lines.append(f"    {target}")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return lines


def pytest_terminal_summary(terminalreporter):
    from .test_accessibility import SCANNED

    if not SCANNED:
        return
    terminalreporter.section("accessibility scan")
    for role, counts in SCANNED.items():
        terminalreporter.write_line(
            f"{role}: {counts['pages']} pages, {counts['forms in error']} forms in their "
            f"error state, {len(counts['forms accepted empty'])} forms accepted empty"
        )
