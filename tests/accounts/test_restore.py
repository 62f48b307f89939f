"""Restoring a deleted record from its history: the improvement team only, recorded
with their name, and a clear message rather than a half-saved record when it
cannot be done."""

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError
from django.urls import reverse

from accounts import restoring
from accounts.audit import delete_as
from accounts.history import RESTORED_REASON
from actions.models import ImprovementAction
from findings.models import Finding
from inspections.models import AreaOfConcern

from .. import factories

pytestmark = pytest.mark.django_db


def deleted(record, user):
    """Delete ``record`` as ``user``; return its id and the history row of the deletion."""
    model, pk = type(record), record.pk
    delete_as(record, user)
    return pk, model.history.get(id=pk, history_type="-")


def restore_url(row):
    meta = row.instance_type._meta
    return reverse("accounts:restore", args=[meta.app_label, meta.model_name, row.history_id])


def history_rows():
    return sum(model.history.count() for model in (Finding, ImprovementAction, AreaOfConcern))


@pytest.fixture
def signed_in(client, improvement_officer):
    client.force_login(improvement_officer)
    return client


def test_it_asks_before_restoring(signed_in, improvement_officer):
    finding = factories.FindingFactory(summary="Supervision is not regular")
    pk, row = deleted(finding, improvement_officer)

    response = signed_in.get(restore_url(row))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Restore Supervision is not regular?" in page
    assert "Yes, restore it" in page
    assert "Imogen Team deleted it" in page
    assert not Finding.objects.filter(pk=pk).exists()


def test_it_restores_a_deleted_finding_and_records_who_did_it(signed_in, improvement_officer):
    area = factories.AreaOfConcernFactory()
    finding = factories.FindingFactory(
        summary="Plans lack detail", kind=Finding.Kind.SERIOUS_CONCERN, area=area
    )
    pk, row = deleted(finding, improvement_officer)

    response = signed_in.post(restore_url(row))

    assert response.status_code == 302
    restored = Finding.objects.get(pk=pk)
    assert (restored.summary, restored.kind, restored.area) == (
        "Plans lack detail",
        Finding.Kind.SERIOUS_CONCERN,
        area,
    )
    newest = restored.history.first()
    assert newest.history_type == "+"
    assert newest.history_user == improvement_officer
    assert newest.history_change_reason == RESTORED_REASON
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Restored finding ‘Plans lack detail’"
    ]


def test_it_shows_the_restore_in_the_log_with_the_person(signed_in, improvement_officer):
    finding = factories.FindingFactory(summary="Plans lack detail")
    _, row = deleted(finding, improvement_officer)
    signed_in.post(restore_url(row))

    page = signed_in.get(reverse("accounts:audit_log"), {"change": "created"}).content.decode()

    assert "Restored" in page
    assert "Imogen Team" in page


def test_it_goes_to_the_restored_record_or_else_the_audit_log(signed_in, improvement_officer):
    finding = factories.FindingFactory()
    pk, row = deleted(finding, improvement_officer)

    response = signed_in.post(restore_url(row))

    restored = Finding.objects.get(pk=pk)
    expected = (
        restored.get_absolute_url()
        if hasattr(restored, "get_absolute_url")
        else reverse("accounts:audit_log")
    )
    assert response["Location"] == expected


def test_it_restores_an_action_with_its_findings_and_areas(signed_in, improvement_officer):
    findings = factories.FindingFactory.create_batch(2)
    area = factories.AreaOfConcernFactory()
    action = factories.ImprovementActionFactory(title="Audit every plan")
    action.findings.add(*findings)
    action.areas.add(area)
    reference = action.reference
    pk, row = deleted(action, improvement_officer)

    signed_in.post(restore_url(row))

    restored = ImprovementAction.objects.get(pk=pk)
    assert (restored.reference, restored.title) == (reference, "Audit every plan")
    assert set(restored.findings.all()) == set(findings)
    assert list(restored.areas.all()) == [area]
    since_restore = list(restored.history.filter(history_id__gt=row.history_id))
    assert since_restore
    assert {entry.history_user for entry in since_restore} == {improvement_officer}


