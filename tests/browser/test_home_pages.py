"""Each role's home page, in Chromium: no accessibility faults (axe-core, WCAG 2.2
AA) and no sideways scrolling, on a phone (390 CSS pixels) and a laptop (1280).

With ``HOME_SCREENSHOTS=<folder>`` each page is also saved there as a PNG, one a
role and width, for a person to look at.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from .. import walk
from .conftest import describe_violations, run_axe
from .test_page_widths import MEASURE, WIDTHS

pytestmark = pytest.mark.browser

# The heading of the section each role's home page must show.
SECTION = {
    walk.OWNER: "Your actions",
    walk.LEADER: "For senior leaders",
    walk.TEAM: "For the improvement team",
    walk.SCRUTINY: "For the scrutiny committee",
}


@pytest.mark.parametrize("role", SECTION)
def test_the_home_page_passes_axe_and_fits_both_widths_as(site, role):
    page = site.page_as(role)
    folder = os.environ.get("HOME_SCREENSHOTS")
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(reverse("home"))
        assert response.status == 200
        assert page.get_by_role("heading", name=SECTION[role], level=2).is_visible()
        problems.extend(describe_violations(f"home as {role} at {width}px", run_axe(page)))
        found = page.evaluate(MEASURE)
        if found["scroll"] > found["client"]:
            problems.append(f"at {width}px the page is {found['scroll']}px wide")
        problems.extend(found["spills"] + found["regions"])
        if folder:
            name = f"home-{role.replace(' ', '-')}-{width}.png"
            page.screenshot(path=str(Path(folder) / name), full_page=True)
    assert not problems, "\n".join(problems)
    assert not site.errors, site.errors
