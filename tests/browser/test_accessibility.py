"""axe-core's WCAG 2.2 AA rules on every page, as every role sees it, and on every form
in its error state; and, by keyboard and at 400% zoom, what axe cannot judge.

The pages are the URL walk's (tests/walk.py): every page in the URLconf that answers
GET, its URL filled in from the sample records, so a new page is scanned as soon as
it lands. Each role's scan covers each page of the URLconf once, where the browser
ends up (every page sends a signed-out visitor to the same sign-in page), and each
error page (403, 404, 500) once; AXE_EVERY_URL=1 scans every filled-in URL instead.
Each page with a form that takes input is then sent with its boxes emptied and its
dates impossible, and the page that comes back is scanned too: focus must be on the
error summary and the title must start "Error: ".
"""

import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.template import loader

from .. import walk
from .conftest import AXE, describe_violations, run_axe
from .helpers import (
    MAIN_FORM,
    edit_controls,
    error_summary,
    page_name,
    submit,
    visit,
    wait_for_error_summary_focus,
)

pytestmark = pytest.mark.browser

# AXE_EVERY_URL=1 scans each URL the walk fills in (the published visit's page and
# the unpublished one's, say), not each page of the URLconf once: slower, for a
# release check.
EVERY_URL = os.environ.get("AXE_EVERY_URL") == "1"

# What each role's scan covered, for the summary at the end of the run.
SCANNED: dict = {}

TAKES_INPUT = (
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]),"
    " textarea, select"
)

# Empty every box a person types in, choose the empty option of every list, and
# make every date impossible (31 February), so that any form with a rule refuses it.
SPOIL_FORM = """form => {
    for (const box of form.querySelectorAll(
        'input[type=text], input[type=email], input[type=url], input[type=number],'
        + ' input[type=password], input[type=search], input[type=tel], input:not([type]),'
        + ' textarea')) {
        box.value = "";
    }
    for (const list of form.querySelectorAll('select')) {
        const empty = [...list.options].findIndex(o => o.value === "");
        if (empty !== -1) list.selectedIndex = empty;
    }
    for (const day of form.querySelectorAll('input[name$="_0"][inputmode=numeric]')) {
        const stem = day.name.slice(0, -2);
        const month = form.querySelector(`input[name="${stem}_1"]`);
        const year = form.querySelector(`input[name="${stem}_2"]`);
        if (month && year) { day.value = "31"; month.value = "2"; year.value = "2024"; }
    }
}"""


def form_taking_input(page):
    """The first form on the page that a person fills in and posts (one shown: a
    form folded away in a details element waits for its own page)."""
    taking_input = page.locator(TAKES_INPUT).filter(visible=True)
    return page.locator(MAIN_FORM).filter(visible=True).filter(has=taking_input).first


def is_html(response):
    return response.headers.get("content-type", "").startswith("text/html")


def scan(page, where, problems, counted):
    violations = run_axe(page)
    counted.append(where)
    problems.extend(describe_violations(where, violations))


@pytest.mark.parametrize("role", walk.ROLES)
def test_every_page_has_no_accessibility_faults_as(site, role):
    from playwright.sync_api import Error as PlaywrightError

    page = site.page_as(role)
    pages = walk.pages_by_name()
    found, _uncovered = walk.targets(site.samples, list(pages.values()))  # test_url_walk reports
    problems, scanned, forms_in_error, forms_accepted = [], [], [], []
    seen, forms = set(), []

    for target in found:
        if target.page.post_only:
            continue
        if target.page.is_admin and target.page.name != "admin:index":
            # Every role is refused every admin page alike: the index shows that page.
            continue
        response = visit(page, target.url)  # None for a download
        if response is None or not is_html(response):
            continue
        status = response.status
        # Where the browser ended up (after any redirect), as a page of the URLconf.
        if status != 200:
            key = f"status {status}"
        elif EVERY_URL:
            key = urlsplit(page.url).path
        else:
            key = page_name(page) or urlsplit(page.url).path
        if key in seen:
            continue
        seen.add(key)
        if status >= 500:
            problems.append(f"{target}: answered {status}")
            continue
        scan(page, f"{target} ({status})", problems, scanned)
        personal = target.page.is_admin or target.page.name in walk.SESSION_PAGES
        if role == walk.SCRUTINY and status == 200 and not personal:
            # As the browser shows it, scripts and all: nothing that changes anything.
            problems.extend(f"{target}: {c}" for c in edit_controls(page, pages))
        # The admin's forms are Django's own, and stop empty boxes in the browser.
        in_admin = (page_name(page) or "").startswith("admin:")
        if status == 200 and not in_admin and form_taking_input(page).count():
            forms.append(page.url)

    # The 404 page, and the 500 page (rendered as the server would, since nothing
    # here can be made to fail on purpose).
    if "status 404" not in seen:
        page.goto("/no-such-page/")
        scan(page, "the 404 page", problems, scanned)
    page.goto("/accessibility/")
    page.set_content(
        loader.get_template("errors/500.html").render({"service_name": settings.SERVICE_NAME})
    )
    scan(page, "the 500 page", problems, scanned)

    for url in forms:
        page.goto(url)
        form = form_taking_input(page)
        form.evaluate(SPOIL_FORM)
        where = f"{page_name(page)} {urlsplit(url).path} with errors"
        if not form.evaluate("f => f.noValidate || f.checkValidity()"):
            # The browser would stop the form with its own messages, which are not
            # the GOV.UK error summary: the form needs novalidate.
            problems.append(f"{where}: the browser's own validation stops the form")
            continue
        submit(page, form)
        if not error_summary(page):
            forms_accepted.append(where)
            continue
        try:
            wait_for_error_summary_focus(page)
        except PlaywrightError:
            problems.append(f"{where}: focus is not on the error summary")
        if not page.title().startswith("Error: "):
            problems.append(f"{where}: title {page.title()!r} does not start 'Error: '")
        scan(page, where, problems, forms_in_error)

    problems.extend(f"script error: {error}" for error in site.errors)
    SCANNED[role] = {
        "pages": len(scanned),
        "forms in error": len(forms_in_error),
        "forms accepted empty": forms_accepted,
    }
    assert scanned
    assert not problems, f"As {role}:\n" + "\n".join(problems)


