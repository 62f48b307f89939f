"""Inspections and their judgements, and areas of concern: adding, changing and
deleting them from their pages, with bad input refused and nothing saved."""

import datetime

import pytest
from django.urls import reverse

from inspections.forms import AreaOfConcernForm, InspectionForm
from inspections.models import AreaOfConcern, Grade, Inspection, Judgement
from tests import factories
from tests.post_data import form_data

from .page_checks import error_messages, history_rows, links, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection():
    return factories.InspectionFactory()


def test_it_lists_inspections_linking_to_each_page(team, inspection):
    response = team.get(reverse("inspections:inspection_list"))
    assert inspection.get_absolute_url() in links(response)


def test_it_shows_the_overall_judgement_in_the_list(team, inspection):
    factories.JudgementFactory(inspection=inspection, grade=Grade.INADEQUATE)
    response = team.get(reverse("inspections:inspection_list"))
    assert "Inadequate" in text(response)


def test_it_adds_an_inspection_naming_the_person(team, improvement_officer):
    built = factories.InspectionFactory.build(authority=factories.LocalAuthorityFactory())
    response = team.post(reverse("inspections:inspection_create"), form_data(InspectionForm, built))
    inspection = Inspection.objects.get()
    assert response.url == inspection.get_absolute_url()
    assert inspection.history.get().history_user == improvement_officer


def test_it_refuses_an_inspection_ending_before_it_starts_saving_nothing(team):
    built = factories.InspectionFactory.build(
        authority=factories.LocalAuthorityFactory(), end_date=datetime.date(2020, 1, 1)
    )
    before = history_rows()
    response = team.post(reverse("inspections:inspection_create"), form_data(InspectionForm, built))
    assert "The inspection cannot end before it starts." in error_messages(response)
    assert (Inspection.objects.count(), history_rows()) == (0, before)


def test_it_shows_the_judgements_on_the_inspection_page(team, inspection):
    factories.JudgementFactory(
        inspection=inspection, area=Judgement.Area.LEADERS, grade=Grade.REQUIRES_IMPROVEMENT
    )
    response = team.get(inspection.get_absolute_url())
    assert "Impact of leaders on social work practice with children and families" in text(response)
    assert "Requires improvement to be good" in text(response)


def test_it_offers_the_judgement_form_on_the_inspection_page(team, inspection):
    response = team.get(inspection.get_absolute_url())
    assert (
        reverse("inspections:judgement_create", args=[inspection.pk]) in response.content.decode()
    )


def test_it_adds_a_judgement_to_the_inspection(team, inspection, improvement_officer):
    response = team.post(
        reverse("inspections:judgement_create", args=[inspection.pk]),
        {"area": Judgement.Area.OVERALL, "grade": Grade.INADEQUATE},
    )
    judgement = inspection.judgements.get()
    assert response.url == inspection.get_absolute_url() + "#judgements"
    assert (judgement.grade, judgement.history.get().history_user) == (
        Grade.INADEQUATE,
        improvement_officer,
    )


def test_it_refuses_a_second_judgement_for_an_area_beside_the_area(team, inspection):
    factories.JudgementFactory(inspection=inspection, area=Judgement.Area.OVERALL)
    before = history_rows()
    response = team.post(
        reverse("inspections:judgement_create", args=[inspection.pk]),
        {"area": Judgement.Area.OVERALL, "grade": Grade.GOOD},
    )
    assert "This inspection already has a judgement for that area." in error_messages(response)
    assert response.context["form"].errors["area"]
    assert (inspection.judgements.count(), history_rows()) == (1, before)


def test_it_changes_a_judgement(team, inspection):
    judgement = factories.JudgementFactory(inspection=inspection)
    team.post(
        reverse("inspections:judgement_update", args=[judgement.pk]),
        {"area": judgement.area, "grade": Grade.REQUIRES_IMPROVEMENT},
    )
    judgement.refresh_from_db()
    assert judgement.grade == Grade.REQUIRES_IMPROVEMENT


def test_it_does_not_move_a_judgement_to_another_inspection(team, inspection):
    judgement = factories.JudgementFactory(inspection=inspection)
    other = factories.InspectionFactory(start_date=datetime.date(2018, 1, 1))
    team.post(
        reverse("inspections:judgement_update", args=[judgement.pk]),
        {"inspection": other.pk, "area": judgement.area, "grade": judgement.grade},
    )
    judgement.refresh_from_db()
    assert judgement.inspection == inspection


