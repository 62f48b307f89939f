"""Who may do what on the inspections and findings pages, enforced on the server:
scrutiny members and senior leaders read but never write, scrutiny members never
see an unpublished visit or inspection, and nobody sees a control they cannot use."""

import datetime

import pytest
from django.urls import get_resolver, resolve, reverse

from accounts.access import WRITE_VERBS
from tests import factories

from .page_checks import history_rows, links, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    inspection = factories.InspectionFactory()
    area = factories.AreaOfConcernFactory(identified_at=inspection, title="Front door")
    visit = factories.VisitFactory(authority=inspection.authority, follows=inspection, number=7)
    factories.VisitAreaFactory(visit=visit, area=area, position=1)
    factories.AreaRatingFactory(visit=visit, area=area)
    finding = factories.FindingFactory(visit=visit, area=area, summary="Referrals are timely")
    judgement = factories.JudgementFactory(inspection=inspection)
    unpublished = factories.VisitFactory(
        authority=inspection.authority,
        follows=inspection,
        number=8,
        start_date=datetime.date(2024, 6, 4),
        end_date=datetime.date(2024, 6, 5),
        letter_date=None,
        is_published=False,
        published_on=None,
    )
    factories.VisitAreaFactory(visit=unpublished, area=area, position=1)
    factories.AreaRatingFactory(visit=unpublished, area=area, rating="declined")
    hidden_finding = factories.FindingFactory(
        visit=unpublished, area=area, summary="Supervision is not yet regular"
    )
    return {
        "inspection": inspection,
        "area": area,
        "visit": visit,
        "finding": finding,
        "judgement": judgement,
        "unpublished": unpublished,
        "hidden_finding": hidden_finding,
    }


