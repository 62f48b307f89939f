"""A sign-off takes an optional comment, and a senior leader can withdraw a sign-off
with a reason: both are kept in the action's history with who did it and shown on
the action's page; a councillor sees a withdrawn sign-off as not signed off, and
only senior leaders may withdraw one."""

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


def signed_off(leader, comment=""):
    action = ready()
    action.signed_off_by = leader
    action.signed_off_at = timezone.now()
    action.sign_off_comment = comment
    action.save()
    return action


def withdraw_url(action):
    return reverse("actions:action_withdraw_sign_off", args=[action.pk])


def page(client, action):
    return client.get(action.get_absolute_url()).content.decode()


def test_a_sign_off_keeps_its_comment_in_history_and_on_the_page(client, senior_leader):
    action = ready()
    client.force_login(senior_leader)
    response = client.post(
        reverse("actions:action_sign_off", args=[action.pk]),
        {"confirm": "on", "comment": "  The audit of 40 case files shows the change.  "},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.sign_off_comment == "The audit of 40 case files shows the change."
    latest = action.history.latest("history_id")
    assert latest.history_user == senior_leader
    assert latest.sign_off_comment == action.sign_off_comment
    assert "The audit of 40 case files shows the change." in page(client, action)


def test_a_sign_off_needs_no_comment(client, senior_leader):
    action = ready()
    client.force_login(senior_leader)
    client.post(reverse("actions:action_sign_off", args=[action.pk]), {"confirm": "on"})
    action.refresh_from_db()
    assert action.signed_off_by == senior_leader
    assert action.sign_off_comment == ""


def test_a_leader_withdraws_a_sign_off_with_a_reason(client, senior_leader):
    action = signed_off(factories.UserFactory(full_name="Sam Earlier"), "Looked good")
    client.force_login(senior_leader)
    assert client.get(withdraw_url(action)).status_code == 200
    response = client.post(withdraw_url(action), {"reason": "The re-audit found no change."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.signed_off_at is None and action.signed_off_by is None
    assert action.sign_off_withdrawn_by == senior_leader
    assert action.sign_off_withdrawal_reason == "The re-audit found no change."
    latest = action.history.latest("history_id")
    assert latest.history_user == senior_leader
    assert latest.sign_off_withdrawal_reason == "The re-audit found no change."
    # The sign-off it replaced is still in the history.
    assert action.history.filter(sign_off_comment="Looked good").exists()
    html = page(client, action)
    assert "Not signed off" in html
    assert "The re-audit found no change." in html
    assert f"withdrawn by {senior_leader.full_name}" in html
    # Ready to be signed off again.
    assert reverse("actions:action_sign_off", args=[action.pk]) in html


def test_a_withdrawal_with_no_reason_is_refused_in_gov_uk_words(client, senior_leader):
    action = signed_off(senior_leader)
    rows = action.history.count()
    client.force_login(senior_leader)
    response = client.post(withdraw_url(action), {"reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter why you are withdrawing the sign-off" in html
    assert "<title>Error: " in html
    action.refresh_from_db()
    assert action.signed_off_by == senior_leader
    assert action.history.count() == rows


def test_a_councillor_sees_a_withdrawn_sign_off_as_not_signed_off(
    client, senior_leader, scrutiny_member
):
    action = signed_off(senior_leader)
    client.force_login(senior_leader)
    client.post(withdraw_url(action), {"reason": "Internal: the re-audit found no change."})
    client.force_login(scrutiny_member)
    html = page(client, action)
    assert "Not signed off" in html
    assert "Signed off by" not in html
    assert "Withdraw the sign-off" not in html


def test_only_a_senior_leader_may_withdraw(client, scrutiny_member, improvement_officer):
    action = signed_off(factories.UserFactory())
    owner = action.owner
    for person in (scrutiny_member, improvement_officer, owner):
        client.force_login(person)
        assert client.get(withdraw_url(action)).status_code == 403, person
        assert client.post(withdraw_url(action), {"reason": "No"}).status_code == 403, person
    action.refresh_from_db()
    assert action.signed_off_at is not None


def test_an_action_not_signed_off_has_nothing_to_withdraw(client, senior_leader):
    action = ready()
    client.force_login(senior_leader)
    assert client.post(withdraw_url(action), {"reason": "No"}).status_code == 403
    assert ImprovementAction.objects.get(pk=action.pk).sign_off_withdrawn_at is None


def test_the_leader_sees_the_withdraw_button_only_on_a_signed_off_action(client, senior_leader):
    client.force_login(senior_leader)
    assert "Withdraw the sign-off" in page(client, signed_off(senior_leader))
    assert "Withdraw the sign-off" not in page(client, ready())
