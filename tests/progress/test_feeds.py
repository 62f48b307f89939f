"""The JSON feeds: a token opens them and nothing else does (a revoked one, an
unknown one, a switched-off person's, a signed-in session), each token sees what
its owner may see, and pages link to the next."""

import pytest
from django.urls import reverse

from progress import views_exports
from progress.models import FeedToken

from .. import factories
from .export_data import add_actions, build_world, grow_every_table, queries_for

pytestmark = pytest.mark.django_db

DATA = FeedToken.Purpose.DATA_FEED
FEEDS = ["progress:feed_actions", "progress:feed_findings", "progress:feed_ratings"]


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def issue(user, purpose=DATA):
    _token, key = FeedToken.issue(user, purpose)
    return key


@pytest.mark.parametrize("name", FEEDS)
def test_an_active_token_in_the_header_opens_the_feed(client, improvement_officer, name):
    build_world()
    response = client.get(reverse(name), **bearer(issue(improvement_officer)))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] >= 1


def test_an_active_token_in_the_address_opens_the_feed(client, improvement_officer):
    build_world()
    key = issue(improvement_officer)
    response = client.get(reverse("progress:feed_actions"), {"token": key})
    assert [row["reference"] for row in response.json()["results"]] == ["A-001"]


def test_a_revoked_token_is_refused(client, improvement_officer):
    build_world()
    token, key = FeedToken.issue(improvement_officer, DATA)
    token.revoked_at = token.created_at
    token.save()
    response = client.get(reverse("progress:feed_actions"), **bearer(key))
    assert response.status_code == 401
    assert "results" not in response.json()


def test_an_unknown_token_is_refused(client, improvement_officer):
    issue(improvement_officer)
    response = client.get(reverse("progress:feed_findings"), **bearer("not-a-real-key"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_token_of_someone_switched_off_is_refused(client, improvement_officer):
    key = issue(improvement_officer)
    improvement_officer.is_active = False
    improvement_officer.save()
    assert client.get(reverse("progress:feed_ratings"), **bearer(key)).status_code == 401


def test_a_calendar_token_does_not_open_a_data_feed(client, improvement_officer):
    key = issue(improvement_officer, FeedToken.Purpose.CALENDAR)
    assert client.get(reverse("progress:feed_actions"), **bearer(key)).status_code == 401


@pytest.mark.parametrize("name", FEEDS)
def test_a_signed_in_session_alone_does_not_open_a_feed(client, improvement_officer, name):
    build_world()
    client.force_login(improvement_officer)
    response = client.get(reverse(name))
    assert response.status_code == 401
    assert "results" not in response.json()


def test_a_feed_only_reads(client, improvement_officer):
    key = issue(improvement_officer)
    assert client.post(reverse("progress:feed_actions"), **bearer(key)).status_code == 405


def test_using_a_token_records_when(client, improvement_officer):
    token, key = FeedToken.issue(improvement_officer, DATA)
    client.get(reverse("progress:feed_actions"), **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_someone_with_no_role_is_refused_a_feed_they_may_not_read(client, action_owner):
    build_world()
    response = client.get(reverse("progress:feed_findings"), **bearer(issue(action_owner)))
    assert response.status_code == 403
    assert "results" not in response.json()


# What a councillor's token sees


def test_a_scrutiny_token_sees_only_published_findings(client, scrutiny_member):
    build_world()
    response = client.get(reverse("progress:feed_findings"), **bearer(issue(scrutiny_member)))
    assert [row["summary"] for row in response.json()["results"]] == ["Published finding"]


def test_a_scrutiny_token_sees_only_published_ratings(client, scrutiny_member):
    build_world()
    response = client.get(reverse("progress:feed_ratings"), **bearer(issue(scrutiny_member)))
    assert [row["commentary"] for row in response.json()["results"]] == ["Published rating"]


def test_a_scrutiny_token_sees_no_address_and_no_internal_update(client, scrutiny_member):
    world = build_world()
    response = client.get(reverse("progress:feed_actions"), **bearer(issue(scrutiny_member)))
    [row] = response.json()["results"]
    assert "owner_email" not in row
    assert row["owner"] == "Head of Service"
    assert row["latest_update"] == "Shared progress note"
    assert world.owner.email not in response.content.decode()
    assert "Internal worry" not in response.content.decode()


def test_an_officer_token_sees_unpublished_findings(client, senior_leader):
    build_world()
    response = client.get(reverse("progress:feed_findings"), **bearer(issue(senior_leader)))
    summaries = {row["summary"] for row in response.json()["results"]}
    assert summaries == {"Published finding", "Unpublished finding"}


# Pages and filters


def test_it_links_to_the_next_page_keeping_the_query(client, improvement_officer, monkeypatch):
    monkeypatch.setattr(views_exports, "FEED_PAGE_SIZE", 2)
    add_actions(5)
    key = issue(improvement_officer)
    url = reverse("progress:feed_actions")
    seen, page = [], client.get(url, {"token": key, "sort": "-due_date"}).json()
    while True:
        seen.extend(row["reference"] for row in page["results"])
        if not page["next"]:
            break
        assert "sort=-due_date" in page["next"]
        page = client.get(page["next"]).json()
    assert page["count"] == 5
    assert len(seen) == len(set(seen)) == 5


def test_a_page_past_the_end_is_not_found(client, improvement_officer):
    response = client.get(
        reverse("progress:feed_actions"), {"page": 9}, **bearer(issue(improvement_officer))
    )
    assert response.status_code == 404


def test_the_actions_feed_takes_the_lists_filters(client, improvement_officer):
    build_world()
    factories.ImprovementActionFactory(reference="A-002", title="Recruit managers")
    response = client.get(
        reverse("progress:feed_actions"), {"q": "recruit"}, **bearer(issue(improvement_officer))
    )
    assert [row["reference"] for row in response.json()["results"]] == ["A-002"]


def test_dates_are_iso_and_links_absolute(client, improvement_officer):
    world = build_world()
    response = client.get(reverse("progress:feed_actions"), **bearer(issue(improvement_officer)))
    [row] = response.json()["results"]
    assert row["due_date"] == world.action.due_date.isoformat()
    assert row["url"] == f"http://testserver{world.action.get_absolute_url()}"


@pytest.mark.parametrize("name", FEEDS)
def test_the_queries_do_not_grow_with_the_rows(client, improvement_officer, name):
    key = issue(improvement_officer)
    grow_every_table(3)
    few = queries_for(client, reverse(name), **bearer(key))
    grow_every_table(30)
    many = queries_for(client, reverse(name), **bearer(key))
    assert few == many