def write_urls(records):
    """Every page of the two apps that writes, found from the URLconf."""
    kwargs_for = {
        "pk": None,
        "visit_pk": records["visit"].pk,
        "inspection_pk": records["inspection"].pk,
    }
    own = {
        "LocalAuthority": records["inspection"].authority,
        "Inspection": records["inspection"],
        "Judgement": records["judgement"],
        "Visit": records["visit"],
        "AreaOfConcern": records["area"],
        "Finding": records["finding"],
    }
    urls = []
    for namespace in ("inspections", "findings"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for pattern in resolver.url_patterns:
            view = pattern.callback.view_class
            if getattr(view, "permission_verb", None) not in WRITE_VERBS:
                continue
            kwargs = {}
            for name in pattern.pattern.converters:
                kwargs[name] = kwargs_for[name] or own[view.model.__name__].pk
            urls.append(reverse(f"{namespace}:{pattern.name}", kwargs=kwargs))
    return urls


def read_urls(records):
    return [
        reverse("inspections:inspection_list"),
        reverse("inspections:visit_list"),
        reverse("inspections:area_list"),
        reverse("inspections:authority_list"),
        records["inspection"].get_absolute_url(),
        records["visit"].get_absolute_url(),
        records["area"].get_absolute_url(),
    ]


def test_it_finds_every_write_page_of_the_two_apps(records):
    names = {resolve(url).url_name for url in write_urls(records)}
    assert {
        "inspection_create",
        "inspection_update",
        "inspection_delete",
        "judgement_create",
        "judgement_update",
        "judgement_delete",
        "visit_create",
        "visit_update",
        "visit_delete",
        "area_create",
        "area_update",
        "area_delete",
        "finding_create",
        "finding_update",
        "finding_delete",
        "visit_ratings",
        "authority_create",
        "authority_update",
        "authority_delete",
    } <= names


@pytest.mark.parametrize("person", ["scrutiny_member", "senior_leader", "action_owner"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_every_write_to_those_who_may_not_write(
    records, client, request, person, method
):
    client.force_login(request.getfixturevalue(person))
    before = history_rows()
    answers = {url: getattr(client, method)(url).status_code for url in write_urls(records)}
    assert set(answers.values()) == {403}, answers
    assert history_rows() == before


@pytest.mark.parametrize("person", ["scrutiny_member", "senior_leader"])
def test_it_lets_readers_open_every_read_page(records, client, request, person):
    client.force_login(request.getfixturevalue(person))
    answers = {url: client.get(url).status_code for url in read_urls(records)}
    assert set(answers.values()) == {200}, answers


@pytest.mark.parametrize("person", ["scrutiny_member", "senior_leader"])
def test_it_shows_readers_no_control_that_writes(records, client, request, person):
    client.force_login(request.getfixturevalue(person))
    writes = set(write_urls(records))
    for url in read_urls(records):
        response = client.get(url)
        content = response.content.decode()
        assert not writes & {link.split("?")[0].split("#")[0] for link in links(response)}, url
        assert 'class="govuk-button' not in content.split("<main", 1)[1], url
        assert 'method="post"' not in content.split("<main", 1)[1], url


def test_it_shows_the_team_the_controls_to_change_a_visit(records, client, improvement_officer):
    client.force_login(improvement_officer)
    response = client.get(records["visit"].get_absolute_url())
    hrefs = links(response)
    assert reverse("inspections:visit_update", args=[records["visit"].pk]) in hrefs
    assert reverse("findings:finding_create", args=[records["visit"].pk]) in hrefs
    assert reverse("findings:finding_update", args=[records["finding"].pk]) in hrefs


def test_it_sends_anonymous_people_to_sign_in(records, client):
    for url in read_urls(records):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:sign_in") in response.url, url


def test_it_refuses_lists_to_an_owner_with_no_role(records, client, action_owner):
    client.force_login(action_owner)
    assert client.get(reverse("inspections:visit_list")).status_code == 403


# Unpublished records -------------------------------------------------------------------


def test_it_hides_an_unpublished_visit_from_a_scrutiny_member(records, client, scrutiny_member):
    client.force_login(scrutiny_member)
    assert client.get(records["unpublished"].get_absolute_url()).status_code == 404


def test_it_leaves_an_unpublished_visit_out_of_the_scrutiny_list(records, client, scrutiny_member):
    client.force_login(scrutiny_member)
    response = client.get(reverse("inspections:visit_list"))
    assert list(response.context["object_list"]) == [records["visit"]]
    assert records["unpublished"].get_absolute_url() not in links(response)


def test_it_leaves_an_unpublished_visits_findings_off_the_area_page(
    records, client, scrutiny_member
):
    client.force_login(scrutiny_member)
    page = text(client.get(records["area"].get_absolute_url()))
    assert "Referrals are timely" in page
    assert "Supervision is not yet regular" not in page
    assert "Declined" not in page


def test_it_shows_officers_the_unpublished_visit_and_its_findings(records, client, senior_leader):
    client.force_login(senior_leader)
    assert client.get(records["unpublished"].get_absolute_url()).status_code == 200
    page = text(client.get(records["area"].get_absolute_url()))
    assert "Supervision is not yet regular" in page


def test_it_hides_an_unpublished_inspection_and_its_areas(records, client, scrutiny_member):
    draft = factories.InspectionFactory(
        start_date=datetime.date(2025, 2, 3), end_date=None, published_on=None
    )
    area = factories.AreaOfConcernFactory(identified_at=draft, title="Not yet public")
    client.force_login(scrutiny_member)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(area.get_absolute_url()).status_code == 404
    assert draft not in client.get(reverse("inspections:inspection_list")).context["object_list"]
    assert area not in client.get(reverse("inspections:area_list")).context["object_list"]


def test_it_counts_only_published_visits_of_an_area_for_scrutiny(records, client, scrutiny_member):
    client.force_login(scrutiny_member)
    response = client.get(reverse("inspections:area_list"))
    assert [area.visit_count for area in response.context["object_list"]] == [1]