def test_the_styles_load(site):
    """The live server hands out the built styles: axe judges the real colours."""
    page = site.page_as(walk.ANONYMOUS)
    page.goto("/sign-in/")
    header = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-header')).backgroundColor"
    )
    assert header == "rgb(11, 12, 12)", "app.css did not load: the header is not black"
    font = page.evaluate("getComputedStyle(document.querySelector('.govuk-heading-l')).fontFamily")
    assert "system-ui" in font and "GDS Transport" not in font


FOCUS_YELLOW = "rgb(255, 221, 0)"

FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    const label = (e.innerText || e.value || e.name || e.getAttribute('href') || e.tagName)
        .trim().replace(/\\s+/g, ' ').slice(0, 40);
    return {
        label: label, tag: e.tagName.toLowerCase(), type: e.type || '',
        background: s.backgroundColor, outline: s.outlineColor, outlineStyle: s.outlineStyle,
        shadow: s.boxShadow,
    };
}"""


@pytest.mark.parametrize("role", [walk.ANONYMOUS, walk.TEAM])
def test_every_control_of_the_frame_shows_where_the_focus_is(site, role):
    """Tabbing through the home page (the sign-in page when signed out): each control
    takes GOV.UK's yellow focus style, so it shows on the black header as anywhere."""
    page = site.page_as(role)
    page.goto("/")
    seen, problems = [], []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (seen and focused == seen[0]):
            break
        seen.append(focused)
        if focused["tag"] == "input" and focused["type"] in {"checkbox", "radio"}:
            continue  # hidden: GOV.UK draws the focus on its label
        yellow = FOCUS_YELLOW in (focused["background"], focused["outline"], focused["shadow"])
        yellow = yellow or FOCUS_YELLOW in focused["shadow"]
        if not yellow or focused["outlineStyle"] == "auto":
            problems.append(f"{focused['label']!r} ({focused['tag']}): {focused}")
    assert len(seen) >= 3, f"tabbing reached only {seen}"
    assert not problems, "Focus does not show on:\n" + "\n".join(problems)


