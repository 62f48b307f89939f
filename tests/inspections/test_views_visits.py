"""Logging a visit: the areas it covered, chosen and ordered, each saved with the
name of the person who saved it; bad input refused with nothing saved."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from inspections.forms import VisitForm
from inspections.models import Visit, VisitArea
from tests import factories
from tests.post_data import form_data

from .page_checks import error_messages, history_rows

pytestmark = pytest.mark.django_db

CREATE = reverse("inspections:visit_create")


@pytest.fixture
def inspection():
    return factories.InspectionFactory()


@pytest.fixture
def areas(inspection):
    titles = ["Front door decisions", "Quality of assessments", "Management oversight"]
    return [factories.AreaOfConcernFactory(identified_at=inspection, title=t) for t in titles]


def visit_data(inspection, places=(), **overrides):
    visit = factories.VisitFactory.build(
        authority=inspection.authority, follows=inspection, number=7
    )
    data = form_data(VisitForm, visit, **overrides)
    for place, area in enumerate(places, start=1):
        data[f"place_{place}"] = str(area.pk)
    return data


def test_it_saves_the_three_areas_in_the_order_chosen(team, inspection, areas):
    chosen = [areas[2], areas[0], areas[1]]
    response = team.post(CREATE, visit_data(inspection, chosen))
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert [(link.position, link.area) for link in visit.area_links.all()] == [
        (1, areas[2]),
        (2, areas[0]),
        (3, areas[1]),
    ]


def test_it_names_the_person_on_each_area_history_row(team, inspection, areas, improvement_officer):
    team.post(CREATE, visit_data(inspection, areas))
    rows = VisitArea.history.filter(history_type="+")
    assert rows.count() == 3
    assert {row.history_user for row in rows} == {improvement_officer}


def test_it_names_the_person_on_the_visit_history_row(team, inspection, areas, improvement_officer):
    team.post(CREATE, visit_data(inspection, areas))
    assert Visit.history.get().history_user == improvement_officer


def test_it_goes_to_the_visit_page_once_saved(team, inspection, areas):
    response = team.post(CREATE, visit_data(inspection, areas))
    assert response.url == reverse("findings:visit_detail", args=[Visit.objects.get().pk])


def test_it_closes_up_places_left_empty(team, inspection, areas):
    data = visit_data(inspection)
    data.update(place_1=str(areas[1].pk), place_3=str(areas[0].pk))
    team.post(CREATE, data)
    links = Visit.objects.get().area_links.all()
    assert [(link.position, link.area) for link in links] == [(1, areas[1]), (2, areas[0])]


def test_it_stores_inspectors_one_a_line(team, inspection, areas):
    data = visit_data(inspection, areas, inspectors="  Steve Lowe \n\n Tom Anthony  \n")
    team.post(CREATE, data)
    assert Visit.objects.get().inspector_names == ["Steve Lowe", "Tom Anthony"]


@pytest.fixture
def visit(inspection, areas, improvement_officer):
    visit = factories.VisitFactory(authority=inspection.authority, follows=inspection)
    for position, area in enumerate(areas, start=1):
        factories.VisitAreaFactory(visit=visit, area=area, position=position)
    return visit


def edit(client, visit, places):
    data = form_data(VisitForm, visit)
    for place, area in enumerate(places, start=1):
        data[f"place_{place}"] = str(area.pk)
    return client.post(reverse("inspections:visit_update", args=[visit.pk]), data)


def test_it_offers_the_areas_already_covered_in_their_places(team, visit, areas):
    response = team.get(reverse("inspections:visit_update", args=[visit.pk]))
    form = response.context["form"]
    assert [form[f"place_{n}"].initial for n in (1, 2, 3)] == [area.pk for area in areas]


def test_it_swaps_two_areas_recording_each_move_with_the_person(
    team, visit, areas, improvement_officer
):
    response = edit(team, visit, [areas[1], areas[0], areas[2]])
    assert response.status_code == 302
    assert [link.area for link in visit.area_links.all()] == [areas[1], areas[0], areas[2]]
    moves = VisitArea.history.filter(history_type="~")
    assert sorted((row.area_id, row.position) for row in moves) == sorted(
        [(areas[1].pk, 1), (areas[0].pk, 2)]
    )
    assert {row.history_user for row in moves} == {improvement_officer}


def test_it_removes_an_area_no_longer_chosen_recording_who(team, visit, areas, improvement_officer):
    edit(team, visit, [areas[0], areas[2]])
    assert [link.area for link in visit.area_links.all()] == [areas[0], areas[2]]
    removed = VisitArea.history.get(history_type="-")
    assert (removed.area_id, removed.history_user) == (areas[1].pk, improvement_officer)


def test_it_writes_no_history_for_areas_left_where_they_were(team, visit, areas):
    before = VisitArea.history.count()
    edit(team, visit, areas)
    assert VisitArea.history.count() == before


def test_it_refuses_the_same_area_twice_and_saves_nothing(team, inspection, areas):
    before = history_rows()
    response = team.post(CREATE, visit_data(inspection, [areas[0], areas[0]]))
    messages = error_messages(response)
    assert f"{areas[0].title} is already the 1st area: choose each area once" in messages
    assert (Visit.objects.count(), VisitArea.objects.count(), history_rows()) == (0, 0, before)


def test_it_refuses_an_area_of_another_authority(team, inspection, areas):
    elsewhere = factories.AreaOfConcernFactory(
        identified_at=factories.InspectionFactory(
            authority=factories.LocalAuthorityFactory(name="Torbay Council")
        )
    )
    response = team.post(CREATE, visit_data(inspection, [elsewhere]))
    assert f"Choose an area of concern of {inspection.authority}, or none" in error_messages(
        response
    )
    assert not Visit.objects.exists()


def test_it_refuses_an_end_before_the_start_beside_the_end_date(team, inspection, areas):
    before = history_rows()
    data = visit_data(inspection, areas, end_date=datetime.date(2024, 3, 4))
    response = team.post(CREATE, data)
    assert "The visit cannot end before it starts." in error_messages(response)
    assert "The visit cannot end before it starts." in response.context["form"].errors["end_date"]
    assert (Visit.objects.count(), VisitArea.objects.count(), history_rows()) == (0, 0, before)


def test_it_refuses_31_february_and_saves_nothing(team, inspection, areas):
    before = history_rows()
    data = visit_data(inspection, areas)
    data.update(start_date_0="31", start_date_1="2", start_date_2="2024")
    response = team.post(CREATE, data)
    assert "Start date must be a real date" in error_messages(response)
    assert (Visit.objects.count(), VisitArea.objects.count(), history_rows()) == (0, 0, before)


def test_it_refuses_a_missing_kind_and_saves_nothing(team, inspection, areas):
    before = history_rows()
    response = team.post(CREATE, visit_data(inspection, areas, kind=""))
    assert "Choose the kind of visit" in error_messages(response)
    assert (Visit.objects.count(), history_rows()) == (0, before)


def test_it_keeps_nothing_of_the_visit_when_an_area_fails_to_save(
    inspection, areas, improvement_officer
):
    form = VisitForm(data=visit_data(inspection, areas), user=improvement_officer)
    assert form.is_valid(), form.errors
    original = VisitArea.save
    calls = []

    def fail_on_the_third(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    before = history_rows()
    with (
        mock.patch.object(VisitArea, "save", fail_on_the_third),
        pytest.raises(RuntimeError),
    ):
        form.save()
    assert (Visit.objects.count(), VisitArea.objects.count(), history_rows()) == (0, 0, before)


def test_it_deletes_a_visit_with_its_areas_recording_who(team, visit, improvement_officer):
    response = team.post(reverse("inspections:visit_delete", args=[visit.pk]))
    assert response.url == reverse("inspections:visit_list")
    assert not Visit.objects.exists()
    assert {row.history_user for row in VisitArea.history.filter(history_type="-")} == {
        improvement_officer
    }