def test_it_relinks_only_the_findings_that_still_exist(signed_in, improvement_officer):
    kept = factories.FindingFactory(summary="Still here")
    lost = factories.FindingFactory(summary="Deleted since")
    action = factories.ImprovementActionFactory()
    action.findings.add(kept, lost)
    pk, row = deleted(action, improvement_officer)
    delete_as(lost, improvement_officer)

    response = signed_in.post(restore_url(row))

    assert list(ImprovementAction.objects.get(pk=pk).findings.all()) == [kept]
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "Its links to Deleted since were not restored" in message


@pytest.mark.parametrize("person", ["senior_leader", "scrutiny_member", "action_owner"])
def test_it_lets_nobody_but_the_improvement_team_restore(
    client, request, improvement_officer, person
):
    finding = factories.FindingFactory()
    pk, row = deleted(finding, improvement_officer)
    rows_before = history_rows()
    client.force_login(request.getfixturevalue(person))

    assert client.get(restore_url(row)).status_code == 403
    assert client.post(restore_url(row)).status_code == 403
    assert not Finding.objects.filter(pk=pk).exists()
    assert history_rows() == rows_before


def test_it_says_the_parent_is_gone_rather_than_failing(signed_in, improvement_officer):
    visit = factories.VisitFactory(number=7)
    finding = factories.FindingFactory(visit=visit)
    pk, row = deleted(finding, improvement_officer)
    visit_name = str(visit)
    delete_as(visit, improvement_officer)
    rows_before = history_rows()

    response = signed_in.post(restore_url(row))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f"The visit it belongs to, ‘{visit_name}’, has been deleted. Restore that first." in page
    assert "<title>Error: Restore" in page
    assert "Yes, restore it" not in page
    assert not Finding.objects.filter(pk=pk).exists()
    assert history_rows() == rows_before


def test_it_says_when_the_record_already_exists_again(signed_in, improvement_officer):
    finding = factories.FindingFactory()
    pk, row = deleted(finding, improvement_officer)
    signed_in.post(restore_url(row))

    response = signed_in.post(restore_url(row))

    assert response.status_code == 200
    assert "This finding already exists again" in response.content.decode()
    assert Finding.objects.filter(pk=pk).count() == 1


def test_it_says_when_a_record_made_since_clashes(signed_in, improvement_officer):
    area = factories.AreaOfConcernFactory(title="Quality of plans")
    _, row = deleted(area, improvement_officer)
    factories.AreaOfConcernFactory(title="Quality of plans", identified_at=area.identified_at)

    response = signed_in.get(restore_url(row))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This inspection already has an area with that title." in page
    assert "Yes, restore it" not in page


def test_it_leaves_nothing_half_saved_when_the_database_refuses(
    signed_in, improvement_officer, monkeypatch
):
    # A parent deleted between the checks and the save: only the database notices.
    visit = factories.VisitFactory()
    action = factories.ImprovementActionFactory()
    finding = factories.FindingFactory(visit=visit)
    action.findings.add(finding)
    pk, row = deleted(finding, improvement_officer)
    delete_as(visit, improvement_officer)
    monkeypatch.setattr(restoring, "restore_problems", lambda row: [])
    rows_before = history_rows()

    with pytest.raises(restoring.RestoreRefused) as refusal:
        restoring.restore(row, improvement_officer)

    assert refusal.value.problems == [restoring.CLASH]
    assert not Finding.objects.filter(pk=pk).exists()
    assert history_rows() == rows_before
    assert isinstance(refusal.value.__cause__, IntegrityError)


@pytest.mark.parametrize(
    "path",
    [
        "/history/findings/nosuchmodel/1/restore/",
        "/history/auth/group/1/restore/",
        "/history/findings/finding/999999/restore/",
        "/history/findings/finding/99999999999999999999999/restore/",
    ],
)
def test_it_answers_not_found_for_unknown_deletions(signed_in, path):
    assert signed_in.get(path).status_code == 404
    assert signed_in.post(path).status_code == 404


def test_it_only_restores_from_a_deletion(signed_in):
    finding = factories.FindingFactory()
    created = finding.history.get()

    assert signed_in.post(restore_url(created)).status_code == 404
