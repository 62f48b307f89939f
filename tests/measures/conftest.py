"""Measures the figures pages' tests share: one an action owner supplies, one the
team supplies, whose figure should fall."""

import pytest

from measures.models import Unit
from tests import factories


@pytest.fixture
def seen_alone(action_owner):
    return factories.MeasureFactory(title="Children seen alone", owner=action_owner)


@pytest.fixture
def caseload():
    return factories.MeasureFactory(
        title="Average caseload", unit=Unit.NUMBER, target=18, higher_is_better=False
    )
