"""The seed monitoring visit letter, pasted, reviewed and confirmed as the improvement
team would: what a person reads in it is what gets saved."""

import datetime

import pytest

from findings.models import Finding, ImportedDocument
from inspections.models import AreaOfConcern, Visit
from tests import factories
from tests.findings.import_helpers import (
    counts,
    form_values,
    post_review,
    review_of,
    rows,
    seed_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.requires_seeds]


@pytest.fixture
def devon(db):
    return factories.LocalAuthorityFactory(name="Devon County Council")


@pytest.fixture
def inspection(devon):
    # Judged inadequate in January 2020.
    return factories.InspectionFactory(authority=devon, start_date=datetime.date(2020, 1, 13))


@pytest.fixture
def oversight(inspection):
    return factories.AreaOfConcernFactory(
        identified_at=inspection, title="Management oversight and critical challenge"
    )


@pytest.fixture
def review(team, devon, inspection, oversight):
    response = review_of(team, devon, seed_text())
    assert response.status_code == 200
    return form_values(response)


def test_it_reads_the_seed_letter_into_the_review(review, inspection, oversight):
    assert (review["kind"], review["number"]) == (["monitoring"], ["7"])
    assert review["follows"] == [str(inspection.pk)]
    assert review["inspectors"] == ["Steve Lowe\nTom Anthony"]
    assert rows(review, "areas", "match") == ["new", "new", str(oversight.pk)]
    assert rows(review, "findings", "section").count("headline") == 2
    assert len(rows(review, "findings", "text")) == 13


def test_it_saves_the_seed_letter_as_a_visit_naming_the_person(
    team, review, improvement_officer, inspection, oversight
):
    before = counts()
    post_review(team, review)
    visit = Visit.objects.get()
    assert (visit.number, visit.start_date, visit.end_date, visit.letter_date) == (
        7,
        datetime.date(2024, 3, 5),
        datetime.date(2024, 3, 6),
        datetime.date(2024, 3, 28),
    )
    assert visit.follows == inspection
    areas = visit.ordered_areas()
    assert [area.title for area in areas[:2]] == [
        "Making sure that decisions taken by the multi-agency safeguarding hub (MASH) are acted on",
        "Professional curiosity and the quality of assessments",
    ]
    assert areas[2] == oversight
    assert AreaOfConcern.objects.count() == before["AreaOfConcern"] + 2
    findings = Finding.objects.filter(visit=visit)
    assert findings.count() == 13
    assert findings.filter(section="headline").count() == 2
    assert {f.history.get().history_user for f in findings} == {improvement_officer}
    assert visit.history.get().history_user == improvement_officer
    assert ImportedDocument.objects.get().visit == visit


def test_it_honours_the_persons_changes_to_the_seed_letter(team, review, oversight):
    post_review(
        team,
        review,
        **{"areas-1-match": str(oversight.pk), "areas-2-match": "new"},
        **{"findings-2-kind": "strength"},
    )
    visit = Visit.objects.get()
    assert visit.ordered_areas()[1] == oversight
    assert visit.ordered_areas()[2].title == (
        "The quality of recorded management oversight and critical challenge"
    )
    third = Finding.objects.get(evidence__startswith="Following a period when the oversight")
    assert third.kind == "strength"


def test_a_second_import_of_the_seed_letter_makes_no_second_visit(team, devon, review):
    post_review(team, review)
    again = form_values(review_of(team, devon, seed_text()))
    assert again["existing"] == [str(Visit.objects.get().pk)]
    post_review(team, again)
    assert Visit.objects.count() == 1
    assert Finding.objects.count() == 13
    assert ImportedDocument.objects.count() == 1
