"""Pages work under the Content Security Policy (config/settings/base.py): in
Chromium, nothing on them is refused by the policy, and the scripts they do load run.

Every page's headers are checked without a browser (tests/config/
test_security_headers.py); this is what only a browser shows: an inline style or
script a template or a script adds, which the policy blocks. Each page is watched
twice over: a listener for ``securitypolicyviolation`` events, added before any of
the page's own scripts, and the console, where Chromium writes "Refused to ..."
for each thing blocked.
"""

import pytest
from django.urls import reverse

from actions.models import ImprovementAction

from .. import walk
from .helpers import MAIN_FORM, submit, wait_for_error_summary_focus

pytestmark = pytest.mark.browser

# Runs in every document before its own scripts: Playwright adds it through the
# browser's debugging protocol, which the page's policy does not govern.
LISTEN_FOR_VIOLATIONS = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__policyViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
        + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
        + (event.sample ? ` (${event.sample})` : "")
    );
});
"""

# What Chromium writes to the console when the policy, or the Permissions-Policy
# header, is broken or refuses something.
POLICY_WORDS = ("Content Security Policy", "Refused to", "Permissions-Policy")


class Watched:
    """A page in ``role``'s browser whose policy violations are collected, from the
    listener of each document it shows and from the console."""

    def __init__(self, site, role):
        self.page = site.page_as(role)
        self.page.add_init_script(LISTEN_FOR_VIOLATIONS)
        self.console = []
        self.page.on("console", self.note_console_message)
        self.violations = []

    def note_console_message(self, message):
        if any(words in message.text for words in POLICY_WORDS):
            self.console.append(f"{self.page.url}: {message.text}")

    def open(self, url):
        response = self.page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        self.page.wait_for_load_state("load")
        return self.page

    def collect(self):
        """The violations the page showing now has reported so far."""
        found = self.page.evaluate("window.__policyViolations || []")
        self.violations.extend(f"{self.page.url}: {violation}" for violation in found)
        self.page.evaluate("window.__policyViolations = []")

    def assert_nothing_refused(self):
        self.collect()
        problems = self.violations + self.console
        assert not problems, "Refused under the Content Security Policy:\n" + "\n".join(problems)


def assert_govuk_frontend_started(page):
    """GOV.UK Frontend marks each component it starts with data-<module>-init, and
    sets the class that tells its styles scripts are running."""
    page.wait_for_selector(".govuk-skip-link[data-govuk-skip-link-init]", state="attached")
    classes = page.locator("body").get_attribute("class").split()
    assert "govuk-frontend-supported" in classes


def test_the_dashboards_charts_lists_and_forms_break_no_policy(site):
    leader = Watched(site, walk.LEADER)
    page = leader.open(reverse("progress:dashboard"))
    assert page.locator("svg.app-chart rect").count(), "the dashboard drew no chart"
    assert_govuk_frontend_started(page)
    # The bars' colours are SVG attributes, which the policy allows, so they show.
    fill = page.locator("svg.app-chart rect").first.evaluate("e => getComputedStyle(e).fill")
    assert fill not in {"", "none", "rgb(0, 0, 0)"}, f"the bars are drawn in {fill}"
    leader.collect()

    team = Watched(site, walk.TEAM)
    page = team.open(reverse("actions:action_list"))
    assert page.locator("main table, main .govuk-summary-card").count()
    assert_govuk_frontend_started(page)
    team.collect()

    # A form sent back with errors: GOV.UK Frontend moves the focus to the summary,
    # which it can only do if its module script ran.
    page = team.open(reverse("actions:action_create"))
    assert_govuk_frontend_started(page)
    team.collect()
    submit(page, page.locator(MAIN_FORM).first)
    wait_for_error_summary_focus(page)
    assert_govuk_frontend_started(page)

    leader.assert_nothing_refused()
    team.assert_nothing_refused()
    assert not site.errors, site.errors


def test_the_admin_breaks_no_policy(site):
    """Django's admin pages load their scripts from files (its list, its change form
    with calendars, two-box pickers and search-as-you-type boxes), so the policy
    needs no exception for them."""
    action = site.samples.first(ImprovementAction)
    # The only person who may open the admin.
    administrator = Watched(site, walk.SYSTEM_ADMINISTRATOR)

    page = administrator.open(reverse("admin:actions_improvementaction_changelist"))
    # The admin's theme script runs first on every admin page and marks the page.
    assert page.locator("html").get_attribute("data-theme")
    assert page.locator("#result_list tbody tr").count()
    administrator.collect()

    page = administrator.open(reverse("admin:actions_improvementaction_change", args=[action.pk]))
    page.wait_for_selector(".datetimeshortcuts", state="attached")  # calendar links
    page.wait_for_selector(".selector-available", state="attached")  # two-box picker
    page.wait_for_selector(".select2-container", state="attached")  # search-as-you-type
    # Opening the calendar draws it with scripts and styles from files too.
    page.locator(".datetimeshortcuts a[id^=calendarlink]:visible").first.click()
    page.wait_for_selector(".calendarbox", state="visible")
    administrator.collect()

    administrator.assert_nothing_refused()
    assert not site.errors, site.errors
