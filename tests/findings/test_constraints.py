"""Findings and area ratings refuse impossible data, in the forms and in the database."""

import pytest

from findings.forms import AreaRatingForm, FindingForm

from .. import factories
from ..rules import RuleTests, rule

pytestmark = pytest.mark.django_db


def second_rating():
    first = factories.AreaRatingFactory()
    return factories.AreaRatingFactory(
        visit=first.visit, area__identified_at=first.area.identified_at
    )


RULES = [
    rule(
        "finding-without-a-summary",
        factories.FindingFactory,
        {"summary": ""},
        "Enter a summary of the finding.",
        form=FindingForm,
        on_field="summary",
    ),
    rule(
        "finding-kind-off-the-list",
        factories.FindingFactory,
        {"kind": "observation"},
        "Choose strength, area for improvement or serious concern.",
        on_field="kind",
    ),
    rule(
        "finding-section-off-the-list",
        factories.FindingFactory,
        {"section": "footnote"},
        "A finding is a headline or a detailed finding.",
        on_field="section",
    ),
    rule(
        "second-rating-for-an-area-at-a-visit",
        second_rating,
        lambda rating: {"area": type(rating).objects.exclude(pk=rating.pk).get().area},
        "This area already has a rating for this visit.",
        form=AreaRatingForm,
    ),
    rule(
        "rating-off-the-list",
        factories.AreaRatingFactory,
        {"rating": "transformed"},
        "Choose a rating from the list.",
        on_field="rating",
    ),
]


class TestFindingRules(RuleTests):
    rules = RULES


@pytest.mark.parametrize("factory", [factories.FindingFactory, factories.AreaRatingFactory])
def test_it_accepts_a_valid_record(factory):
    factory().full_clean()


def test_it_lets_one_area_be_rated_at_two_visits():
    first = factories.AreaRatingFactory()
    later = factories.VisitFactory(authority=first.visit.authority, follows=first.visit.follows)
    factories.AreaRatingFactory.build(visit=later, area=first.area).full_clean()
