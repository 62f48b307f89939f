"""A senior leader's sign-off that an action's impact is shown: only for senior
leaders, only on a completed action with evidenced impact, once, by POST."""

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Impact, ImprovementAction, Status

from .. import factories

pytestmark = pytest.mark.django_db


def ready(**kwargs):
    return factories.ImprovementActionFactory(
        status=Status.COMPLETED,
        completed_on=timezone.localdate(),
        impact=Impact.EVIDENCED,
        **kwargs,
    )


def url(action):
    return reverse("actions:action_sign_off", args=[action.pk])


def test_it_shows_the_confirmation_to_a_senior_leader(client, senior_leader):
    action = ready()
    client.force_login(senior_leader)
    response = client.get(url(action))
    assert response.status_code == 200
    assert "Sign off impact" in response.content.decode()


def test_it_changes_nothing_on_get(client, senior_leader):
    action = ready()
    client.force_login(senior_leader)
    client.get(url(action))
    action.refresh_from_db()
    assert action.signed_off_at is None


def test_it_signs_off_naming_the_leader(client, senior_leader):
    action = ready()
    client.force_login(senior_leader)
    response = client.post(url(action), {"confirm": "on"})
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert action.signed_off_by == senior_leader
    assert action.signed_off_at is not None
    latest = action.history.latest("history_id")
    assert latest.history_user == senior_leader
    assert latest.signed_off_by == senior_leader


def test_it_asks_the_leader_to_confirm(client, senior_leader):
    action = ready()
    client.force_login(senior_leader)
    before = ImprovementAction.history.count()
    response = client.post(url(action), {})
    content = response.content.decode()
    assert "<title>Error: " in content
    assert "Confirm that you have seen evidence of the action&#x27;s impact" in content
    assert ImprovementAction.history.count() == before


@pytest.mark.parametrize(
    "state",
    [
        {"status": Status.IN_PROGRESS, "impact": Impact.EVIDENCED},
        {"status": Status.COMPLETED, "impact": Impact.EMERGING},
    ],
    ids=["not-completed", "impact-not-evidenced"],
)
def test_it_refuses_an_action_that_is_not_ready(client, senior_leader, state):
    completed_on = timezone.localdate() if state["status"] == Status.COMPLETED else None
    action = factories.ImprovementActionFactory(completed_on=completed_on, **state)
    client.force_login(senior_leader)
    before = ImprovementAction.history.count()
    assert client.post(url(action), {"confirm": "on"}).status_code == 403
    assert ImprovementAction.history.count() == before


def test_it_refuses_a_second_sign_off(client, senior_leader):
    first = factories.UserFactory(role="Senior leader")
    action = ready(signed_off_by=first, signed_off_at=timezone.now())
    client.force_login(senior_leader)
    assert client.post(url(action), {"confirm": "on"}).status_code == 403
    action.refresh_from_db()
    assert action.signed_off_by == first


@pytest.mark.parametrize("role", ["improvement_officer", "scrutiny_member", "action_owner"])
def test_it_refuses_everyone_but_senior_leaders(client, request, role):
    user = request.getfixturevalue(role)
    action = ready(owner=user)
    client.force_login(user)
    before = ImprovementAction.history.count()
    assert client.get(url(action)).status_code == 403
    assert client.post(url(action), {"confirm": "on"}).status_code == 403
    assert ImprovementAction.history.count() == before
