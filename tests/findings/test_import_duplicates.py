"""Importing a document a second time: it is recognised, offered as an update of the
record it made, and never becomes a second one."""

import datetime

import pytest
from django.urls import reverse

from findings.models import Finding, ImportedDocument
from inspections.models import Inspection, Visit
from tests import factories
from tests.findings.import_helpers import (
    NORTHSHIRE_LETTER,
    REVIEW,
    form_values,
    post_review,
    put_draft,
    review_of,
    rows,
)
from tests.inspections.page_checks import error_messages, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(team, northshire, enquiries_area):
    """The Northshire letter, imported once with one finding's kind changed."""
    values = form_values(review_of(team, northshire, NORTHSHIRE_LETTER))
    post_review(team, values, **{"findings-0-kind": "area_for_improvement"})
    return Visit.objects.get()


def test_it_offers_to_update_the_visit_a_letter_made(team, northshire, imported):
    response = review_of(team, northshire, NORTHSHIRE_LETTER)
    page = text(response)
    assert "This visit is already recorded" in page
    assert str(imported) in page
    assert "Confirm and update" in page
    assert form_values(response)["existing"] == [str(imported.pk)]


def test_it_suggests_what_the_team_chose_last_time(team, northshire, imported):
    values = form_values(review_of(team, northshire, NORTHSHIRE_LETTER))
    assert rows(values, "findings", "kind")[0] == "area_for_improvement"


def test_it_updates_rather_than_duplicates(team, northshire, imported, improvement_officer):
    findings_before = set(Finding.objects.values_list("pk", flat=True))
    values = form_values(review_of(team, northshire, NORTHSHIRE_LETTER))
    response = post_review(team, values, number="4", **{"findings-1-kind": "serious_concern"})
    assert response.url == imported.get_absolute_url()
    assert Visit.objects.count() == 1
    assert ImportedDocument.objects.count() == 1
    imported.refresh_from_db()
    assert imported.number == 4
    assert imported.history.first().history_user == improvement_officer
    # The same paragraphs update the same findings in place.
    assert set(Finding.objects.values_list("pk", flat=True)) == findings_before
    changed = Finding.objects.get(evidence__startswith="Child protection enquiries")
    assert changed.kind == "serious_concern"
    assert changed.history.count() == 2


def test_it_adds_new_paragraphs_and_keeps_findings_it_does_not_mention(team, northshire, imported):
    by_hand = factories.FindingFactory(visit=imported, summary="Added by hand", evidence="")
    values = form_values(review_of(team, northshire, NORTHSHIRE_LETTER))
    values = form_values(post_review(team, values, action="add_finding"))
    post_review(
        team,
        values,
        **{"findings-4-text": "A new paragraph.", "findings-4-kind": "strength"},
    )
    assert Finding.objects.filter(pk=by_hand.pk).exists()
    added = Finding.objects.get(evidence="A new paragraph.")
    assert (added.visit, added.position) == (imported, 4)
    assert Finding.objects.count() == 6


def test_it_recognises_the_same_visit_from_a_different_copy(team, northshire, imported):
    reprint = NORTHSHIRE_LETTER.replace("Jo Bloggs", "Jo Bloggs (copy)")
    response = review_of(team, northshire, reprint)
    assert form_values(response)["existing"] == [str(imported.pk)]
    post_review(team, form_values(response))
    assert Visit.objects.count() == 1
    # A different copy is another document, kept beside the first.
    assert ImportedDocument.objects.filter(visit=imported).count() == 2


def test_it_shows_the_offer_before_updating_a_visit_the_dates_now_match(
    team, northshire, enquiries_area
):
    other = factories.VisitFactory(
        authority=northshire,
        follows=enquiries_area.identified_at,
        number=None,
        start_date=datetime.date(2023, 10, 3),
        end_date=datetime.date(2023, 10, 4),
        letter_date=None,
        published_on=None,
        is_published=False,
    )
    values = form_values(review_of(team, northshire, NORTHSHIRE_LETTER))
    moved = {"start_date_0": "3", "start_date_1": "10", "end_date_0": "4", "end_date_1": "10"}
    moved["letter_date_1"] = "11"
    response = post_review(team, values, **moved)
    assert error_messages(response) == [
        f"This matches {other} already recorded: confirm again to update it rather than add another"
    ]
    assert Visit.objects.count() == 1
    post_review(team, form_values(response))
    assert Visit.objects.count() == 1
    assert Finding.objects.filter(visit=other).count() == 4


def test_it_offers_to_update_the_inspection_a_report_made(team, northshire):
    parsed = {"inspection_start": "2022-05-09", "framework": "ILACS", "improvements": ["A."]}
    put_draft(team, northshire, parsed, kind="report")
    post_review(team, form_values(team.get(reverse(REVIEW))))
    put_draft(team, northshire, parsed, kind="report")
    values = form_values(team.get(reverse(REVIEW)))
    assert values["existing"] == [str(Inspection.objects.get().pk)]
    post_review(team, values, lead_inspector="Carol Example")
    assert Inspection.objects.get().lead_inspector == "Carol Example"
    assert Inspection.objects.get().areas_of_concern.count() == 1


def test_it_refuses_a_document_imported_for_another_authority(team, northshire, imported):
    southshire = factories.LocalAuthorityFactory(name="Southshire Council")
    factories.InspectionFactory(authority=southshire)
    values = form_values(review_of(team, southshire, NORTHSHIRE_LETTER))
    response = post_review(team, values, **{"areas-1-match": "new", "areas-0-match": "new"})
    assert error_messages(response) == [
        "This document has already been imported for Northshire County Council"
    ]
    assert Visit.objects.count() == 1
