"""The Django admin is a system administrator's tool: nobody else may open any of it,
and even there what only a workflow may write cannot be written.

The URL walk (tests/test_url_walk.py) requests every admin page as every role;
these tests say the same about the records an old demo database made visible.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER
from actions.models import ActionUpdate, Impact, ImprovementAction, Status

from .. import factories
from ..post_data import admin_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished_visit():
    inspection = factories.InspectionFactory()
    return factories.VisitFactory(
        authority=inspection.authority,
        follows=inspection,
        is_published=False,
        published_on=None,
        letter_text="Internal: the letter is not published yet",
    )


def admin_urls_of(visit):
    version = visit.history.first().history_id
    return [
        reverse("admin:index"),
        reverse("admin:inspections_visit_changelist"),
        reverse("admin:inspections_visit_change", args=[visit.pk]),
        reverse("admin:inspections_visit_history", args=[visit.pk]),
        reverse("admin:inspections_visit_simple_history", args=[visit.pk, version]),
        reverse("admin:actions_actionupdate_changelist"),
    ]


@pytest.mark.parametrize("role", [SCRUTINY_MEMBER, IMPROVEMENT_TEAM, SENIOR_LEADER, None], ids=str)
def test_it_refuses_everyone_but_a_system_administrator_even_if_staff(
    client, role, unpublished_visit
):
    # Staff, with every permission of their role, as an older demo database left them.
    person = factories.UserFactory(role=role, is_staff=True)
    client.force_login(person)

    for url in admin_urls_of(unpublished_visit):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Internal: the letter" not in response.content.decode()
        assert client.post(url, {"letter_text": "changed"}).status_code == 403, url
    unpublished_visit.refresh_from_db()
    assert unpublished_visit.letter_text == "Internal: the letter is not published yet"


def test_it_sends_people_signed_out_to_the_services_sign_in_page(client, unpublished_visit):
    for url in admin_urls_of(unpublished_visit):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:sign_in")), url


def test_it_opens_to_a_system_administrator(client, superuser, unpublished_visit):
    client.force_login(superuser)

    for url in admin_urls_of(unpublished_visit):
        assert client.get(url).status_code == 200, url


def test_an_inactive_superuser_may_not_use_it(client, superuser):
    superuser.is_active = False
    superuser.save()
    client.force_login(superuser)

    assert client.get(reverse("admin:index")).status_code != 200


# What only a workflow writes ------------------------------------------------------


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_a_sign_off_cannot_be_forged_in_the_admin(admin_client, senior_leader):
    action = factories.ImprovementActionFactory(
        status=Status.COMPLETED, completed_on=datetime.date(2024, 3, 1), impact=Impact.EVIDENCED
    )
    data = admin_data(
        action,
        signed_off_by=senior_leader.pk,
        signed_off_at="2024-03-02 10:00:00",
        reference="A-999",
    )

    response = admin_client.post(
        reverse("admin:actions_improvementaction_change", args=[action.pk]), data
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.signed_off_by, action.signed_off_at) == (None, None)
    assert action.reference != "A-999"


def test_an_update_added_in_the_admin_is_in_the_adders_name_at_the_time_they_add_it(
    admin_client, superuser, action_owner
):
    action = factories.ImprovementActionFactory(owner=action_owner)
    update = factories.ActionUpdateFactory.build(action=action, author=action_owner)
    backdated = "2020-01-01 09:00:00"

    response = admin_client.post(
        reverse("admin:actions_actionupdate_add"),
        admin_data(update, author=action_owner.pk, created_at=backdated, note="Forged note"),
    )

    assert response.status_code == 302
    added = ActionUpdate.objects.get(note="Forged note")
    assert added.author == superuser
    assert timezone.now() - added.created_at < datetime.timedelta(minutes=1)


def test_an_updates_author_time_and_action_cannot_be_changed_in_the_admin(
    admin_client, action_owner
):
    update = factories.ActionUpdateFactory(author=action_owner)
    other_action = factories.ImprovementActionFactory()
    written_at = update.created_at

    response = admin_client.post(
        reverse("admin:actions_actionupdate_change", args=[update.pk]),
        admin_data(
            update,
            author=factories.UserFactory().pk,
            created_at="2020-01-01 09:00:00",
            action=other_action.pk,
            note="Corrected note",
        ),
    )

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.note == "Corrected note"
    assert (update.author, update.created_at, update.action) == (
        action_owner,
        written_at,
        update.action,
    )
    assert update.action != other_action


def test_the_actions_page_cannot_add_an_update_in_another_officers_name(admin_client, action_owner):
    action = factories.ImprovementActionFactory(owner=action_owner)
    data = admin_data(action)
    data.update(
        {
            "updates-TOTAL_FORMS": "1",
            "updates-0-author": str(action_owner.pk),
            "updates-0-created_at_0": "01/01/2020",
            "updates-0-created_at_1": "09:00:00",
            "updates-0-note": "Written in the owner's name",
            "updates-0-action": str(action.pk),
        }
    )

    admin_client.post(reverse("admin:actions_improvementaction_change", args=[action.pk]), data)

    assert not ActionUpdate.objects.filter(note="Written in the owner's name").exists()


def test_a_past_version_cannot_be_written_back_from_the_admin(admin_client, senior_leader):
    """Reverting to a signed-off version would sign off again without a sign-off."""
    action = factories.ImprovementActionFactory(
        status=Status.COMPLETED, completed_on=datetime.date(2024, 3, 1), impact=Impact.EVIDENCED
    )
    action.signed_off_by, action.signed_off_at = senior_leader, timezone.now()
    action.save()
    signed = action.history.first().history_id
    action.signed_off_by = action.signed_off_at = None
    action.save()

    admin_client.post(
        reverse("admin:actions_improvementaction_simple_history", args=[action.pk, signed]),
        admin_data(ImprovementAction.objects.get(pk=action.pk)),
    )

    action.refresh_from_db()
    assert action.signed_off_by is None


# People in the admin keep the service's rules ---------------------------------------


def test_the_admin_cannot_make_an_action_owner_a_councillor(admin_client, action_owner):
    factories.ImprovementActionFactory(owner=action_owner)
    scrutiny = Group.objects.get(name=SCRUTINY_MEMBER)
    data = admin_data(action_owner, groups=[scrutiny.pk])
    data.pop("password", None)

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[action_owner.pk]), data
    )

    assert response.status_code == 200
    assert "owns 1 improvement action" in response.content.decode()
    assert not action_owner.groups.exists()


def test_the_admins_owner_search_offers_no_councillors(admin_client, scrutiny_member):
    officer = factories.UserFactory(full_name="Cara Officer")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "actions",
            "model_name": "improvementaction",
            "field_name": "owner",
            "term": "Cara",
        },
    )

    offered = {int(result["id"]) for result in response.json()["results"]}
    assert officer.pk in offered
    assert scrutiny_member.pk not in offered


def test_the_admin_refuses_a_councillor_as_an_actions_owner(admin_client, scrutiny_member):
    action = factories.ImprovementActionFactory()

    response = admin_client.post(
        reverse("admin:actions_improvementaction_change", args=[action.pk]),
        admin_data(action, owner=scrutiny_member.pk),
    )

    assert response.status_code == 200
    assert "scrutiny members cannot own actions" in response.content.decode()
    action.refresh_from_db()
    assert action.owner != scrutiny_member
