"""The action forms guide the person filling them in: an action is added from the
finding it answers, its findings are set out visit by visit, a due date already
past is asked about before it is saved, and the share box says what its default is."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.forms import ProgressUpdateForm
from actions.models import ImprovementAction, Status

from .. import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("actions:action_create")


def date_boxes(name, value):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def action_data(due, **overrides):
    return {
        "title": "Audit every child protection plan",
        "priority": "1",
        "status": Status.NOT_STARTED,
        "impact": "not_evidenced",
        **date_boxes("due_date", due),
        **overrides,
    }


def test_a_visit_page_offers_an_action_for_each_finding_with_the_finding_chosen(team):
    area = factories.AreaOfConcernFactory()
    finding = factories.FindingFactory(area=area)
    html = team.get(finding.visit.get_absolute_url()).content.decode()
    link = f"{CREATE}?findings={finding.pk}&amp;areas={area.pk}"
    assert f'href="{link}">Add an action for this finding' in html

    form = team.get(f"{CREATE}?findings={finding.pk}&areas={area.pk}").content.decode()
    assert re.search(rf'value="{finding.pk}"[^>]*checked', form)
    assert re.search(rf'value="{area.pk}"[^>]*checked', form)
    # Back to the finding the person came from.
    assert f'href="{finding.visit.get_absolute_url()}#finding-{finding.pk}"' in form


def test_an_area_page_offers_an_action_for_the_area(team):
    area = factories.AreaOfConcernFactory()
    html = team.get(area.get_absolute_url()).content.decode()
    assert f'href="{CREATE}?areas={area.pk}">Add an action for this area of concern' in html


def test_nobody_who_may_not_add_actions_is_offered_the_link(client, senior_leader):
    finding = factories.FindingFactory()
    client.force_login(senior_leader)
    html = client.get(finding.visit.get_absolute_url()).content.decode()
    assert "Add an action for this finding" not in html


def test_the_findings_are_set_out_visit_by_visit_newest_first(team):
    older = factories.VisitFactory(start_date=datetime.date(2022, 3, 1))
    newer = factories.VisitFactory(start_date=datetime.date(2024, 3, 5))
    factories.FindingFactory(visit=older, summary="Older finding")
    factories.FindingFactory(visit=newer, summary="Newer finding")
    html = team.get(CREATE).content.decode()
    legends = re.findall(
        r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
        r"Findings of the ([^<]+)</legend>",
        html,
    )
    assert legends == [str(newer), str(older)]
    assert html.index("Newer finding") < html.index("Older finding")
    # Boxes of the usual size, numbered so that the error summary's link finds the first.
    assert "govuk-checkboxes--small" not in html
    assert 'id="id_findings_1"' in html


def test_the_findings_groups_take_one_query_however_many_visits(
    team, django_assert_max_num_queries
):
    for _ in range(5):
        factories.FindingFactory()
    from actions.forms import ImprovementActionForm

    form = ImprovementActionForm(user=None)
    with django_assert_max_num_queries(1):
        assert len(form.fields["findings"].groups) == 5


def test_a_new_action_due_in_the_past_is_asked_about_and_not_saved(team):
    past = timezone.localdate() - datetime.timedelta(days=3)
    response = team.post(CREATE, action_data(past))
    html = response.content.decode()
    assert response.status_code == 200
    assert not ImprovementAction.objects.exists()
    assert "There is a problem" in html
    assert "is in the past. Confirm that the action is already overdue" in html
    assert 'href="#id_confirm_overdue"' in html
    assert "Yes, it is already overdue" in html
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: " in html


def test_confirming_saves_the_overdue_action(team):
    past = timezone.localdate() - datetime.timedelta(days=3)
    response = team.post(CREATE, action_data(past, confirm_overdue="on"))
    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    assert action.due_date == past and action.is_overdue


def test_no_question_for_a_future_date_or_a_completed_action(team):
    html = team.get(CREATE).content.decode()
    assert "Yes, it is already overdue" not in html
    future = timezone.localdate() + datetime.timedelta(days=30)
    assert team.post(CREATE, action_data(future)).status_code == 302
    past = timezone.localdate() - datetime.timedelta(days=30)
    done = action_data(
        past, title="Done already", status=Status.COMPLETED, **date_boxes("completed_on", past)
    )
    assert team.post(CREATE, done).status_code == 302


def test_editing_an_overdue_action_for_something_else_asks_nothing(team):
    past = timezone.localdate() - datetime.timedelta(days=10)
    action = factories.ImprovementActionFactory(due_date=past)
    url = reverse("actions:action_edit", args=[action.pk])
    response = team.post(url, action_data(past, title="A clearer title"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "A clearer title"


def test_moving_an_actions_due_date_into_the_past_is_asked_about(team):
    action = factories.ImprovementActionFactory()
    url = reverse("actions:action_edit", args=[action.pk])
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = team.post(url, action_data(past, title=action.title))
    assert response.status_code == 200
    assert "Yes, it is already overdue" in response.content.decode()
    action.refresh_from_db()
    assert action.due_date != past


def test_the_share_box_starts_unticked_and_its_hint_says_so(action_owner):
    action = factories.ImprovementActionFactory(owner=action_owner)
    form = ProgressUpdateForm(action=action, user=action_owner)
    field = form.fields["shareable_with_scrutiny"]
    assert not form["shareable_with_scrutiny"].value()
    assert field.label == "Share this note with the scrutiny committee"
    assert field.help_text.startswith("Only if you tick this do councillors")
