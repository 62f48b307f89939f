"""The local authorities' pages: the improvement team adds and corrects them in the
service (once only possible in the admin), with history in their name; everyone who
reads inspections may list them, counting only what they may see."""

import pytest
from django.urls import reverse

from inspections.models import LocalAuthority

from .. import factories

pytestmark = pytest.mark.django_db

LIST = reverse("inspections:authority_list")
NEW = reverse("inspections:authority_create")


def test_the_improvement_team_adds_an_authority(team, improvement_officer):
    response = team.post(NEW, {"name": "Torbay Council", "ofsted_code": "880"})

    assert response.status_code == 302
    authority = LocalAuthority.objects.get(name="Torbay Council")
    assert authority.history.get().history_user == improvement_officer


def test_it_explains_what_is_wrong_and_adds_nothing(team):
    factories.LocalAuthorityFactory(name="Devon County Council")

    for data, message in [
        ({"name": ""}, "Enter the name of the local authority"),
        ({"name": "Devon County Council"}, "There is already a local authority with this name"),
        ({"name": "x" * 151}, "The name must be 150 characters or fewer"),
    ]:
        response = team.post(NEW, data)
        page = response.content.decode()
        assert "<title>Error: " in page and message in page, message
    assert LocalAuthority.objects.count() == 1


def test_the_improvement_team_corrects_an_authority(team):
    authority = factories.LocalAuthorityFactory(name="Devon CC", ofsted_code="")

    team.post(
        reverse("inspections:authority_update", args=[authority.pk]),
        {"name": "Devon County Council", "ofsted_code": "878"},
    )

    authority.refresh_from_db()
    assert (authority.name, authority.ofsted_code) == ("Devon County Council", "878")


def test_an_authority_with_visits_cannot_be_deleted(team):
    visit = factories.VisitFactory()
    url = reverse("inspections:authority_delete", args=[visit.authority.pk])

    page = team.get(url).content.decode()
    response = team.post(url)

    assert "You cannot delete" in page and "1 visit" in page
    assert "There is a problem" in response.content.decode()
    assert LocalAuthority.objects.filter(pk=visit.authority.pk).exists()


def test_an_authority_nothing_refers_to_is_deleted(team):
    authority = factories.LocalAuthorityFactory(name="Plymouth City Council")

    team.post(reverse("inspections:authority_delete", args=[authority.pk]))

    assert not LocalAuthority.objects.filter(pk=authority.pk).exists()


def test_a_councillor_lists_them_counting_published_records_only(councillor):
    inspection = factories.InspectionFactory()
    factories.VisitFactory(authority=inspection.authority, follows=inspection, number=1)
    factories.VisitFactory(
        authority=inspection.authority,
        follows=inspection,
        number=2,
        is_published=False,
        published_on=None,
    )
    factories.InspectionFactory(authority=inspection.authority, published_on=None)

    response = councillor.get(LIST)

    row = response.context["object_list"][0]
    assert (row.inspection_count, row.visit_count) == (1, 1)
    assert "Add a local authority" not in response.content.decode()
    assert councillor.get(NEW).status_code == 403


def test_senior_leaders_list_them_and_change_nothing(client, senior_leader):
    authority = factories.LocalAuthorityFactory()
    client.force_login(senior_leader)

    assert client.get(LIST).status_code == 200
    url = reverse("inspections:authority_update", args=[authority.pk])
    assert client.post(url, {"name": "Renamed"}).status_code == 403
