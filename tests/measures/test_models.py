"""What a measure and its monthly values are allowed to be, whichever way they are written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.roles import SCRUTINY_MEMBER
from measures.models import Measure, MeasureValue, Unit
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_keeps_one_value_per_measure_and_month():
    value = factories.MeasureValueFactory(period=datetime.date(2024, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureValue.objects.create(
            measure=value.measure, period=datetime.date(2024, 3, 1), value=Decimal("70")
        )


def test_a_month_is_its_first_day_even_when_written_past_the_forms():
    measure = factories.MeasureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureValue.objects.create(
            measure=measure, period=datetime.date(2024, 3, 15), value=Decimal("70")
        )


def test_it_refuses_a_percentage_outside_0_to_100_and_a_month_not_yet_come():
    measure = factories.MeasureFactory(unit=Unit.PERCENTAGE)
    next_month = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    value = MeasureValue(measure=measure, period=next_month, value=Decimal("101"), england=-1)

    with pytest.raises(ValidationError) as refused:
        value.full_clean()

    errors = refused.value.message_dict
    assert errors["period"] == ["The month is in the future."]
    assert errors["value"] == ["Value is a percentage, so it must be between 0 and 100."]
    assert errors["england"] == ["England is a percentage, so it must be between 0 and 100."]


def test_this_months_figure_may_be_entered_while_the_month_runs():
    measure = factories.MeasureFactory(unit=Unit.NUMBER, target=None)
    value = MeasureValue(
        measure=measure, period=datetime.date.today().replace(day=1), value=Decimal("412.5")
    )
    value.full_clean()


def test_a_percentage_target_over_100_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(title="Seen alone", unit=Unit.PERCENTAGE, target=Decimal("120"))


def test_a_councillor_cannot_supply_a_measure():
    councillor = factories.UserFactory(role=SCRUTINY_MEMBER, full_name="Cllr Ann Other")
    measure = Measure(title="Care leavers in touch", unit=Unit.PERCENTAGE, owner=councillor)

    with pytest.raises(ValidationError) as refused:
        measure.full_clean()

    assert "scrutiny members cannot supply measures" in refused.value.message_dict["owner"][0]


def test_councillors_see_only_the_measures_shared_with_them_and_their_values():
    shared = factories.MeasureFactory(title="Shared", shareable_with_scrutiny=True)
    internal = factories.MeasureFactory(title="Internal", shareable_with_scrutiny=False)
    for measure in (shared, internal):
        factories.MeasureValueFactory(measure=measure)
    councillor = factories.UserFactory(role=SCRUTINY_MEMBER)
    team = factories.UserFactory(role="Improvement team")

    assert list(Measure.objects.visible_to(councillor)) == [shared]
    assert {v.measure for v in MeasureValue.objects.visible_to(councillor)} == {shared}
    assert set(Measure.objects.visible_to(team)) == {shared, internal}


def test_an_actions_measures_are_in_its_history():
    action = factories.ImprovementActionFactory()
    measure = factories.MeasureFactory()

    action.measures.add(measure)

    newest = action.history.latest("history_date")
    assert [link.measure_id for link in newest.measures.all()] == [measure.pk]
