"""Inspections, judgements, areas of concern and visits refuse impossible data, in
the forms and in the database alike."""

import datetime

import pytest

from inspections.forms import AreaOfConcernForm, InspectionForm, JudgementForm, VisitForm
from inspections.models import Judgement, Visit

from .. import factories
from ..rules import RuleTests, rule

pytestmark = pytest.mark.django_db


def other(record):
    """The one other record of the same model: the one this record is made to clash with."""
    return type(record)._default_manager.exclude(pk=record.pk).get()


def second_judgement():
    first = factories.JudgementFactory(area=Judgement.Area.OVERALL)
    return factories.JudgementFactory(inspection=first.inspection, area=Judgement.Area.LEADERS)


def second_area():
    first = factories.AreaOfConcernFactory(title="Management oversight")
    return factories.AreaOfConcernFactory(identified_at=first.identified_at, title="Other")


def second_visit():
    first = factories.VisitFactory(number=1)
    return factories.VisitFactory(authority=first.authority, follows=first.follows, number=2)


def second_link():
    first = factories.VisitAreaFactory()
    return factories.VisitAreaFactory(visit=first.visit)


RULES = [
    rule(
        "inspection-ends-before-it-starts",
        factories.InspectionFactory,
        {"end_date": datetime.date(2020, 1, 12)},
        "The inspection cannot end before it starts.",
        form=InspectionForm,
    ),
    rule(
        "inspection-published-before-it-starts",
        factories.InspectionFactory,
        {"published_on": datetime.date(2019, 12, 31)},
        "The report cannot be published before the inspection.",
        form=InspectionForm,
    ),
    rule(
        "inspection-kind-off-the-list",
        factories.InspectionFactory,
        {"kind": "ofsted_lite"},
        "Choose a kind of inspection from the list.",
        on_field="kind",
    ),
    rule(
        "second-judgement-for-an-area",
        second_judgement,
        {"area": Judgement.Area.OVERALL},
        "This inspection already has a judgement for that area.",
        form=JudgementForm,
    ),
    rule(
        "grade-off-the-scale",
        factories.JudgementFactory,
        {"grade": "excellent"},
        "Choose a grade on Ofsted's four-point scale.",
        on_field="grade",
    ),
    rule(
        "judgement-area-off-the-list",
        factories.JudgementFactory,
        {"area": "catering"},
        "Choose a judgement area from the list.",
        on_field="area",
    ),
    rule(
        "area-title-repeated-at-an-inspection",
        second_area,
        {"title": "Management oversight"},
        "This inspection already has an area with that title.",
        form=AreaOfConcernForm,
    ),
    rule(
        "area-status-off-the-list",
        factories.AreaOfConcernFactory,
        {"status": "paused"},
        "An area of concern is open or closed.",
        on_field="status",
    ),
    rule(
        "visit-ends-before-it-starts",
        factories.VisitFactory,
        {"end_date": datetime.date(2024, 3, 4)},
        "The visit cannot end before it starts.",
        form=VisitForm,
    ),
    rule(
        "letter-dated-before-the-visit",
        factories.VisitFactory,
        {"letter_date": datetime.date(2024, 3, 4)},
        "The letter cannot be dated before the visit started.",
        form=VisitForm,
    ),
    rule(
        "publication-date-on-an-unpublished-letter",
        factories.VisitFactory,
        {"is_published": False},
        "Only a published letter has a publication date.",
        form=VisitForm,
    ),
    rule(
        "visit-number-zero",
        factories.VisitFactory,
        {"number": 0},
        "A visit's number in the series starts at 1.",
        form=VisitForm,
    ),
    rule(
        "visit-number-repeated-after-an-inspection",
        second_visit,
        {"number": 1},
        "That inspection already has a visit with this number.",
        form=VisitForm,
    ),
    rule(
        "visit-kind-off-the-list",
        factories.VisitFactory,
        {"kind": "social_call"},
        "Choose a kind of visit from the list.",
        on_field="kind",
    ),
    rule(
        "visit-covers-an-area-twice",
        second_link,
        lambda link: {"area": other(link).area},
        "The visit already covers this area.",
    ),
    rule(
        "two-areas-in-one-place-in-the-letter",
        second_link,
        lambda link: {"position": other(link).position},
        "Another area already has this place in the letter.",
    ),
]


class TestInspectionRules(RuleTests):
    rules = RULES


@pytest.mark.parametrize(
    "factory",
    [
        factories.InspectionFactory,
        factories.JudgementFactory,
        factories.AreaOfConcernFactory,
        factories.VisitFactory,
        factories.VisitAreaFactory,
    ],
)
def test_it_accepts_a_valid_record(factory):
    factory().full_clean()


def unnumbered_focused_visit_after(first):
    return factories.VisitFactory.build(
        authority=first.authority, follows=first.follows, kind=Visit.Kind.FOCUSED, number=None
    )


def test_it_accepts_two_unnumbered_focused_visits_after_one_inspection():
    first = factories.VisitFactory(kind=Visit.Kind.FOCUSED, number=None)
    unnumbered_focused_visit_after(first).full_clean()


def test_it_stores_two_unnumbered_focused_visits_after_one_inspection():
    first = factories.VisitFactory(kind=Visit.Kind.FOCUSED, number=None)
    unnumbered_focused_visit_after(first).save()
    assert Visit.objects.filter(follows=first.follows, number=None).count() == 2


def test_it_accepts_the_same_number_after_another_inspection():
    first = factories.VisitFactory(number=1)
    later = factories.InspectionFactory(
        start_date=datetime.date(2023, 5, 1), end_date=None, published_on=None
    )
    factories.VisitFactory.build(authority=first.authority, follows=later, number=1).full_clean()
