"""Who may do what is on the record: roles are given and removed on a person's roles
page, by the officers who hold ``manage_roles`` (and system administrators), never
by anyone for themselves, and every grant reads in the history as a sentence."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.audit import acting_as
from accounts.granting import RolesRefused, manage_roles_permission, set_roles
from accounts.history import AuditLog, changes_for, rows_of
from accounts.models import User
from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    """The officer who leads the improvement work: she gives and removes roles."""
    person = factories.UserFactory(role=IMPROVEMENT_TEAM, full_name="Priya Lead")
    person.user_permissions.add(manage_roles_permission())
    return person


@pytest.fixture
def officer(db):
    return factories.UserFactory(full_name="Dominic Officer", job_title="Head of Service")


def roles_url(person):
    return reverse("accounts:person_roles", args=[person.pk])


def history_sentences(person):
    return [
        sentence
        for change in changes_for(rows_of(User, person.pk))
        for field in change.fields
        for sentence in field.sentences
    ]


def test_the_lead_gives_a_role_and_it_is_recorded_in_her_name(client, lead, officer):
    client.force_login(lead)

    response = client.post(roles_url(officer), {"roles": [SENIOR_LEADER]})

    assert response.status_code == 302
    assert list(officer.groups.values_list("name", flat=True)) == [SENIOR_LEADER]
    newest = User.history.filter(id=officer.pk).latest()
    assert newest.history_user == lead
    assert "Priya Lead gave Dominic Officer the role Senior leader" in history_sentences(officer)


def test_removing_a_role_reads_as_a_removal(client, lead, officer):
    officer.groups.add(Group.objects.get(name=SENIOR_LEADER))
    client.force_login(lead)

    client.post(roles_url(officer), {"roles": []})

    assert not officer.groups.exists()
    assert "Priya Lead removed the role Senior leader from Dominic Officer" in (
        history_sentences(officer)
    )


def test_the_audit_log_and_the_persons_page_say_who_gave_what(client, lead, officer):
    client.force_login(lead)
    client.post(roles_url(officer), {"roles": [IMPROVEMENT_TEAM]})

    log = client.get(reverse("accounts:audit_log")).content.decode()
    person_page = client.get(officer.get_absolute_url()).content.decode()
    csv_export = b"".join(client.get(reverse("accounts:audit_log_csv")).streaming_content)

    sentence = "Priya Lead gave Dominic Officer the role Improvement team"
    assert sentence in log
    assert sentence in person_page
    assert sentence in csv_export.decode("utf-8-sig")


def test_a_role_given_from_the_roles_side_is_recorded_on_the_person(lead, officer):
    role = Group.objects.get(name=SENIOR_LEADER)
    acting_as(role, lead)

    role.user_set.add(officer)
    role.user_set.remove(officer)

    sentences = history_sentences(officer)
    assert "Priya Lead gave Dominic Officer the role Senior leader" in sentences
    assert "Priya Lead removed the role Senior leader from Dominic Officer" in sentences


def test_changing_what_a_role_may_do_is_recorded(lead):
    role = Group.objects.get(name=SENIOR_LEADER)
    permission = Permission.objects.get(codename="delete_finding")
    acting_as(role, lead)

    role.permissions.add(permission)
    acting_as(role, lead)
    role.permissions.remove(permission)

    changes = [change for change in AuditLog()[0:10] if change.model is Group]
    said = [
        sentence
        for change in changes
        if change.who == "Priya Lead"
        for f in change.fields
        for sentence in f.sentences
    ]
    # Only what changed: the role's first row, written when the history of roles
    # began, holds what it could do before.
    assert said == [
        "Priya Lead took the permission “Can delete finding” from the role Senior leader",
        "Priya Lead gave the role Senior leader the permission “Can delete finding”",
    ]
    assert {change.record_kind for change in changes} == {"Role"}
    assert "first recorded" in {change.kind for change in changes}


def test_a_role_change_that_changes_nothing_writes_no_history(client, lead, officer):
    officer.groups.add(Group.objects.get(name=SENIOR_LEADER))
    rows = User.history.filter(id=officer.pk).count()
    client.force_login(lead)

    response = client.post(roles_url(officer), {"roles": [SENIOR_LEADER]}, follow=True)

    assert User.history.filter(id=officer.pk).count() == rows
    assert "Nothing changed" in response.content.decode()


# Who may grant ------------------------------------------------------------------------


def test_nobody_changes_their_own_roles(client, lead, superuser):
    for person in (lead, superuser):
        client.force_login(person)
        assert client.get(roles_url(person)).status_code == 403
        assert client.post(roles_url(person), {"roles": [SENIOR_LEADER]}).status_code == 403
    assert not superuser.groups.exists()


@pytest.mark.parametrize("fixture", ["improvement_officer", "senior_leader", "scrutiny_member"])
def test_only_those_who_manage_roles_may_grant(client, request, fixture, officer):
    person = request.getfixturevalue(fixture)
    client.force_login(person)

    assert client.get(roles_url(officer)).status_code == 403
    assert client.post(roles_url(officer), {"roles": [IMPROVEMENT_TEAM]}).status_code == 403
    assert not officer.groups.exists()


def test_a_system_administrators_roles_are_changed_by_a_system_administrator_only(
    client, lead, superuser
):
    client.force_login(lead)

    assert client.get(roles_url(superuser)).status_code == 403
    assert client.get(reverse("accounts:person_update", args=[superuser.pk])).status_code == 403


def test_only_a_system_administrator_may_let_someone_give_roles(client, lead, superuser, officer):
    client.force_login(lead)
    client.post(roles_url(officer), {"roles": [IMPROVEMENT_TEAM], "manages_roles": "on"})
    assert not officer.has_perm("accounts.manage_roles")
    assert "They may give and remove roles" not in client.get(roles_url(officer)).content.decode()

    client.force_login(superuser)
    client.post(roles_url(officer), {"roles": [IMPROVEMENT_TEAM], "manages_roles": "on"})

    officer = User.objects.get(pk=officer.pk)
    assert officer.has_perm("accounts.manage_roles")
    assert (
        "Ada Admin gave Dominic Officer the permission “Can give and remove roles”"
        in history_sentences(officer)
    )


# What may be granted ------------------------------------------------------------------


def test_a_scrutiny_member_holds_no_other_role(client, lead, officer):
    client.force_login(lead)
    rows = User.history.filter(id=officer.pk).count()

    response = client.post(roles_url(officer), {"roles": [SCRUTINY_MEMBER, SENIOR_LEADER]})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "<title>Error: " in page
    assert "A scrutiny member cannot hold any other role" in page
    assert not officer.groups.exists()
    assert User.history.filter(id=officer.pk).count() == rows


def test_an_action_owner_cannot_be_made_a_councillor(client, lead, officer):
    """Someone who owns actions is refused the councillor's role until their actions
    are given to another officer: a councillor is never reminded of one, and could
    not post progress on it."""
    factories.ImprovementActionFactory(owner=officer)
    factories.ImprovementActionFactory(owner=officer)
    client.force_login(lead)

    response = client.post(roles_url(officer), {"roles": [SCRUTINY_MEMBER]})

    assert "Dominic Officer owns 2 improvement actions. Give them to another officer" in (
        response.content.decode()
    )
    assert not officer.groups.exists()


def test_a_line_manager_cannot_be_made_a_councillor(lead, officer):
    factories.UserFactory(line_manager=officer)

    with pytest.raises(RolesRefused, match="is the line manager of 1 person"):
        set_roles(officer, {SCRUTINY_MEMBER}, lead)
    assert not officer.groups.exists()


def test_someone_who_gives_roles_cannot_be_made_a_councillor(lead, superuser):
    with pytest.raises(RolesRefused, match="gives and removes roles"):
        set_roles(lead, {SCRUTINY_MEMBER}, superuser)


def test_a_councillor_with_nothing_to_hand_over_is_made_one(client, lead, officer):
    client.force_login(lead)

    client.post(roles_url(officer), {"roles": [SCRUTINY_MEMBER]})

    assert list(officer.groups.values_list("name", flat=True)) == [SCRUTINY_MEMBER]


def test_it_refuses_a_role_the_service_does_not_have(client, lead, officer):
    client.force_login(lead)

    response = client.post(roles_url(officer), {"roles": ["Superhero"]})

    assert "Choose roles from the list" in response.content.decode()
    assert not officer.groups.exists()
