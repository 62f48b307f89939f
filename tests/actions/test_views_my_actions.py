"""My actions: the signed-in person's own actions, each linking to its update form."""

import datetime

import pytest
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db

URL = reverse("actions:my_actions")


def test_it_lists_only_the_persons_own_actions(client, action_owner):
    factories.ImprovementActionFactory(owner=action_owner, title="Mine")
    factories.ImprovementActionFactory(title="Someone else's")
    client.force_login(action_owner)
    content = client.get(URL).content.decode()
    assert "Mine" in content
    assert "Someone else&#x27;s" not in content


def test_it_links_each_action_to_its_update_form(client, action_owner):
    action = factories.ImprovementActionFactory(owner=action_owner)
    client.force_login(action_owner)
    content = client.get(URL).content.decode()
    assert f'href="{reverse("actions:action_update", args=[action.pk])}"' in content


def test_it_shows_rag_and_due_date(client, action_owner):
    factories.ImprovementActionFactory(
        owner=action_owner, due_date=datetime.date.today() - datetime.timedelta(days=2)
    )
    client.force_login(action_owner)
    content = client.get(URL).content.decode()
    assert 'class="govuk-tag app-rag--red">Red' in content
    assert "(overdue)" in content


def test_it_lists_the_most_urgent_first(client, action_owner):
    today = datetime.date.today()
    factories.ImprovementActionFactory(
        owner=action_owner, title="Green one", due_date=today + datetime.timedelta(days=90)
    )
    factories.ImprovementActionFactory(
        owner=action_owner, title="Red one", due_date=today - datetime.timedelta(days=1)
    )
    client.force_login(action_owner)
    content = client.get(URL).content.decode()
    assert content.index("Red one") < content.index("Green one")


def test_it_says_so_when_the_person_owns_nothing(client, action_owner):
    client.force_login(action_owner)
    assert "You do not own any actions." in client.get(URL).content.decode()


def test_it_sends_anonymous_people_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response.url
