"""How a measure is doing: RAG against target, direction, months off target, small trends."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.figures import format_figure
from measures.models import Measure, Unit
from measures.trends import months_before, sparkline_svg, summarise
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def month(year, number):
    return datetime.date(year, number, 1)


def with_values(figures, **measure):
    """A measure with ``figures`` ({(year, month): value}) as its monthly values."""
    measure = factories.MeasureFactory(**measure)
    for (year, number), figure in figures.items():
        factories.MeasureValueFactory(
            measure=measure, period=month(year, number), value=Decimal(str(figure))
        )
    return measure


def summary_of(measure):
    (summary,) = summarise([measure], today=TODAY)
    return summary


def run_of(figures, start=(2026, 1)):
    """{(year, month): figure} for consecutive months from ``start``."""
    first = month(*start)
    return {
        (months_before(first, -index).year, months_before(first, -index).month): figure
        for index, figure in enumerate(figures)
    }


def test_months_before_crosses_the_year():
    assert months_before(month(2026, 1), 1) == month(2025, 12)
    assert months_before(month(2026, 3), 15) == month(2024, 12)
    assert months_before(month(2026, 11), -2) == month(2027, 1)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [(90, "green"), (95, "green"), (85.5, "amber"), (85.49, "red"), (40, "red")],
)
def test_rag_when_higher_is_better(figure, expected):
    measure = with_values({(2026, 11): figure}, target=Decimal("90"), higher_is_better=True)
    assert summary_of(measure).rag == expected


@pytest.mark.parametrize(
    ("figure", "expected"),
    [(18, "green"), (12, "green"), (18.9, "amber"), (19, "red")],
)
def test_rag_when_lower_is_better(figure, expected):
    measure = with_values(
        {(2026, 11): figure}, unit=Unit.NUMBER, target=Decimal("18"), higher_is_better=False
    )
    assert summary_of(measure).rag == expected


def test_no_target_or_no_figure_is_rated_none_and_never_off_target():
    untargeted = with_values(run_of([10, 20, 30, 40]), target=None)
    empty = factories.MeasureFactory()

    first, second = summarise([untargeted, empty], today=TODAY)

    assert first.rag == "none" and first.months_off_target == 0
    assert first.latest.value == Decimal("40")
    assert second.rag == "none" and second.latest is None and second.recent == []
    assert second.direction_month is None and second.direction_year is None


def test_direction_against_the_month_before_and_the_year_before():
    figures = run_of([70] + [75] * 11 + [72, 80], start=(2025, 10))
    measure = with_values(figures, target=Decimal("90"))

    summary = summary_of(measure)

    assert summary.latest.period == month(2026, 11)
    assert summary.previous.value == Decimal("72")
    assert summary.year_before.period == month(2025, 11)
    assert summary.direction_month == "better"
    assert summary.direction_year == "better"


def test_direction_for_a_figure_that_should_fall():
    measure = with_values(
        {(2025, 11): 20, (2026, 10): 18, (2026, 11): 18},
        unit=Unit.NUMBER,
        target=Decimal("16"),
        higher_is_better=False,
    )

    summary = summary_of(measure)

    assert summary.direction_month == "same"
    assert summary.direction_year == "better"


def test_a_missing_month_has_no_direction():
    measure = with_values({(2026, 8): 50, (2026, 11): 60})

    summary = summary_of(measure)

    assert summary.previous is None and summary.year_before is None
    assert summary.direction_month is None and summary.direction_year is None


def test_months_off_target_counts_the_run_ending_with_the_latest_month():
    measure = with_values(run_of([95, 80, 82, 84]), target=Decimal("90"))

    summary = summary_of(measure)

    assert summary.months_off_target == 3
    assert summary.off_target_three_months


def test_a_run_longer_than_a_year_is_counted_whole():
    measure = with_values(run_of([95] + [50] * 20, start=(2025, 3)), target=Decimal("90"))
    assert summary_of(measure).months_off_target == 20


def test_a_missing_month_ends_the_run_off_target():
    measure = with_values({(2026, 8): 80, (2026, 9): 80, (2026, 11): 80}, target=Decimal("90"))

    summary = summary_of(measure)

    assert summary.months_off_target == 1
    assert not summary.off_target_three_months


def test_back_on_target_ends_the_run():
    measure = with_values(run_of([80, 80, 80, 91]), target=Decimal("90"))
    assert summary_of(measure).months_off_target == 0


def test_recent_is_the_last_twelve_months_oldest_first():
    measure = with_values(run_of(range(50, 70), start=(2025, 4)))

    recent = summary_of(measure).recent

    assert [value.period for value in recent] == [
        months_before(month(2026, 11), back) for back in range(11, -1, -1)
    ]


def test_a_month_not_yet_come_is_left_out():
    measure = with_values({(2026, 11): 50, (2026, 12): 60})
    later = summarise([measure], today=datetime.date(2026, 11, 30))[0]
    assert later.latest.period == month(2026, 11)


def _summarise_counting_queries(count):
    for index in range(count):
        with_values(run_of([80 + index % 10] * 15, start=(2025, 9)), target=Decimal("85"))
    factories.MeasureFactory(target=None)
    with CaptureQueriesContext(connection) as queries:
        summaries = summarise(Measure.objects.all(), today=TODAY)
    assert len(summaries) == Measure.objects.count()
    return len(queries)


def test_many_measures_are_summarised_in_the_same_number_of_queries():
    few = _summarise_counting_queries(2)
    many = _summarise_counting_queries(10)
    assert few == many == 3


def test_a_sparkline_draws_the_line_the_target_and_says_what_it_shows():
    measure = with_values(run_of([70, 75, 80]), target=Decimal("90"))

    svg = str(sparkline_svg(summary_of(measure).recent, unit=Unit.PERCENTAGE, target=90))

    assert 'role="img"' in svg
    assert (
        'aria-label="Trend from 70% in January 2026 to 80% in March 2026, lowest 70%, '
        'highest 80%"' in svg
    )
    assert svg.count("<polyline") == 1 and "stroke-dasharray" in svg
    assert 'points="4.0,28.0 60.0,' in svg


def test_a_sparkline_with_no_figures_says_so():
    svg = str(sparkline_svg([], unit=Unit.PERCENTAGE))
    assert 'aria-label="No figures yet"' in svg and "<polyline" not in svg


@pytest.mark.parametrize(
    ("figure", "unit", "words"),
    [
        ("84.00", Unit.PERCENTAGE, "84%"),
        ("84.50", Unit.PERCENTAGE, "84.5%"),
        ("17.5", Unit.DAYS, "17.5 days"),
        ("1", Unit.DAYS, "1 day"),
        ("412.30", Unit.RATE_PER_10000, "412.3 per 10,000"),
        ("12500", Unit.NUMBER, "12,500"),
        ("100", Unit.PERCENTAGE, "100%"),
        ("0.25", Unit.NUMBER, "0.25"),
    ],
)
def test_figures_are_written_with_their_unit(figure, unit, words):
    assert format_figure(Decimal(figure), unit) == words
