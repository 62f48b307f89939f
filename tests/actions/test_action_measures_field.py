"""The action form's "How we will know it has worked": the improvement team ticks
the measures that should show an action's impact, set out area by area, and the
choice is kept in the action's history under their name."""

import re

import pytest
from django.urls import reverse

from actions.forms import ImprovementActionForm
from actions.models import ImprovementAction

from .. import factories
from .test_views_manage import action_data

pytestmark = pytest.mark.django_db

CREATE = reverse("actions:action_create")
LEGEND = r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">([^<]+)</legend>'


def test_it_saves_the_measures_chosen_with_history_naming_the_officer(team, improvement_officer):
    seen_alone = factories.MeasureFactory(title="Children seen alone")
    factories.MeasureFactory(title="Average caseload")
    response = team.post(CREATE, action_data(measures=[seen_alone.pk]))
    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    assert list(action.measures.all()) == [seen_alone]
    latest = action.history.latest()
    assert latest.history_user == improvement_officer
    assert [row.measure_id for row in latest.measures.all()] == [seen_alone.pk]


def test_editing_takes_a_measure_off_and_the_history_shows_before_and_after(team):
    first, second = factories.MeasureFactory(), factories.MeasureFactory()
    action = factories.ImprovementActionFactory()
    action.measures.set([first, second])
    edit = reverse("actions:action_edit", args=[action.pk])
    data = action_data(
        title=action.title, due_date_0=1, due_date_1=1, due_date_2=2031, measures=[second.pk]
    )
    assert team.post(edit, data).status_code == 302
    assert list(action.measures.all()) == [second]
    newest, earlier = action.history.order_by("-history_date", "-history_id")[:2]
    delta = newest.diff_against(earlier, included_fields=["measures"])
    assert [change.field for change in delta.changes] == ["measures"]


def test_the_measures_are_grouped_by_area_each_measure_once(team):
    placements = factories.AreaOfConcernFactory(title="Placements")
    assessments = factories.AreaOfConcernFactory(title="Assessments")
    factories.MeasureFactory(title="Seen alone", areas=[assessments, placements])
    factories.MeasureFactory(title="Placement moves", areas=[placements])
    factories.MeasureFactory(title="Care leavers in touch")
    html = team.get(CREATE).content.decode()
    legends = [legend for legend in re.findall(LEGEND, html) if legend.startswith("Measures")]
    assert legends == [
        "Measures of Assessments",
        "Measures of Placements",
        "Measures of no area of concern",
    ]
    assert html.count(">Seen alone</label>") == 1
    assert "Percentage, also for Placements" in html
    assert "How we will know it has worked" in html
    # Numbered across the groups, so the error summary's link finds the first box.
    assert 'id="id_measures_1"' in html and 'id="id_measures_3"' in html


def test_a_measure_that_no_longer_exists_is_refused_with_the_error_summary(team):
    factories.MeasureFactory()
    response = team.post(CREATE, action_data(measures=["999999"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert not ImprovementAction.objects.exists()
    assert "There is a problem" in html and "<title>Error: " in html
    assert "A measure you chose has since been removed. Choose again" in html
    assert 'href="#id_measures_1"' in html and 'id="id_measures_1"' in html


def test_the_groups_take_two_queries_however_many_measures(django_assert_num_queries):
    area = factories.AreaOfConcernFactory()
    for _ in range(6):
        factories.MeasureFactory(areas=[area])
    form = ImprovementActionForm(user=None)
    with django_assert_num_queries(2):
        assert len(form.fields["measures"].groups[0]["choices"]) == 6
