"""Adding, editing, assigning and deleting actions: the improvement team may, with
every change in the history under their name; nobody else may, and a refused
request changes nothing."""

import datetime

import pytest
from django.urls import reverse

from actions.models import ActionUpdate, Evidence, ImprovementAction, Status

from .. import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("actions:action_create")


def history_counts():
    return (
        ImprovementAction.history.count(),
        ActionUpdate.history.count(),
        Evidence.history.count(),
    )


def date_boxes(name, value):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def action_data(**overrides):
    data = {
        "title": "Audit every child protection plan",
        "priority": "1",
        "status": Status.NOT_STARTED,
        "impact": "not_evidenced",
        **date_boxes("due_date", datetime.date(2030, 3, 31)),
    }
    data.update(overrides)
    return data


def test_it_shows_the_add_form_to_the_improvement_team(team):
    response = team.get(CREATE)
    assert response.status_code == 200
    assert 'name="due_date_0"' in response.content.decode()


def test_it_adds_an_action_with_an_owner_findings_and_areas(
    team, improvement_officer, action_owner
):
    finding = factories.FindingFactory()
    area = factories.AreaOfConcernFactory()
    response = team.post(
        CREATE,
        action_data(owner=action_owner.pk, findings=[finding.pk], areas=[area.pk]),
    )
    action = ImprovementAction.objects.get()
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    assert action.reference == "A-001"
    assert action.owner == action_owner
    assert list(action.findings.all()) == [finding]
    assert list(action.areas.all()) == [area]
    assert action.due_date == datetime.date(2030, 3, 31)
    assert {row.history_user for row in action.history.all()} == {improvement_officer}


def test_it_prefills_findings_and_areas_named_in_the_link(team):
    finding = factories.FindingFactory()
    response = team.get(CREATE, {"findings": [finding.pk, "x"]})
    assert response.context["form"].initial["findings"] == [str(finding.pk)]


def test_it_shows_the_error_summary_and_saves_nothing_when_the_date_is_wrong(team):
    before = history_counts()
    response = team.post(CREATE, action_data(due_date_0="31", due_date_1="2"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in content
    assert "There is a problem" in content
    assert "must be a real date" in content
    assert ImprovementAction.objects.count() == 0
    assert history_counts() == before


def test_it_asks_for_the_completion_date_of_a_completed_action(team):
    response = team.post(CREATE, action_data(status=Status.COMPLETED))
    assert "Enter the date the action was completed" in response.content.decode()
    assert ImprovementAction.objects.count() == 0


def test_it_refuses_a_due_date_before_the_start_date(team):
    response = team.post(CREATE, action_data(**date_boxes("start_date", datetime.date(2030, 4, 1))))
    assert "The due date cannot be before the start date." in response.content.decode()
    assert ImprovementAction.objects.count() == 0


@pytest.mark.parametrize("role", ["scrutiny_member", "senior_leader", "action_owner"])
def test_it_refuses_to_add_for_anyone_else(client, request, role):
    client.force_login(request.getfixturevalue(role))
    before = history_counts()
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, action_data()).status_code == 403
    assert history_counts() == before


def test_it_edits_an_action(team, improvement_officer):
    action = factories.ImprovementActionFactory(title="Old title")
    data = action_data(title="New title", owner=action.owner.pk)
    response = team.post(reverse("actions:action_edit", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "New title"
    assert action.history.latest("history_id").history_user == improvement_officer


@pytest.mark.parametrize("role", ["scrutiny_member", "senior_leader", "action_owner"])
def test_it_refuses_to_edit_for_anyone_else_even_the_owner(client, request, role):
    user = request.getfixturevalue(role)
    action = factories.ImprovementActionFactory(owner=user, title="Old title")
    client.force_login(user)
    before = history_counts()
    url = reverse("actions:action_edit", args=[action.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, action_data(title="New title")).status_code == 403
    action.refresh_from_db()
    assert action.title == "Old title"
    assert history_counts() == before


def test_it_assigns_an_owner(team, improvement_officer, action_owner):
    action = factories.ImprovementActionFactory(owner=None)
    url = reverse("actions:action_assign", args=[action.pk])
    response = team.post(url, {"owner": action_owner.pk})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner == action_owner
    assert action.history.latest("history_id").history_user == improvement_officer


def test_it_asks_who_to_assign(team):
    action = factories.ImprovementActionFactory(owner=None)
    response = team.post(reverse("actions:action_assign", args=[action.pk]), {})
    assert "Choose who owns this action" in response.content.decode()


def test_it_refuses_a_scrutiny_member_assigning(client, scrutiny_member, action_owner):
    action = factories.ImprovementActionFactory(owner=None)
    client.force_login(scrutiny_member)
    before = history_counts()
    response = client.post(
        reverse("actions:action_assign", args=[action.pk]), {"owner": action_owner.pk}
    )
    assert response.status_code == 403
    assert history_counts() == before


def test_it_asks_before_deleting(team):
    action = factories.ImprovementActionFactory()
    factories.ActionUpdateFactory(action=action)
    response = team.get(reverse("actions:action_delete", args=[action.pk]))
    content = response.content.decode()
    assert "Are you sure you want to delete" in content
    assert "1 progress update" in content
    assert ImprovementAction.objects.count() == 1


def test_it_deletes_on_confirmation_with_the_cascade_in_history(team, improvement_officer):
    action = factories.ImprovementActionFactory()
    factories.ActionUpdateFactory(action=action)
    response = team.post(reverse("actions:action_delete", args=[action.pk]))
    assert response.status_code == 302
    assert response.url == reverse("actions:action_list")
    assert ImprovementAction.objects.count() == 0
    deleted = ActionUpdate.history.filter(history_type="-").get()
    assert deleted.history_user == improvement_officer


@pytest.mark.parametrize("role", ["scrutiny_member", "senior_leader", "action_owner"])
def test_it_refuses_to_delete_for_anyone_else(client, request, role):
    user = request.getfixturevalue(role)
    action = factories.ImprovementActionFactory(owner=user)
    client.force_login(user)
    before = history_counts()
    assert client.post(reverse("actions:action_delete", args=[action.pk])).status_code == 403
    assert ImprovementAction.objects.filter(pk=action.pk).exists()
    assert history_counts() == before


def test_it_saves_an_action_whose_owner_has_since_left(team):
    leaver = factories.UserFactory(is_active=False)
    action = factories.ImprovementActionFactory(owner=leaver, title="Old title")
    data = action_data(title="New title", owner=leaver.pk)
    response = team.post(reverse("actions:action_edit", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner) == ("New title", leaver)


def test_it_offers_no_one_who_has_left_as_a_new_owner(team):
    leaver = factories.UserFactory(is_active=False, full_name="Lee Leaver")
    action = factories.ImprovementActionFactory()
    response = team.get(reverse("actions:action_assign", args=[action.pk]))
    assert "Lee Leaver" not in response.content.decode()
    assert leaver.pk