def test_it_deletes_a_judgement_recording_who(team, inspection, improvement_officer):
    judgement = factories.JudgementFactory(inspection=inspection)
    team.post(reverse("inspections:judgement_delete", args=[judgement.pk]))
    assert not inspection.judgements.exists()
    assert Judgement.history.get(history_type="-").history_user == improvement_officer


def test_it_says_what_stops_an_inspection_being_deleted(team, inspection):
    factories.VisitFactory(authority=inspection.authority, follows=inspection)
    response = team.get(reverse("inspections:inspection_delete", args=[inspection.pk]))
    assert "You cannot delete" in text(response)
    assert "1 visit" in text(response)


def test_it_keeps_an_inspection_that_visits_follow(team, inspection):
    factories.VisitFactory(authority=inspection.authority, follows=inspection)
    before = history_rows()
    response = team.post(reverse("inspections:inspection_delete", args=[inspection.pk]))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert (Inspection.objects.filter(pk=inspection.pk).exists(), history_rows()) == (True, before)


def test_it_deletes_an_inspection_with_its_judgements(team, inspection, improvement_officer):
    factories.JudgementFactory(inspection=inspection)
    response = team.post(reverse("inspections:inspection_delete", args=[inspection.pk]))
    assert response.url == reverse("inspections:inspection_list")
    assert not Judgement.objects.exists()
    assert Judgement.history.get(history_type="-").history_user == improvement_officer


# Areas of concern ----------------------------------------------------------------------


def test_it_adds_an_area_and_goes_to_its_page(team, inspection, improvement_officer):
    built = factories.AreaOfConcernFactory.build(identified_at=inspection, title="Care leavers")
    response = team.post(reverse("inspections:area_create"), form_data(AreaOfConcernForm, built))
    area = AreaOfConcern.objects.get()
    assert response.url == reverse("findings:area_detail", args=[area.pk])
    assert area.history.get().history_user == improvement_officer


def test_it_refuses_an_area_with_no_title_saving_nothing(team, inspection):
    built = factories.AreaOfConcernFactory.build(identified_at=inspection, title="")
    before = history_rows()
    response = team.post(reverse("inspections:area_create"), form_data(AreaOfConcernForm, built))
    assert "Enter the area's title" in error_messages(response)
    assert (AreaOfConcern.objects.count(), history_rows()) == (0, before)


def test_it_refuses_a_repeated_title_beside_the_title(team, inspection):
    factories.AreaOfConcernFactory(identified_at=inspection, title="Care leavers")
    built = factories.AreaOfConcernFactory.build(identified_at=inspection, title="Care leavers")
    response = team.post(reverse("inspections:area_create"), form_data(AreaOfConcernForm, built))
    assert "This inspection already has an area with that title." in error_messages(response)
    assert response.context["form"].errors["title"]
    assert AreaOfConcern.objects.count() == 1


def test_it_starts_a_new_area_at_the_inspection_it_came_from(team, inspection):
    factories.InspectionFactory(start_date=datetime.date(2017, 5, 1))
    response = team.get(reverse("inspections:area_create"), {"inspection": inspection.pk})
    assert response.context["form"]["identified_at"].initial == inspection.pk


def test_it_lists_areas_linking_to_each_area_page(team, inspection):
    area = factories.AreaOfConcernFactory(identified_at=inspection)
    response = team.get(reverse("inspections:area_list"))
    assert reverse("findings:area_detail", args=[area.pk]) in links(response)


def test_it_shows_each_areas_latest_rating_in_the_list(team, inspection):
    area = factories.AreaOfConcernFactory(identified_at=inspection)
    for start, rating in [
        (datetime.date(2023, 1, 10), "declined"),
        (datetime.date(2024, 3, 5), "improved"),
    ]:
        visit = factories.VisitFactory(
            authority=inspection.authority,
            follows=inspection,
            start_date=start,
            end_date=start,
            letter_date=None,
        )
        factories.AreaRatingFactory(visit=visit, area=area, rating=rating)
    response = team.get(reverse("inspections:area_list"))
    assert "Improved" in text(response)
    assert "Declined" not in text(response)


def test_it_keeps_an_areas_findings_when_the_area_is_deleted(team, inspection):
    area = factories.AreaOfConcernFactory(identified_at=inspection)
    finding = factories.FindingFactory(
        visit=factories.VisitFactory(authority=inspection.authority, follows=inspection), area=area
    )
    team.post(reverse("inspections:area_delete", args=[area.pk]))
    finding.refresh_from_db()
    assert (AreaOfConcern.objects.exists(), finding.area) == (False, None)
