"""The pages that list actions a page at a time, on a later page: a councillor's
page of an area, a committee pack and My actions have no accessibility faults
(axe-core, WCAG 2.2 AA) and scroll no sideways on a phone (390 CSS pixels) or a
laptop (1280), with their GOV.UK pagination showing."""

import datetime

import pytest
from django.urls import reverse

from actions.models import ImprovementAction
from progress.models import CommitteePack
from progress.packs import freeze
from tests import factories

from .. import walk
from .conftest import describe_violations, run_axe
from .test_page_widths import MEASURE, WIDTHS

pytestmark = pytest.mark.browser


def add_actions(owner, area, count):
    """``count`` actions owned by ``owner`` in ``area``, with long titles, as real
    ones are, to see the table wrap."""
    today = datetime.date.today()
    made = ImprovementAction.objects.bulk_create(
        ImprovementAction(
            reference=f"A-{900 + number}",
            title=f"Audit every referral at the front door and report the findings {number}",
            owner=owner,
            due_date=today + datetime.timedelta(days=number),
        )
        for number in range(count)
    )
    area.actions.add(*made)


@pytest.fixture
def long_lists(site):
    owner = site.samples.users[walk.OWNER]
    area = factories.AreaOfConcernFactory(
        identified_at=factories.InspectionFactory(), title="Help at the front door"
    )
    add_actions(owner, area, 30)
    pack = freeze(
        CommitteePack(title="A long pack", committee_date=datetime.date.today()),
        site.samples.users[walk.TEAM],
    )
    return {
        walk.SCRUTINY: [
            reverse("progress:scrutiny_area", args=[area.pk]) + "?page=2",
            reverse("progress:pack_detail", args=[pack.pk]) + "?page=2",
        ],
        walk.OWNER: [reverse("actions:my_actions") + "?page=2"],
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_a_later_page_of_a_long_list_is_accessible_and_fits(site, long_lists, width):
    problems = []
    for role, urls in long_lists.items():
        page = site.page_as(role)
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            pagination = page.locator("nav.govuk-pagination")
            assert pagination.is_visible(), url
            assert pagination.get_by_role("link", name="Previous page").is_visible(), url
            where = f"{url} at {width}px as {role}"
            problems.extend(describe_violations(where, run_axe(page)))
            measured = page.evaluate(MEASURE)
            if measured["scroll"] > measured["client"] or measured["spills"]:
                problems.append(f"{where} scrolls sideways: {measured}")
        page.close()
    assert not problems, "\n".join(problems)
    assert not site.errors, site.errors
