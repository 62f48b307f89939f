"""People choose whether their daily reminder lists actions due soon; councillors,
read-only everywhere, cannot change even that."""

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:preferences")


def test_it_lets_an_owner_switch_off_due_soon_reminders(client, action_owner):
    client.force_login(action_owner)
    response = client.post(URL, {})  # an unticked box sends nothing
    assert response.status_code == 302
    action_owner.refresh_from_db()
    assert action_owner.reminders_due_soon is False


def test_it_records_the_change_in_history_naming_the_person(client, action_owner):
    client.force_login(action_owner)
    client.post(URL, {})
    latest = User.history.filter(id=action_owner.pk).latest("history_date")
    assert latest.history_user_id == action_owner.pk
    assert latest.reminders_due_soon is False


def test_it_lets_them_switch_it_back_on(client, action_owner):
    User.objects.filter(pk=action_owner.pk).update(reminders_due_soon=False)
    client.force_login(action_owner)
    client.post(URL, {"reminders_due_soon": "on"})
    action_owner.refresh_from_db()
    assert action_owner.reminders_due_soon is True


def test_it_shows_the_current_choice(client, action_owner):
    client.force_login(action_owner)
    page = client.get(URL).content.decode()
    assert 'name="reminders_due_soon"' in page
    assert "checked" in page


def test_it_refuses_a_scrutiny_member_and_changes_nothing(client, scrutiny_member):
    client.force_login(scrutiny_member)
    rows_before = User.history.count()
    assert client.get(URL).status_code == 403
    assert client.post(URL, {}).status_code == 403
    scrutiny_member.refresh_from_db()
    assert scrutiny_member.reminders_due_soon is True
    assert User.history.count() == rows_before


def test_it_sends_signed_out_people_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]

