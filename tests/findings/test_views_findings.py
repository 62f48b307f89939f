"""Adding, changing and deleting findings from a visit's page."""

import pytest
from django.urls import reverse

from findings.models import Finding
from tests import factories
from tests.inspections.page_checks import error_messages, history_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit():
    return factories.VisitFactory()


@pytest.fixture
def area(visit):
    return factories.AreaOfConcernFactory(identified_at=visit.follows, title="Front door")


def finding_data(area=None, **overrides):
    data = {
        "area": str(area.pk) if area else "",
        "kind": Finding.Kind.AREA_FOR_IMPROVEMENT,
        "section": Finding.Section.DETAILED,
        "summary": "Children are not seen alone",
        "evidence": "Too many children are not seen on their own.",
        "position": "1",
    }
    data.update(overrides)
    return data


def test_it_adds_a_finding_to_the_visit_naming_the_person(team, visit, area, improvement_officer):
    response = team.post(reverse("findings:finding_create", args=[visit.pk]), finding_data(area))
    finding = Finding.objects.get()
    assert (finding.visit, finding.area) == (visit, area)
    assert finding.history.get().history_user == improvement_officer
    assert response.url == finding.get_absolute_url()


def test_it_goes_back_to_the_finding_on_the_visit_page(team, visit, area):
    team.post(reverse("findings:finding_create", args=[visit.pk]), finding_data(area))
    finding = Finding.objects.get()
    assert finding.get_absolute_url() == (
        reverse("findings:visit_detail", args=[visit.pk]) + f"#finding-{finding.pk}"
    )


def test_it_offers_only_the_visit_authoritys_areas(team, visit, area):
    torbay = factories.LocalAuthorityFactory(name="Torbay Council")
    elsewhere = factories.AreaOfConcernFactory(
        identified_at=factories.InspectionFactory(authority=torbay)
    )
    response = team.get(reverse("findings:finding_create", args=[visit.pk]))
    offered = list(response.context["form"].fields["area"].queryset)
    assert (area in offered, elsewhere in offered) == (True, False)


def test_it_refuses_another_authoritys_area_saving_nothing(team, visit):
    torbay = factories.LocalAuthorityFactory(name="Torbay Council")
    elsewhere = factories.AreaOfConcernFactory(
        identified_at=factories.InspectionFactory(authority=torbay)
    )
    before = history_rows()
    response = team.post(
        reverse("findings:finding_create", args=[visit.pk]), finding_data(elsewhere)
    )
    assert error_messages(response)
    assert (Finding.objects.count(), history_rows()) == (0, before)


def test_it_refuses_a_missing_summary_saving_nothing(team, visit, area):
    before = history_rows()
    response = team.post(
        reverse("findings:finding_create", args=[visit.pk]), finding_data(area, summary="")
    )
    assert "Enter a summary of the finding." in error_messages(response)
    assert (Finding.objects.count(), history_rows()) == (0, before)


def test_it_ignores_a_visit_posted_in_the_form(team, visit, area):
    other = factories.VisitFactory()
    team.post(
        reverse("findings:finding_create", args=[visit.pk]), finding_data(area, visit=other.pk)
    )
    assert Finding.objects.get().visit == visit


def test_it_offers_another_finding_after_save_and_add_another(team, visit, area):
    data = finding_data(area, add_another="Save and add another")
    response = team.post(reverse("findings:finding_create", args=[visit.pk]), data)
    assert response.url == reverse("findings:finding_create", args=[visit.pk]) + f"?area={area.pk}"


def test_it_starts_with_the_area_from_the_link(team, visit, area):
    response = team.get(reverse("findings:finding_create", args=[visit.pk]), {"area": area.pk})
    assert response.context["form"]["area"].initial == area.pk


def test_it_answers_a_nonsense_area_in_the_link_with_the_form(team, visit):
    response = team.get(reverse("findings:finding_create", args=[visit.pk]), {"area": "x'"})
    assert response.status_code == 200


def test_it_changes_a_finding(team, visit, area, improvement_officer):
    finding = factories.FindingFactory(visit=visit, area=area)
    team.post(
        reverse("findings:finding_update", args=[finding.pk]),
        finding_data(area, summary="Now a strength", kind=Finding.Kind.STRENGTH),
    )
    finding.refresh_from_db()
    assert (finding.summary, finding.kind) == ("Now a strength", Finding.Kind.STRENGTH)
    assert finding.history.latest().history_user == improvement_officer


def test_it_deletes_a_finding_and_goes_back_to_the_visit(team, visit, improvement_officer):
    finding = factories.FindingFactory(visit=visit)
    response = team.post(reverse("findings:finding_delete", args=[finding.pk]))
    assert response.url == reverse("findings:visit_detail", args=[visit.pk]) + "#findings"
    assert not Finding.objects.exists()
    assert Finding.history.get(history_type="-").history_user == improvement_officer


def test_it_finds_no_visit_to_add_a_finding_to(team):
    assert team.get(reverse("findings:finding_create", args=[999])).status_code == 404
