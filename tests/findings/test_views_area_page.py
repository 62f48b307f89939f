"""An area of concern's page: its rating at every visit in date order, its
findings grouped by visit, and its actions."""

import datetime

import pytest

from tests import factories
from tests.inspections.page_checks import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    return factories.AreaOfConcernFactory(title="Management oversight")


def visit_on(area, day, number):
    return factories.VisitFactory(
        authority=area.identified_at.authority,
        follows=area.identified_at,
        number=number,
        start_date=day,
        end_date=day,
        letter_date=None,
        published_on=None,
    )


def test_it_shows_the_rating_at_each_visit_in_date_order(team, area):
    # Logged out of order: the page sorts by the visits' dates.
    for day, number, rating in [
        (datetime.date(2023, 6, 1), 5, "improved"),
        (datetime.date(2021, 3, 1), 2, "declined"),
        (datetime.date(2022, 3, 1), 4, "no_change"),
    ]:
        factories.AreaRatingFactory(visit=visit_on(area, day, number), area=area, rating=rating)
    page = text(team.get(area.get_absolute_url()))
    progress = page[page.index("Progress at each visit") : page.index("Findings")]
    found = [progress.find(word) for word in ("Declined", "No change", "Improved")]
    assert -1 not in found and found == sorted(found), progress


def test_it_shows_a_visit_that_covered_the_area_without_rating_it(team, area):
    visit = visit_on(area, datetime.date(2024, 3, 5), 7)
    factories.VisitAreaFactory(visit=visit, area=area, position=1)
    page = text(team.get(area.get_absolute_url()))
    assert f"{visit} Not rated" in page


def test_it_groups_findings_by_visit_in_date_order(team, area):
    later = visit_on(area, datetime.date(2024, 3, 5), 7)
    earlier = visit_on(area, datetime.date(2022, 3, 1), 4)
    factories.FindingFactory(visit=later, area=area, summary="Oversight is more regular")
    factories.FindingFactory(visit=earlier, area=area, summary="Oversight is rare")
    page = text(team.get(area.get_absolute_url()))
    findings = page[page.index("Findings") :]
    found = [
        findings.find(phrase)
        for phrase in (str(earlier), "Oversight is rare", str(later), "Oversight is more regular")
    ]
    assert -1 not in found and found == sorted(found), findings


def test_it_shows_the_areas_actions(team, area):
    action = factories.ImprovementActionFactory(title="Audit supervision monthly", status="blocked")
    action.areas.add(area)
    factories.ImprovementActionFactory(title="Unrelated action")
    page = text(team.get(area.get_absolute_url()))
    assert "Audit supervision monthly" in page and "Blocked" in page
    assert "Unrelated action" not in page


def test_it_links_to_the_inspection_that_identified_it(team, area):
    response = team.get(area.get_absolute_url())
    assert area.identified_at.get_absolute_url() in response.content.decode()
