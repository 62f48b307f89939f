"""The improvement team decides, after the fact, whether scrutiny members see an
update: one shared by mistake is taken back in the service, recorded in their name,
where once only the admin could."""

import pytest
from django.test import Client
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db


def sharing_url(update):
    return reverse("actions:update_sharing", args=[update.pk])


def test_the_team_stops_sharing_an_update_shared_by_mistake(
    team, improvement_officer, scrutiny_member
):
    councillor = Client()
    councillor.force_login(scrutiny_member)
    update = factories.ActionUpdateFactory(
        shareable_with_scrutiny=True, note="Internal: a named child's case"
    )
    action_url = update.action.get_absolute_url()
    assert "Internal: a named child" in councillor.get(action_url).content.decode()

    response = team.post(sharing_url(update), {})

    assert response.status_code == 302
    update.refresh_from_db()
    assert not update.shareable_with_scrutiny
    assert update.history.latest().history_user == improvement_officer
    assert "Internal: a named child" not in councillor.get(action_url).content.decode()


def test_the_team_shares_an_update(team):
    update = factories.ActionUpdateFactory(shareable_with_scrutiny=False)

    team.post(sharing_url(update), {"shareable_with_scrutiny": "on"})

    update.refresh_from_db()
    assert update.shareable_with_scrutiny


def test_the_action_page_links_to_it_for_the_team_only(team, senior_leader):
    update = factories.ActionUpdateFactory()
    action_url = update.action.get_absolute_url()
    leader = Client()
    leader.force_login(senior_leader)

    assert sharing_url(update) in team.get(action_url).content.decode()
    assert sharing_url(update) not in leader.get(action_url).content.decode()


@pytest.mark.parametrize("fixture", ["scrutiny_member", "senior_leader", "action_owner"])
def test_nobody_else_may_change_it(client, request, fixture):
    person = request.getfixturevalue(fixture)
    update = factories.ActionUpdateFactory(
        action=factories.ImprovementActionFactory(owner=person), shareable_with_scrutiny=True
    )
    client.force_login(person)

    assert client.get(sharing_url(update)).status_code == 403
    assert client.post(sharing_url(update), {}).status_code == 403
    update.refresh_from_db()
    assert update.shareable_with_scrutiny
