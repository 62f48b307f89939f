"""No page scrolls sideways on a phone (390 CSS pixels wide) or on a laptop (1280),
for any role: every page of the accessibility walk, at both widths.

A table too wide for the screen scrolls inside its own region (``app-table-scroll``,
which takes the keyboard focus and is named by the table's caption), never the page;
and no table spills out of the column it is set in.
"""

from urllib.parse import urlsplit

import pytest

from .. import walk
from .helpers import page_name, visit

pytestmark = pytest.mark.browser

WIDTHS = [390, 1280]

MEASURE = """() => {
    const root = document.documentElement;
    const spills = [...document.querySelectorAll('main table')]
        .filter(t => !t.closest('.app-table-scroll'))
        .filter(t => t.getBoundingClientRect().width > t.parentElement.clientWidth + 1)
        .map(t => `a table (${Math.round(t.getBoundingClientRect().width)}px) in a `
            + `${t.parentElement.clientWidth}px ${t.parentElement.tagName.toLowerCase()}`
            + `.${t.parentElement.className}`);
    const regions = [...document.querySelectorAll('.app-table-scroll')]
        .filter(r => r.getAttribute('tabindex') !== '0' || r.getAttribute('role') !== 'region'
            || !(r.getAttribute('aria-label') || document.getElementById(
                r.getAttribute('aria-labelledby') || '')?.textContent.trim()))
        .map(r => 'a scrolling table without tabindex=0, role=region and a name');
    const widest = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
        .filter(e => !e.closest('.app-table-scroll'))
        .slice(-3)
        .map(e => `${e.tagName.toLowerCase()}.${e.className} to `
            + `${Math.round(e.getBoundingClientRect().right)}px`);
    return {scroll: root.scrollWidth, client: root.clientWidth, spills, regions, widest};
}"""


def pages_to_measure(site):
    """Each page of the URLconf once, as the accessibility walk visits them."""
    found, _ = walk.targets(site.samples)
    return [target for target in found if not target.page.post_only and not target.page.is_admin]


@pytest.mark.parametrize("role", walk.ROLES)
def test_no_page_scrolls_sideways_as(site, role):
    page = site.page_as(role)
    problems, measured = [], 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        seen = set()
        for target in pages_to_measure(site):
            response = visit(page, target.url)  # None for a download
            if response is None or response.status != 200:
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            key = page_name(page) or urlsplit(page.url).path
            if key in seen:
                continue
            seen.add(key)
            measured += 1
            found = page.evaluate(MEASURE)
            where = f"{target} at {width}px"
            if found["scroll"] > found["client"]:
                problems.append(
                    f"{where}: the page is {found['scroll']}px wide in {found['client']}px "
                    f"({'; '.join(found['widest'])})"
                )
            problems.extend(f"{where}: {spill}" for spill in found["spills"])
            problems.extend(f"{where}: {region}" for region in found["regions"])
    assert measured
    assert not problems, f"As {role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboards_charts_write_in_the_pages_font_at_its_size(site, width):
    page = site.page_as(walk.LEADER)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/dashboard/")
    fonts = page.evaluate(
        """() => {
            const body = getComputedStyle(document.querySelector('main .govuk-body'));
            return {
                page: body.fontFamily,
                charts: [...document.querySelectorAll('svg.app-chart text')].map(t => {
                    const s = getComputedStyle(t);
                    return [s.fontFamily, s.fontSize, t.getBoundingClientRect().height];
                }),
            };
        }"""
    )
    assert fonts["charts"], "the dashboard drew no chart labels"
    for family, size, height in fonts["charts"]:
        assert family == fonts["page"]
        assert size == "16px"
        if height:  # a month's name hidden on a phone has none
            assert height >= 14, "the drawing shrank its text"
