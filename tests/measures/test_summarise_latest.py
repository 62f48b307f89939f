"""The lean summary the dashboard rates every measure with says what the full one
says of the latest figure: RAG, the change since the month before and the months
off target, reading two figures a measure and the run only of those off target."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.models import Measure, Unit
from measures.trends import months_before, summarise, summarise_latest
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)
LAST_MONTH = datetime.date(2026, 11, 1)


def with_figures(figures, gap_before_latest=False, **fields):
    """A measure whose ``figures``, oldest first, end last month (with the month
    before the latest left out when ``gap_before_latest``)."""
    measure = factories.MeasureFactory(**fields)
    periods = [months_before(LAST_MONTH, back) for back in range(len(figures) + 1)]
    if gap_before_latest:
        periods.pop(1)
    for period, figure in zip(periods, reversed(figures), strict=False):
        factories.MeasureValueFactory(measure=measure, period=period, value=Decimal(str(figure)))
    return measure


def what_the_latest_says(summary):
    return (
        summary.measure.pk,
        summary.latest.period if summary.latest else None,
        summary.latest.value if summary.latest else None,
        summary.previous.value if summary.previous else None,
        summary.rag,
        summary.direction_month,
        summary.months_off_target,
        summary.month_change,
        summary.off_target_words,
    )


def test_it_says_what_the_full_summary_says_of_the_latest_figure():
    with_figures([70, 72, 75, 80, 79])  # off target five months, worse
    with_figures([95, 84])  # off target one month
    with_figures([92, 95])  # on target, better
    with_figures([80, 70], gap_before_latest=True)  # no month before to compare
    with_figures([19, 24], unit=Unit.NUMBER, target=18, higher_is_better=False)
    with_figures([40, 41], target=None)
    with_figures([88.5] * 20)  # amber for longer than the trend reads
    factories.MeasureFactory()  # no figures yet
    measures = list(Measure.objects.order_by("pk"))

    full = [what_the_latest_says(s) for s in summarise(measures, today=TODAY)]
    lean = [what_the_latest_says(s) for s in summarise_latest(measures, today=TODAY)]

    assert lean == full
    assert {row[6] for row in lean} == {0, 1, 2, 5, 20}


def test_it_reads_two_queries_for_a_few_measures_or_many():
    with_figures([80, 81])
    measures = list(Measure.objects.all())
    with CaptureQueriesContext(connection) as few:
        summarise_latest(measures, today=TODAY)
    for number in range(10):
        with_figures([70 + back % 9 for back in range(40)], target=90 if number % 2 else None)
    measures = list(Measure.objects.all())
    with CaptureQueriesContext(connection) as many:
        summarise_latest(measures, today=TODAY)
    assert len(few) == len(many) == 2
