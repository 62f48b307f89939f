"""The demo's measures: three years of illustrative monthly figures ending last
month, tied to its areas and actions, loaded once, in the loading officer's name."""

from datetime import date

import pytest

from accounts.models import User
from actions import demo
from actions.demo_measures import MEASURES, MONTHS
from actions.models import ImprovementAction
from measures.figures import ILLUSTRATIVE_SOURCE
from measures.models import Measure, MeasureValue, check_figure
from measures.trends import summarise

pytestmark = pytest.mark.django_db

# A Monday with a bank holiday (Christmas) and a new year between it and the
# last complete month's end: the story must still end in November.
TODAY = date(2026, 12, 7)


def load(today=TODAY):
    return demo.load(password="a-demo-password", today=today)


def officer():
    return User.objects.get(email="improvement@example.org")


def months(values):
    return [value.period for value in values]


def test_it_loads_at_least_six_measures_each_on_one_of_the_demos_areas():
    load()

    measures = Measure.objects.prefetch_related("areas")
    assert measures.count() == len(MEASURES) >= 6
    for measure in measures:
        assert measure.areas.exists(), measure
    covered = {area.title for measure in measures for area in measure.areas.all()}
    assert len(covered) >= 5


def test_each_measure_has_three_years_of_months_ending_with_the_last_complete_month():
    load()

    for measure in Measure.objects.all():
        periods = months(measure.values.order_by("period"))
        assert len(periods) == MONTHS >= 24, measure
        assert periods[-1] == date(2026, 11, 1), measure
        assert periods[0] == date(2023, 12, 1), measure
        assert len(set(periods)) == len(periods)


def test_it_ends_the_story_last_month_whatever_day_it_is_loaded():
    load(today=date(2027, 1, 1))

    latest = {measure.values.order_by("period").last().period for measure in Measure.objects.all()}

    assert latest == {date(2026, 12, 1)}


def test_each_measure_has_a_target_comparators_an_owner_and_the_illustrative_source():
    load()
    officers = {spec["email"] for spec in demo.USERS if "role" not in spec}

    for measure in Measure.objects.select_related("owner"):
        assert measure.source == ILLUSTRATIVE_SOURCE
        assert measure.target is not None, measure
        assert measure.owner.email in officers, measure
    values = MeasureValue.objects.all()
    assert values.filter(england__isnull=False).exists()
    assert values.filter(neighbours__isnull=False).exists()
    with_comparators = Measure.objects.filter(values__england__isnull=False).distinct()
    assert with_comparators.count() >= 4


def test_every_figure_is_one_the_measure_could_hold():
    load()

    for value in MeasureValue.objects.select_related("measure"):
        for figure in (value.value, value.england, value.neighbours):
            assert check_figure(value.measure.unit, figure) is None, value


def test_it_shares_some_measures_with_scrutiny_and_keeps_at_least_one_back():
    load()

    shared = Measure.objects.filter(shareable_with_scrutiny=True).count()

    assert 0 < shared < Measure.objects.count()


def test_its_measures_are_on_target_off_target_and_moving_the_wrong_way():
    load()

    summaries = summarise(Measure.objects.all(), today=TODAY)

    assert {summary.rag for summary in summaries} == {"green", "amber", "red"}
    assert sum(summary.off_target_three_months for summary in summaries) >= 2
    assert sum(summary.direction_month == "worse" for summary in summaries) >= 2
    assert sum(summary.direction_year == "better" for summary in summaries) >= 6


def test_some_actions_name_the_measures_that_will_show_their_impact():
    load()

    named = ImprovementAction.objects.filter(measures__isnull=False).distinct()

    assert named.count() >= 6
    seen_alone = ImprovementAction.objects.get(reference="A-009").measures.get()
    assert seen_alone.title == "Children seen alone during their assessment"


def test_every_measure_value_and_link_is_recorded_in_the_loading_officers_name():
    load()

    for model in (Measure, MeasureValue):
        history = model.history.all()
        assert history.count() >= model.objects.count() > 0
        assert set(history.values_list("history_user", flat=True)) == {officer().pk}
        assert set(history.values_list("history_change_reason", flat=True)) == {demo.CHANGE_REASON}
    action = ImprovementAction.objects.get(reference="A-009")
    assert action.history.latest().measures.count() == 1
    assert action.history.latest().history_user == officer()


def test_a_rerun_the_same_month_adds_no_measures_figures_or_history():
    load()
    counts = [
        model.objects.count()
        for model in (Measure, MeasureValue, Measure.history.model, MeasureValue.history.model)
    ]
    action_history = ImprovementAction.history.count()

    report = load(today=date(2026, 12, 31))

    assert counts == [
        model.objects.count()
        for model in (Measure, MeasureValue, Measure.history.model, MeasureValue.history.model)
    ]
    assert ImprovementAction.history.count() == action_history
    assert report.created.get(Measure, 0) == report.created.get(MeasureValue, 0) == 0
    assert report.present[MeasureValue] == len(MEASURES) * MONTHS


def test_a_rerun_a_month_later_adds_only_the_month_just_finished():
    load()
    before = {value.pk: value.value for value in MeasureValue.objects.all()}

    report = load(today=date(2027, 1, 4))

    added = MeasureValue.objects.exclude(pk__in=before)
    assert set(added.values_list("period", flat=True)) == {date(2026, 12, 1)}
    assert added.count() == len(MEASURES) == report.created[MeasureValue]
    assert {value.pk: value.value for value in MeasureValue.objects.filter(pk__in=before)} == before
    assert report.created.get(Measure, 0) == 0


def test_the_summary_counts_the_measures_and_their_figures():
    report = load()

    counts = {plural: (created, present) for _, plural, created, present in report.counts}

    assert counts["measures"] == (len(MEASURES), 0)
    assert counts["monthly figures"] == (len(MEASURES) * MONTHS, 0)