def test_pages_reflow_at_400_percent_zoom(site):
    """At 320 CSS pixels wide (1280 at 400%), nothing but a data table may need
    scrolling sideways (WCAG 1.4.10 exempts those)."""

    page = site.page_as(walk.TEAM)
    page.set_viewport_size({"width": 320, "height": 640})
    found, _ = walk.targets(site.samples)
    seen, problems = set(), []
    for target in found:
        if target.page.post_only or target.page.is_admin or target.page.name in seen:
            continue
        seen.add(target.page.name)
        response = visit(page, target.url)  # None for a download
        if response is None or response.status != 200 or not is_html(response):
            continue
        too_wide = page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                    .filter(e => !e.closest('table') && e.getClientRects().length)
                    .filter(e => e.getBoundingClientRect().right > width + 1)
                    .filter(e => getComputedStyle(e).position !== 'absolute')
                    .slice(0, 5)
                    .map(e => `${e.tagName.toLowerCase()}.${e.className}`
                        + ` (${Math.round(e.getBoundingClientRect().right)}px)`);
            }"""
        )
        if too_wide:
            problems.append(f"{target}: {', '.join(too_wide)}")
    assert not problems, "Wider than 320px outside tables:\n" + "\n".join(problems)


def test_the_demo_story_has_no_accessibility_faults(empty_site, monkeypatch):
    """The demo loader's real story (long letters, many rows), as the improvement team
    sees it: every page reached by following links from the home page, each page of
    the URLconf once."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from accounts.models import User
    from accounts.roles import IMPROVEMENT_TEAM

    monkeypatch.setenv("DEMO_PASSWORD", walk.PASSWORD)
    try:
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    except CommandError as error:
        pytest.skip(f"the demo loader is not ready: {error}")
    officer = User.objects.filter(groups__name=IMPROVEMENT_TEAM, email__endswith="example.org")
    site = empty_site
    page = site.browser.new_page(base_url=site.url)
    page.set_default_timeout(15_000)
    page.add_init_script(path=str(AXE))
    site.sign_in(page, officer.first())

    pages = walk.pages_by_name()
    queue, seen, problems, scanned = ["/"], set(), [], []
    queued = {"home"}  # one link to each page of the URLconf is enough
    while queue:
        url = queue.pop(0)
        response = visit(page, url)  # None for a download
        if response is None or not is_html(response):
            continue
        name = page_name(page)
        if name in seen or (name or "").startswith("admin:"):
            continue
        seen.add(name)
        if response.status != 200:
            problems.append(f"{url}: answered {response.status}")
            continue
        scan(page, f"{name} {url} (demo)", problems, scanned)
        for kind, link, _method, target in walk.controls(page.content(), urlsplit(page.url).path):
            writes = target in pages and pages[target].is_write
            if kind == "link" and target and target not in queued and not writes:
                queued.add(target)
                queue.append(link)
    page.close()
    SCANNED["improvement team, demo data"] = {
        "pages": len(scanned),
        "forms in error": 0,
        "forms accepted empty": [],
    }
    assert len(scanned) > 3
    assert not problems, "\n".join(problems)


def fits_the_width(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_figures_pages_in_their_error_states_have_no_accessibility_faults(site):
    """A month's figures page sent back with a figure that is not a number, and
    opened on a month to come: the error summary takes the focus, the title says
    "Error: ", and axe finds nothing, at a desktop's width and a phone's."""
    from measures.models import Measure

    page = site.page_as(walk.TEAM)
    measure = Measure.objects.order_by("title").first()
    problems, scanned = [], []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/measures/figures/?month=2024-03")
        form = page.locator(MAIN_FORM).first
        form.locator(f'[name="value_{measure.pk}"]').fill("lots")
        submit(page, form)
        wait_for_error_summary_focus(page)
        assert page.title().startswith("Error: ")
        assert "is not a number" in error_summary(page)
        scan(page, f"figures page with a bad figure at {width}px", problems, scanned)
        assert fits_the_width(page), f"the figures page scrolls sideways at {width}px"

        page.goto("/measures/figures/?month=2099-01")
        wait_for_error_summary_focus(page)
        assert page.title().startswith("Error: ")
        scan(page, f"figures page for a month to come at {width}px", problems, scanned)
    assert not problems, "\n".join(problems)


def test_the_upload_pages_and_their_error_state_have_no_accessibility_faults(site, tmp_path):
    """A refused file's messages on the upload page, and the review of a good file
    with new and changed figures, at a desktop's width and a phone's."""
    from measures.models import Measure

    measure = Measure.objects.order_by("title").first()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"measure,period,value\r\n{measure.title},2024-13,x\r\nNobody,2024-01,5\r\n")
    good = tmp_path / "good.csv"
    good.write_text(
        f"measure,period,value,england\r\n{measure.title},2024-03,91,80\r\n"
        f"{measure.title},2024-04,92,\r\n"
    )
    page = site.page_as(walk.TEAM)
    problems, scanned = [], []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/measures/figures/upload/")
        assert fits_the_width(page), f"the upload page scrolls sideways at {width}px"
        form = page.locator(MAIN_FORM).first
        form.locator('[name="figures"]').set_input_files(str(bad))
        submit(page, form)
        wait_for_error_summary_focus(page)
        assert page.title().startswith("Error: ")
        assert "Row 2" in error_summary(page) and "Row 3" in error_summary(page)
        scan(page, f"upload page with a refused file at {width}px", problems, scanned)
        assert fits_the_width(page), f"the refused upload scrolls sideways at {width}px"

        form = page.locator(MAIN_FORM).first
        form.locator('[name="figures"]').set_input_files(str(good))
        submit(page, form)
        assert page_name(page) == "measures:figures_review"
        page.locator("details summary").first.click()
        scan(page, f"review of an upload at {width}px", problems, scanned)
        assert fits_the_width(page), f"the review scrolls sideways at {width}px"
    assert not problems, "\n".join(problems)
