"""Owners are officers: an action's owner is never a scrutiny member. Every form that
sets an owner offers officers only and refuses a councillor sent anyway, saying why;
the owner search finds no councillor; and the reminder sweep writes to no councillor
about an action, even where a record says one owns it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import SCRUTINY_MEMBER
from actions import reminders
from actions.models import ImprovementAction, Status

from .. import factories
from .test_reminders_policy import DAY, at, days

pytestmark = pytest.mark.django_db

CREATE = reverse("actions:action_create")


def date_boxes(name, value):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def action_data(**overrides):
    data = {
        "title": "Audit every child protection plan",
        "priority": "1",
        "status": Status.NOT_STARTED,
        "impact": "not_evidenced",
        **date_boxes("due_date", dt.date(2030, 3, 31)),
    }
    data.update(overrides)
    return data


REFUSAL = "Councillor Cara Scrutiny is a scrutiny member, and scrutiny members cannot own actions"


def assert_refused(response):
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert REFUSAL in page
    assert 'href="#id_owner"' in page


def test_the_add_form_offers_no_councillor_and_refuses_one(team, scrutiny_member, action_owner):
    page = team.get(CREATE).content.decode()
    assert action_owner.full_name in page
    assert scrutiny_member.full_name not in page

    assert_refused(team.post(CREATE, action_data(owner=scrutiny_member.pk)))
    assert not ImprovementAction.objects.exists()


def test_the_edit_form_refuses_a_councillor(team, scrutiny_member, action_owner):
    action = factories.ImprovementActionFactory(owner=action_owner)
    url = reverse("actions:action_edit", args=[action.pk])

    assert_refused(team.post(url, action_data(owner=scrutiny_member.pk)))
    action.refresh_from_db()
    assert action.owner == action_owner


def test_the_assign_form_offers_no_councillor_and_refuses_one(team, scrutiny_member):
    action = factories.ImprovementActionFactory(owner=None)
    url = reverse("actions:action_assign", args=[action.pk])
    assert scrutiny_member.full_name not in team.get(url).content.decode()

    assert_refused(team.post(url, {"owner": scrutiny_member.pk}))
    action.refresh_from_db()
    assert action.owner is None


def test_an_action_a_record_says_a_councillor_owns_must_be_given_to_an_officer(
    team, scrutiny_member
):
    """One written before the rule, say: saving it asks for an officer."""
    action = factories.ImprovementActionFactory(owner=scrutiny_member)
    url = reverse("actions:action_edit", args=[action.pk])

    response = team.post(url, action_data(owner=scrutiny_member.pk))

    assert_refused(response)


def test_the_model_refuses_a_councillor_whoever_saves_it(scrutiny_member):
    from django.core.exceptions import ValidationError

    action = factories.ImprovementActionFactory.build(owner=scrutiny_member)
    with pytest.raises(ValidationError, match="scrutiny members cannot own actions"):
        action.full_clean()


def test_the_typed_owner_search_finds_no_councillor(team):
    councillor = factories.UserFactory(full_name="Cara Treloar", role=SCRUTINY_MEMBER)
    officer = factories.UserFactory(full_name="Cara Officer")
    owned_by_officer = factories.ImprovementActionFactory(owner=officer)
    factories.ImprovementActionFactory(owner=councillor)  # as a record written before the rule

    response = team.get(reverse("actions:action_list"), {"owner_name": "Cara"})

    assert [action.pk for action in response.context["actions"]] == [owned_by_officer.pk]


# The reminder sweep ---------------------------------------------------------------------


def test_the_sweep_writes_to_no_councillor_about_an_action():
    """A record saying a councillor owns an overdue action (one written before the
    rule, or by a script that skipped it): no digest goes to the councillor."""
    councillor = factories.UserFactory(email="cllr@council.example", role=SCRUTINY_MEMBER)
    officer = factories.UserFactory(email="officer@council.example")
    with time_machine.travel(at(DAY - days(90), 10), tick=False):
        factories.ImprovementActionFactory(owner=councillor, due_date=DAY - days(3))
        factories.ImprovementActionFactory(owner=officer, due_date=DAY - days(3))

    addresses = {plan.address for plan in reminders.plan_digests(DAY)}

    assert "officer@council.example" in addresses
    assert "cllr@council.example" not in addresses


def test_a_councillor_recorded_as_a_line_manager_hears_of_nothing(settings):
    """Their report's long-overdue action goes to the improvement team's mailbox, as
    for an owner with no line manager."""
    councillor = factories.UserFactory(email="cllr@council.example", role=SCRUTINY_MEMBER)
    officer = factories.UserFactory(email="officer@council.example", line_manager=councillor)
    with time_machine.travel(at(DAY - days(90), 10), tick=False):
        late = factories.ImprovementActionFactory(owner=officer, due_date=DAY - days(30))

    plans = {plan.address: plan for plan in reminders.plan_digests(DAY)}

    assert "cllr@council.example" not in plans
    assert plans[settings.IMPROVEMENT_TEAM_MAILBOX].escalated == [late.pk]
