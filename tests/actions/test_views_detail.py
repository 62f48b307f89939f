"""An action's page: everything about it for officers; for scrutiny members only the
updates shared with them, the owner by job title, no evidence and no controls."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Impact, Status

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(action_owner):
    visit = factories.VisitFactory()
    area = factories.AreaOfConcernFactory(title="Quality of supervision")
    finding = factories.FindingFactory(visit=visit, area=area, summary="Supervision is not regular")
    action = factories.ImprovementActionFactory(
        owner=action_owner,
        title="Monthly supervision for every social worker",
        description="All teams, from April.",
        success_measure="95% of workers supervised monthly",
        source="Monitoring visit letter",
        status=Status.IN_PROGRESS,
    )
    action.findings.add(finding)
    action.areas.add(area)
    shared = factories.ActionUpdateFactory(
        action=action, note="Shared note for councillors", shareable_with_scrutiny=True
    )
    factories.ActionUpdateFactory(action=action, note="Internal note only")
    factories.EvidenceFactory(
        action=action, update=shared, title="Supervision audit", url="https://x.example/audit"
    )
    return action


def page(client, user, action):
    client.force_login(user)
    response = client.get(reverse("actions:action_detail", args=[action.pk]))
    return response, response.content.decode()


def controls(content, action):
    """Links or forms on the page that lead to a write on this action."""
    writes = ["edit", "delete", "assign", "update", "sign-off"]
    return [
        href
        for href in re.findall(r'(?:href|action)="([^"]*)"', content)
        if any(href == f"/actions/{action.pk}/{word}/" for word in writes)
        or href == reverse("actions:action_create")
    ]


def test_it_shows_the_action_to_the_improvement_team(client, improvement_officer, action):
    response, content = page(client, improvement_officer, action)
    assert response.status_code == 200
    for text in [
        action.reference,
        "Monthly supervision for every social worker",
        "All teams, from April.",
        "95% of workers supervised monthly",
        "Monitoring visit letter",
        "In progress",
        "Owen Owner",
        "Supervision is not regular",
        "Quality of supervision",
    ]:
        assert text in content


def test_it_shows_the_rag_as_a_tag_with_its_word(client, improvement_officer, action):
    _, content = page(client, improvement_officer, action)
    assert re.search(r'class="govuk-tag app-rag--green">\s*Green', content)


def test_it_shows_every_update_newest_first_to_officers(client, senior_leader, action):
    _, content = page(client, senior_leader, action)
    assert content.index("Internal note only") < content.index("Shared note for councillors")


def test_it_shows_evidence_to_officers(client, senior_leader, action):
    _, content = page(client, senior_leader, action)
    assert "Supervision audit" in content
    assert "https://x.example/audit" in content


def test_it_shows_evidence_to_the_owner(client, action_owner, action):
    response, content = page(client, action_owner, action)
    assert response.status_code == 200
    assert "Supervision audit" in content


def test_it_refuses_someone_with_no_role_who_does_not_own_it(client, action):
    stranger = factories.UserFactory()
    response, _ = page(client, stranger, action)
    assert response.status_code == 403


def test_it_shows_scrutiny_members_only_shared_updates(client, scrutiny_member, action):
    response, content = page(client, scrutiny_member, action)
    assert response.status_code == 200
    assert "Shared note for councillors" in content
    assert "Internal note only" not in content


def test_it_shows_scrutiny_members_the_owner_by_job_title(
    client, scrutiny_member, action, action_owner
):
    _, content = page(client, scrutiny_member, action)
    assert "Head of Service" in content
    assert action_owner.full_name not in content
    assert action_owner.email not in content


def test_it_shows_scrutiny_members_no_evidence(client, scrutiny_member, action):
    _, content = page(client, scrutiny_member, action)
    assert "Supervision audit" not in content
    assert "x.example" not in content


def test_it_shows_scrutiny_members_no_edit_controls(client, scrutiny_member, action):
    _, content = page(client, scrutiny_member, action)
    assert controls(content, action) == []


def test_it_hides_findings_of_unpublished_letters_from_scrutiny_members(
    client, scrutiny_member, action
):
    unpublished = factories.VisitFactory(is_published=False, published_on=None)
    action.findings.add(factories.FindingFactory(visit=unpublished, summary="Draft finding"))
    _, content = page(client, scrutiny_member, action)
    assert "Draft finding" not in content


def test_it_shows_the_improvement_team_edit_assign_and_delete(client, improvement_officer, action):
    _, content = page(client, improvement_officer, action)
    assert sorted(controls(content, action)) == sorted(
        f"/actions/{action.pk}/{word}/" for word in ["edit", "assign", "delete", "update"]
    )


def test_it_shows_the_owner_only_the_update_control(client, action_owner, action):
    _, content = page(client, action_owner, action)
    assert controls(content, action) == [f"/actions/{action.pk}/update/"]


def test_it_shows_a_senior_leader_sign_off_only_when_ready(client, senior_leader, action):
    _, content = page(client, senior_leader, action)
    assert controls(content, action) == []
    action.status, action.completed_on, action.impact = (
        Status.COMPLETED,
        timezone.localdate(),
        Impact.EVIDENCED,
    )
    action.save()
    _, content = page(client, senior_leader, action)
    assert controls(content, action) == [f"/actions/{action.pk}/sign-off/"]


def test_it_shows_who_signed_it_off(client, improvement_officer, senior_leader, action):
    action.status, action.completed_on, action.impact = (
        Status.COMPLETED,
        timezone.localdate(),
        Impact.EVIDENCED,
    )
    action.signed_off_by, action.signed_off_at = senior_leader, timezone.now()
    action.save()
    _, content = page(client, improvement_officer, action)
    assert "Signed off by Sam Leader" in content


def test_it_answers_404_for_an_action_that_does_not_exist(client, improvement_officer):
    client.force_login(improvement_officer)
    assert client.get("/actions/999999/").status_code == 404


def test_it_leaves_a_place_for_when_the_owner_was_last_reminded(
    client, improvement_officer, action
):
    _, content = page(client, improvement_officer, action)
    assert "Owner last reminded" in content


def test_it_does_not_tell_scrutiny_members_about_reminders(client, scrutiny_member, action):
    _, content = page(client, scrutiny_member, action)
    assert "Owner last reminded" not in content


def test_it_shows_when_the_owner_was_last_reminded(client, improvement_officer, action):
    from actions.models import ReminderDigest

    sent_at = timezone.make_aware(timezone.datetime(2025, 3, 4, 7, 0))
    ReminderDigest.objects.create(
        day=sent_at.date(),
        recipient=action.owner,
        address=action.owner.email,
        overdue=[action.pk],
        state=ReminderDigest.State.SENT,
        sent_at=sent_at,
    )
    _, content = page(client, improvement_officer, action)
    assert "4 March 2025, 07:00" in content


def test_it_shows_the_history_to_the_improvement_team(client, improvement_officer, action):
    _, content = page(client, improvement_officer, action)
    assert 'id="history"' in content


def test_it_shows_no_history_to_scrutiny_members(client, scrutiny_member, action):
    _, content = page(client, scrutiny_member, action)
    assert 'id="history"' not in content
