"""The page where people manage their feed tokens: a key shown once and never
stored, revoking only after confirming, the history naming who did each, and
nobody seeing or revoking anyone else's token but the improvement team."""

import re

import pytest
from django.urls import reverse

from progress.models import FeedToken

from .. import factories

pytestmark = pytest.mark.django_db

LIST = reverse("progress:token_list")
CREATE = reverse("progress:token_create")


def revoke_url(token):
    return reverse("progress:token_revoke", args=[token.pk])


def shown_key(response):
    return re.search(r'id="token-key">([^<]+)<', response.content.decode()).group(1)


@pytest.fixture
def owner_client(client, action_owner):
    client.force_login(action_owner)
    return client


def test_it_shows_the_new_key_once(owner_client):
    response = owner_client.post(CREATE, {"purpose": "calendar", "label": "Outlook"})
    assert response.status_code == 200
    key = shown_key(response)
    assert len(key) >= 40
    assert f"?token={key}" in response.content.decode()
    assert key not in owner_client.get(LIST).content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_only_the_hash_of_the_key_is_stored(owner_client, action_owner):
    key = shown_key(owner_client.post(CREATE, {"purpose": "calendar"}))
    token = FeedToken.objects.get(user=action_owner)
    assert token.key_hash == FeedToken.hash_key(key)
    assert key not in token.key_hash
    history = token.history.get()
    assert not hasattr(history, "key_hash")


def test_the_new_key_opens_its_feed(client, owner_client):
    key = shown_key(owner_client.post(CREATE, {"purpose": "calendar"}))
    client.logout()
    assert client.get(reverse("progress:feed_calendar"), {"token": key}).status_code == 200


def test_making_a_token_is_recorded_with_who_made_it(owner_client, action_owner):
    owner_client.post(CREATE, {"purpose": "calendar"})
    history = FeedToken.history.get()
    assert history.history_type == "+"
    assert history.history_user == action_owner


def test_an_empty_form_says_what_is_missing(owner_client):
    response = owner_client.post(CREATE, {})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "Choose what the token is for" in response.content.decode()
    assert not FeedToken.objects.exists()


def test_someone_with_no_role_is_offered_only_a_calendar(owner_client):
    response = owner_client.post(CREATE, {"purpose": "data"})
    assert "Choose what the token is for" in response.content.decode()
    assert not FeedToken.objects.exists()


def test_a_scrutiny_member_may_not_make_a_token(client, scrutiny_member):
    client.force_login(scrutiny_member)
    response = client.post(CREATE, {"purpose": "data", "label": "Committee report"})
    assert response.status_code == 403
    assert not FeedToken.objects.exists()
    assert not FeedToken.history.exists()


def test_a_scrutiny_member_may_not_revoke_a_token_issued_to_them(client, scrutiny_member):
    token, _key = FeedToken.issue(scrutiny_member, "data")
    client.force_login(scrutiny_member)
    response = client.post(revoke_url(token), {"confirm": "yes"})
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.is_active


def test_the_list_shows_my_tokens_with_when_last_used(owner_client, action_owner):
    FeedToken.issue(action_owner, "calendar", "Outlook")
    FeedToken.issue(factories.UserFactory(), "calendar", "Someone else's")
    page = owner_client.get(LIST).content.decode()
    assert "Outlook" in page
    assert "Never" in page
    assert "Someone else&#x27;s" not in page


def test_opening_the_revoke_page_revokes_nothing(owner_client, action_owner):
    token, _key = FeedToken.issue(action_owner, "calendar")
    response = owner_client.get(revoke_url(token))
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.is_active


def test_confirming_revokes_with_history_naming_who(owner_client, action_owner):
    token, key = FeedToken.issue(action_owner, "calendar")
    response = owner_client.post(revoke_url(token))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    latest = token.history.first()
    assert latest.revoked_at is not None
    assert latest.history_user == action_owner
    assert FeedToken.find_active(key, "calendar") is None


def test_nobody_else_may_revoke_my_token(client, action_owner, senior_leader):
    token, _key = FeedToken.issue(action_owner, "calendar")
    client.force_login(senior_leader)
    assert client.get(revoke_url(token)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_the_improvement_team_may_revoke_anyone_s_token(client, action_owner, improvement_officer):
    token, _key = FeedToken.issue(action_owner, "calendar", "Lost laptop")
    client.force_login(improvement_officer)
    assert "Lost laptop" in client.get(LIST).content.decode()
    client.post(revoke_url(token))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.history.first().history_user == improvement_officer


def test_revoking_twice_says_so(owner_client, action_owner):
    token, _key = FeedToken.issue(action_owner, "calendar")
    owner_client.post(revoke_url(token))
    response = owner_client.post(revoke_url(token), follow=True)
    assert "already revoked" in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (LIST, CREATE):
        response = client.get(url)
        assert response.status_code == 302
        assert "sign-in" in response.url


def test_the_menu_marks_this_page_and_not_the_progress_views_as_current(owner_client):
    page = owner_client.get(LIST).content.decode()
    current = re.findall(r'aria-current="true">\s*<strong[^>]*>([^<]+)<', page)
    assert current == ["Feeds and downloads"]
