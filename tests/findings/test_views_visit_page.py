"""A visit's page: its areas in letter order with their ratings, its findings
grouped by area (and a group for those tied to none), and the actions answering them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings.models import AreaRating, Finding
from tests import factories
from tests.inspections.page_checks import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit():
    inspection = factories.InspectionFactory()
    visit = factories.VisitFactory(authority=inspection.authority, follows=inspection, number=7)
    titles = ["Front door decisions", "Quality of assessments", "Management oversight"]
    # Created in one order, placed in the letter in another.
    areas = [factories.AreaOfConcernFactory(identified_at=inspection, title=t) for t in titles]
    for position, area in [(2, areas[0]), (3, areas[1]), (1, areas[2])]:
        factories.VisitAreaFactory(visit=visit, area=area, position=position)
    visit.test_areas = areas
    return visit


def positions(page, *phrases):
    found = [page.find(phrase) for phrase in phrases]
    assert -1 not in found, list(zip(phrases, found, strict=True))
    return found


def test_it_lists_the_areas_covered_in_letter_order(team, visit):
    page = text(team.get(visit.get_absolute_url()))
    areas = page[page.index("Areas covered by the visit") : page.index("Findings")]
    found = positions(
        areas, "Management oversight", "Front door decisions", "Quality of assessments"
    )
    assert found == sorted(found)


def test_it_shows_each_areas_rating_at_this_visit(team, visit):
    factories.AreaRatingFactory(
        visit=visit,
        area=visit.test_areas[0],
        rating=AreaRating.Rating.IMPROVED,
        commentary="Waiting list gone",
    )
    page = text(team.get(visit.get_absolute_url()))
    areas = page[page.index("Areas covered by the visit") : page.index("Findings")]
    assert "Front door decisions Improved Waiting list gone" in areas
    assert "Quality of assessments Not rated" in areas


def test_it_groups_findings_under_their_area_in_letter_order(team, visit):
    front_door, assessments, oversight = visit.test_areas
    factories.FindingFactory(visit=visit, area=assessments, summary="Children not seen alone")
    factories.FindingFactory(visit=visit, area=oversight, summary="Oversight lacks purpose")
    factories.FindingFactory(visit=visit, area=front_door, summary="MASH decisions are timely")
    factories.FindingFactory(visit=visit, area=None, summary="Partnership needs development")
    page = text(team.get(visit.get_absolute_url()))
    findings = page[page.index("Findings") :]
    found = positions(
        findings,
        "Management oversight",
        "Oversight lacks purpose",
        "Front door decisions",
        "MASH decisions are timely",
        "Quality of assessments",
        "Children not seen alone",
        "Not about one area of concern",
        "Partnership needs development",
    )
    assert found == sorted(found)


def test_it_shows_a_finding_about_an_area_the_visit_did_not_list(team, visit):
    other = factories.AreaOfConcernFactory(identified_at=visit.follows, title="Care leavers")
    factories.FindingFactory(visit=visit, area=other, summary="Pathway plans are generic")
    page = text(team.get(visit.get_absolute_url()))
    assert "Care leavers (not listed as covered by this visit) Strength" not in page
    assert "Care leavers (not listed as covered by this visit)" in page
    assert "Pathway plans are generic" in page


def test_it_shows_the_actions_responding_to_a_finding(team, visit):
    finding = factories.FindingFactory(visit=visit, area=visit.test_areas[0], summary="Slow checks")
    action = factories.ImprovementActionFactory(
        title="Speed up background checks", status="in_progress"
    )
    action.findings.add(finding)
    page = text(team.get(visit.get_absolute_url()))
    assert f"{action.reference} Speed up background checks In progress" in page


def test_it_lists_each_responding_action_once(team, visit):
    action = factories.ImprovementActionFactory(title="Weekly referral review")
    for n in range(2):
        action.findings.add(factories.FindingFactory(visit=visit, summary=f"Finding {n}"))
    page = text(team.get(visit.get_absolute_url()))
    table = page[page.index("Actions responding to these findings") :]
    assert table.count("Weekly referral review") == 1


def test_it_says_when_no_area_has_been_recorded(team):
    visit = factories.VisitFactory()
    assert "No areas covered have been recorded" in text(team.get(visit.get_absolute_url()))


def test_it_runs_as_many_queries_for_30_findings_as_for_3(team, visit):
    def add_findings(count):
        for n in range(count):
            finding = factories.FindingFactory(visit=visit, area=visit.test_areas[n % 3])
            factories.ImprovementActionFactory().findings.add(finding)

    team.get(visit.get_absolute_url())
    add_findings(3)
    with CaptureQueriesContext(connection) as few:
        team.get(visit.get_absolute_url())
    add_findings(27)
    with CaptureQueriesContext(connection) as many:
        team.get(visit.get_absolute_url())
    assert Finding.objects.count() == 30
    assert len(many) == len(few)


def test_it_shows_the_letter_dates_and_inspectors(team, visit):
    visit.start_date, visit.end_date = datetime.date(2024, 3, 5), datetime.date(2024, 3, 6)
    visit.inspectors = "Steve Lowe\nTom Anthony"
    visit.save()
    page = text(team.get(visit.get_absolute_url()))
    assert "5 and 6 March 2024" in page
    assert "Steve Lowe Tom Anthony" in page


def test_it_lists_headline_findings_before_detailed_ones(team, visit):
    area = visit.test_areas[0]
    factories.FindingFactory(visit=visit, area=area, summary="A detailed one", position=1)
    factories.FindingFactory(
        visit=visit, area=area, summary="The headline", section="headline", position=2
    )
    page = text(team.get(visit.get_absolute_url()))
    assert page.index("The headline") < page.index("A detailed one")
