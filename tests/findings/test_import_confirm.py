"""Reviewing and confirming an imported letter or report: what the review page
suggests, what the person changes, and what confirming saves (and only then)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from findings.import_drafts import SESSION_KEY
from findings.models import Finding, ImportedDocument
from inspections.models import AreaOfConcern, Grade, Inspection, JudgementArea, Visit
from tests import factories
from tests.findings.import_helpers import (
    NORTHSHIRE_LETTER,
    REVIEW,
    counts,
    form_values,
    post_review,
    put_draft,
    review_of,
    rows,
    start,
)
from tests.inspections.page_checks import error_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(team, northshire, enquiries_area, oversight_area):
    """The review page of the Northshire letter, and the values its form would send."""
    response = review_of(team, northshire, NORTHSHIRE_LETTER)
    assert response.status_code == 200
    return form_values(response)


# The review page --------------------------------------------------------------------------


def test_it_fills_the_review_in_from_the_letter(review, inadequate_inspection):
    assert review["kind"] == ["monitoring"]
    assert review["number"] == ["3"]
    assert [review[f"start_date_{i}"][0] for i in range(3)] == ["15", "8", "2023"]
    assert [review[f"end_date_{i}"][0] for i in range(3)] == ["16", "8", "2023"]
    assert [review[f"letter_date_{i}"][0] for i in range(3)] == ["12", "9", "2023"]
    assert review["inspectors"] == ["Ann Example\nBen Sample"]
    # Judged inadequate in May 2022: the inspection that month.
    assert review["follows"] == [str(inadequate_inspection.pk)]


def test_it_suggests_the_recorded_area_an_area_covered_resembles(review, enquiries_area):
    assert rows(review, "areas", "title") == [
        "The timeliness of child protection enquiries",
        "The quality of care planning for children in care",
    ]
    assert rows(review, "areas", "match") == [str(enquiries_area.pk), "new"]


def test_it_suggests_each_findings_kind_and_area(review):
    assert rows(review, "findings", "section") == ["headline", "detailed", "detailed", "detailed"]
    assert rows(review, "findings", "kind") == [
        "strength",
        "strength",
        "area_for_improvement",
        "serious_concern",
    ]
    assert rows(review, "findings", "area") == ["", "row:a1", "row:a2", "row:a2"]


def test_it_saves_nothing_before_confirming(team, review):
    before = counts()
    post_review(team, review, action="update")
    post_review(team, review, action="add_finding")
    team.get(reverse(REVIEW))
    assert counts() == before


def test_it_runs_as_many_queries_for_a_long_letter_as_for_a_short_one(team, northshire):
    def queries(size):
        inspection = factories.InspectionFactory(authority=northshire)
        for number in range(size):
            factories.AreaOfConcernFactory(identified_at=inspection, title=f"Area {size} {number}")
        put_draft(
            team,
            northshire,
            {
                "visit_kind": "monitoring",
                "visit_start": "2023-08-15",
                "areas_covered": [f"Covered area {n}" for n in range(size)],
                "headline_findings": ["Leaders are effective."] * size,
                "findings": [f"Plans lack timescales ({n})." for n in range(size)],
            },
        )
        with CaptureQueriesContext(connection) as captured:
            assert team.get(reverse(REVIEW)).status_code == 200
        return len(captured)

    assert queries(2) == queries(12)


# Confirming -------------------------------------------------------------------------------


def test_it_saves_the_visit_its_areas_and_findings_naming_the_person(
    team, review, improvement_officer, enquiries_area, inadequate_inspection, northshire
):
    response = post_review(team, review)
    visit = Visit.objects.get()
    assert response.url == reverse("findings:visit_detail", args=[visit.pk])
    assert (visit.authority, visit.follows, visit.number) == (
        northshire,
        inadequate_inspection,
        3,
    )
    assert (visit.start_date, visit.end_date) == (
        datetime.date(2023, 8, 15),
        datetime.date(2023, 8, 16),
    )
    assert visit.inspector_names == ["Ann Example", "Ben Sample"]
    assert visit.letter_text == NORTHSHIRE_LETTER.strip()
    new_area = AreaOfConcern.objects.get(title="The quality of care planning for children in care")
    assert new_area.identified_at == inadequate_inspection
    assert visit.ordered_areas() == [enquiries_area, new_area]
    findings = list(Finding.objects.order_by("section", "position"))
    assert [(f.section, f.position, f.kind, f.area) for f in findings] == [
        ("detailed", 1, "strength", enquiries_area),
        ("detailed", 2, "area_for_improvement", new_area),
        ("detailed", 3, "serious_concern", new_area),
        ("headline", 1, "strength", None),
    ]
    assert findings[1].evidence.startswith("However, too many care plans")
    assert findings[1].summary == (
        "However, too many care plans lack clear timescales, and the views of children "
        "are not consistently recorded."
    )
    for record in [visit, new_area, *findings, *visit.area_links.all()]:
        assert record.history.get().history_user == improvement_officer


def test_it_keeps_the_original_document_with_the_visit(team, review, improvement_officer):
    post_review(team, review)
    document = ImportedDocument.objects.get()
    assert document.visit == Visit.objects.get()
    assert document.text == NORTHSHIRE_LETTER.strip()
    assert document.imported_by == improvement_officer
    assert document.history.get().history_user == improvement_officer
    assert SESSION_KEY not in team.session


def test_it_keeps_an_uploaded_file_as_it_was(team, northshire, enquiries_area):
    upload = SimpleUploadedFile("northshire-letter.txt", NORTHSHIRE_LETTER.encode())
    response = start(team, northshire, document=upload)
    post_review(team, form_values(response))
    document = ImportedDocument.objects.get()
    assert document.original_name == "northshire-letter.txt"
    with document.file.open("rb") as stored:
        assert stored.read() == NORTHSHIRE_LETTER.encode()


def test_it_honours_a_changed_area_match(team, review, oversight_area):
    post_review(team, review, **{"areas-1-match": str(oversight_area.pk)})
    visit = Visit.objects.get()
    assert visit.ordered_areas()[1] == oversight_area
    assert not AreaOfConcern.objects.filter(title__startswith="The quality of care").exists()
    assert Finding.objects.get(evidence__startswith="However").area == oversight_area


def test_it_honours_a_changed_kind_and_summary(team, review):
    post_review(
        team,
        review,
        **{"findings-1-kind": "area_for_improvement", "findings-1-summary": "Enquiries are quick"},
    )
    finding = Finding.objects.get(evidence__startswith="Child protection enquiries")
    assert (finding.kind, finding.summary) == ("area_for_improvement", "Enquiries are quick")


def test_it_summarises_by_the_first_sentence_when_the_summary_is_emptied(team, review):
    post_review(team, review, **{"findings-2-summary": ""})
    finding = Finding.objects.get(evidence__startswith="However")
    assert finding.summary.startswith("However, too many care plans lack clear timescales")
    assert finding.summary.endswith("recorded.")


def test_it_leaves_out_removed_rows(team, review):
    removed = {"findings-0-DELETE": "on", "areas-1-DELETE": "on"}
    # The findings about the removed area are about none now.
    post_review(team, review, **removed, **{"findings-2-area": "", "findings-3-area": ""})
    visit = Visit.objects.get()
    assert len(visit.ordered_areas()) == 1
    assert Finding.objects.count() == 3
    assert not Finding.objects.filter(section="headline").exists()


def test_it_splits_a_finding_at_an_empty_line(team, review):
    text = review["findings-2-text"][0]
    first, second = text.split(" Managers ")
    response = post_review(
        team, review, action="update", **{"findings-2-text": f"{first}\r\n\r\nManagers {second}"}
    )
    values = form_values(response)
    assert rows(values, "findings", "text")[2:4] == [first, f"Managers {second}"]
    assert rows(values, "findings", "kind")[2:4] == ["area_for_improvement"] * 2
    post_review(team, values)
    assert Finding.objects.count() == 5


def test_it_adds_a_row_without_javascript(team, review):
    response = post_review(team, review, action="add_finding")
    values = form_values(response)
    assert int(values["findings-TOTAL_FORMS"][0]) == 5
    assert rows(values, "findings", "text")[4] == ""
    # Left empty, the new row is not saved.
    post_review(team, values)
    assert Finding.objects.count() == 4


def test_it_saves_a_finding_added_by_hand(team, review):
    values = form_values(post_review(team, review, action="add_finding"))
    post_review(
        team,
        values,
        **{"findings-4-text": "Supervision is regular.", "findings-4-kind": "strength"},
    )
    assert Finding.objects.get(evidence="Supervision is regular.").position == 4


def test_it_lists_every_problem_in_the_error_summary_and_saves_nothing(team, review):
    before = counts()
    response = post_review(
        team,
        review,
        **{"end_date_0": "31", "end_date_1": "2", "findings-1-kind": "", "findings-2-text": ""},
    )
    assert error_messages(response) == [
        "End date must be a real date",
        "Finding 2: Choose the kind of finding",
        "Finding 3: Enter the finding's words from the letter, or tick Remove",
    ]
    assert counts() == before


def test_it_puts_the_models_rules_beside_the_fields(team, review):
    response = post_review(team, review, **{"end_date_0": "1", "end_date_1": "8"})
    assert error_messages(response) == ["The visit cannot end before it starts."]


def test_it_needs_the_inspection_a_new_area_belongs_to(team, review):
    before = counts()
    response = post_review(team, review, follows="")
    assert error_messages(response) == [
        "Area 2: Choose the inspection the visit follows, so the new area belongs to it"
    ]
    assert counts() == before


def test_it_refuses_to_match_one_area_twice(team, review, enquiries_area):
    response = post_review(team, review, **{"areas-1-match": str(enquiries_area.pk)})
    assert error_messages(response) == [
        "Area 2: This area of concern is matched twice: choose another"
    ]


# Reports ----------------------------------------------------------------------------------

REPORT = {
    "authority": "Northshire County Council",
    "inspection_start": "2022-05-09",
    "inspection_end": "2022-05-20",
    "lead_inspector": "Carol Example",
    "framework": "ILACS",
    "judgements": {"overall_effectiveness": "inadequate", "care_leavers": "requires_improvement"},
    "improvements": ["The timeliness of child protection enquiries.", "Supervision " * 30],
}


def test_it_saves_a_report_as_an_inspection_with_judgements_and_areas(
    team, northshire, improvement_officer
):
    put_draft(team, northshire, REPORT, kind="report")
    values = form_values(team.get(reverse(REVIEW)))
    assert values["kind"] == ["ilacs_standard"]
    assert values["grade_overall"] == ["inadequate"]
    response = post_review(team, values, **{"grade_leaders": "inadequate"})
    inspection = Inspection.objects.get()
    assert response.url == inspection.get_absolute_url()
    assert (inspection.start_date, inspection.lead_inspector) == (
        datetime.date(2022, 5, 9),
        "Carol Example",
    )
    assert {j.area: j.grade for j in inspection.judgements.all()} == {
        JudgementArea.OVERALL: Grade.INADEQUATE,
        JudgementArea.LEADERS: Grade.INADEQUATE,
        JudgementArea.CARE_LEAVERS: Grade.REQUIRES_IMPROVEMENT,
    }
    areas = list(inspection.areas_of_concern.order_by("pk"))
    assert areas[0].title == "The timeliness of child protection enquiries"
    assert len(areas[1].title) <= 200 and areas[1].description == REPORT["improvements"][1].strip()
    assert {a.history.get().history_user for a in areas} == {improvement_officer}
    assert ImportedDocument.objects.get().inspection == inspection


def test_it_leaves_out_a_removed_improvement(team, northshire):
    put_draft(team, northshire, REPORT, kind="report")
    values = form_values(team.get(reverse(REVIEW)))
    post_review(team, values, **{"improvements-1-DELETE": "on"})
    assert AreaOfConcern.objects.count() == 1
