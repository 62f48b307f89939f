"""The people pages: the improvement team adds people and keeps their details,
senior leaders read them, and nobody else sees them. Everything the admin used to
be needed for (a new person, their line manager, their job title, their reminder
preference, stopping them signing in) is done here, recorded in the doer's name."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.granting import manage_roles_permission
from accounts.models import User
from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER

from .. import factories

pytestmark = pytest.mark.django_db

PEOPLE = reverse("accounts:people")
NEW = reverse("accounts:person_create")
PASSWORD = "a long enough demo passphrase"


def new_person(**overrides):
    data = {
        "full_name": "Rachel Okonjo",
        "email": "Rachel.Okonjo@Council.example",
        "job_title": "Head of Service for the front door",
        "line_manager": "",
        "reminders_due_soon": "on",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def details(person, **overrides):
    data = {
        "full_name": person.full_name,
        "email": person.email,
        "job_title": person.job_title,
        "line_manager": person.line_manager_id or "",
        "reminders_due_soon": "on" if person.reminders_due_soon else "",
        "is_active": "on" if person.is_active else "",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != ""}


def test_the_improvement_team_adds_a_person_who_can_then_sign_in(team, improvement_officer):
    manager = factories.UserFactory(full_name="Dominic Ashworth")

    response = team.post(NEW, new_person(line_manager=manager.pk))

    person = User.objects.get(email="rachel.okonjo@council.example")
    assert response.status_code == 302 and response.url == person.get_absolute_url()
    assert person.line_manager == manager
    assert person.check_password(PASSWORD)
    assert not person.is_staff and not person.groups.exists()
    assert person.history.get(history_type="+").history_user == improvement_officer


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "", "email": ""}, "full_name", "Enter their full name"),
        ({"email": "not an address"}, "email", "Enter an e-mail address in the correct format"),
        ({"password1": ""}, "password1", "Enter a password for them"),
        ({"password2": "something else"}, "password2", "The two passwords do not match"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "too common"),
    ],
)
def test_it_explains_what_is_wrong_and_adds_nobody(team, changes, field, message):
    people = User.objects.count()

    response = team.post(NEW, new_person(**changes))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert message in page
    assert f'href="#id_{field}' in page
    assert User.objects.count() == people


def test_it_refuses_an_address_someone_already_signs_in_with(team, improvement_officer):
    response = team.post(NEW, new_person(email=improvement_officer.email.upper()))

    assert "Someone already signs in with this e-mail address" in response.content.decode()


def test_it_offers_no_councillor_as_a_line_manager_and_refuses_one_sent_anyway(
    team, scrutiny_member
):
    form_page = team.get(NEW).content.decode()
    assert scrutiny_member.full_name not in form_page

    response = team.post(NEW, new_person(line_manager=scrutiny_member.pk))

    assert (
        "Councillor Cara Scrutiny is a scrutiny member, and scrutiny members cannot be line "
        "managers" in response.content.decode()
    )
    assert not User.objects.filter(email="rachel.okonjo@council.example").exists()


def test_the_improvement_team_changes_someones_details(team, improvement_officer):
    person = factories.UserFactory(full_name="Gareth Pellow", job_title="QA officer")

    response = team.post(
        reverse("accounts:person_update", args=[person.pk]),
        details(person, job_title="Quality assurance lead", reminders_due_soon=""),
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.job_title == "Quality assurance lead"
    assert not person.reminders_due_soon
    assert person.history.latest().history_user == improvement_officer


def test_someone_who_leaves_is_stopped_from_signing_in(team):
    client = Client()
    person = factories.UserFactory()

    team.post(reverse("accounts:person_update", args=[person.pk]), details(person, is_active=""))

    person.refresh_from_db()
    assert not person.is_active
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": person.email, "password": "correct horse battery staple"},
    )
    assert "Enter a correct e-mail address and password" in response.content.decode()


def test_nobody_stops_themselves_signing_in(team, improvement_officer):
    url = reverse("accounts:person_update", args=[improvement_officer.pk])

    response = team.post(url, details(improvement_officer, is_active=""))

    assert "You cannot stop yourself signing in" in response.content.decode()
    improvement_officer.refresh_from_db()
    assert improvement_officer.is_active


def test_a_line_manager_of_a_councillor_sent_by_hand_is_refused(team, scrutiny_member):
    person = factories.UserFactory()

    response = team.post(
        reverse("accounts:person_update", args=[person.pk]),
        details(person, line_manager=scrutiny_member.pk),
    )

    assert "scrutiny members cannot be line managers" in response.content.decode()
    person.refresh_from_db()
    assert person.line_manager is None


def test_senior_leaders_read_the_people_pages_but_change_nothing(client, senior_leader):
    person = factories.UserFactory()
    client.force_login(senior_leader)

    assert client.get(PEOPLE).status_code == 200
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Change their details" not in page and "Change their roles" not in page
    assert client.get(NEW).status_code == 403
    assert client.post(reverse("accounts:person_update", args=[person.pk])).status_code == 403


@pytest.mark.parametrize("fixture", ["scrutiny_member", "action_owner"])
def test_councillors_and_owners_see_no_one(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    person = factories.UserFactory()

    for url in (PEOPLE, person.get_absolute_url(), NEW):
        assert client.get(url).status_code == 403, url


def test_it_finds_people_by_name_role_and_whether_they_may_sign_in(team):
    factories.UserFactory(full_name="Nadia Kerslake", job_title="Workforce lead")
    factories.UserFactory(full_name="Owen Fairbrother", role=SCRUTINY_MEMBER)
    factories.UserFactory(full_name="Olga Left", is_active=False)

    def names(**search):
        response = team.get(PEOPLE, search)
        return [person.full_name for person in response.context["object_list"]]

    assert names(q="workforce") == ["Nadia Kerslake"]
    assert names(role=SCRUTINY_MEMBER) == ["Owen Fairbrother"]
    assert "Olga Left" not in names()
    assert names(status="inactive") == ["Olga Left"]
    assert "Nadia Kerslake" in names(role="none")


def test_it_explains_a_search_it_cannot_read(team):
    response = team.get(PEOPLE, {"role": "Wizard"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "Choose a role from the list" in page


def queries_for_the_list(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PEOPLE).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_five_people_and_for_twenty_five(team):
    def add_people(count):
        manager = factories.UserFactory()
        for person in factories.UserFactory.create_batch(count, line_manager=manager):
            person.groups.add(Group.objects.get(name=IMPROVEMENT_TEAM))

    add_people(4)
    few = queries_for_the_list(team)
    add_people(20)
    many = queries_for_the_list(team)

    assert few == many


def test_a_persons_page_lists_their_reports_and_open_actions(team):
    manager = factories.UserFactory(full_name="Dominic Ashworth")
    report = factories.UserFactory(full_name="Rachel Okonjo", line_manager=manager)
    factories.ImprovementActionFactory(owner=manager)

    page = team.get(manager.get_absolute_url()).content.decode()

    assert report.get_absolute_url() in page
    assert f"{reverse('actions:action_list')}?owner={manager.pk}" in page


def test_the_pages_about_someone_still_say_who_is_signed_in(team, improvement_officer):
    improvement_officer.user_permissions.add(manage_roles_permission())
    person = factories.UserFactory(full_name="Gareth Pellow")

    for name in ("accounts:person_detail", "accounts:person_update", "accounts:person_roles"):
        page = team.get(reverse(name, args=[person.pk])).content.decode()
        assert "Signed in as Imogen Team" in page, name
