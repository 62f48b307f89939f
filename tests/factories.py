"""Factories for every model. Each ``create`` goes through ``save()``, so each
object they make has its history row, as real writes do."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from actions.models import ActionUpdate, Evidence, ImprovementAction
from findings.models import AreaRating, Finding
from inspections.models import (
    AreaOfConcern,
    Grade,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)
from measures.models import Measure, MeasureValue, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@council.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Service manager"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ["name"]

    name = "Devon County Council"
    ofsted_code = "878"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    authority = factory.SubFactory(LocalAuthorityFactory)
    kind = Inspection.Kind.ILACS_STANDARD
    start_date = datetime.date(2020, 1, 13)
    end_date = datetime.date(2020, 1, 24)
    published_on = datetime.date(2020, 3, 17)


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement

    inspection = factory.SubFactory(InspectionFactory)
    area = Judgement.Area.OVERALL
    grade = Grade.INADEQUATE


class AreaOfConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaOfConcern

    identified_at = factory.SubFactory(InspectionFactory)
    title = factory.Sequence(lambda n: f"Area of concern {n}")
    description = "Why inspectors were concerned."


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    authority = factory.SubFactory(LocalAuthorityFactory)
    follows = factory.SubFactory(InspectionFactory, authority=factory.SelfAttribute("..authority"))
    kind = Visit.Kind.MONITORING
    number = factory.Sequence(lambda n: n + 1)
    start_date = datetime.date(2024, 3, 5)
    end_date = datetime.date(2024, 3, 6)
    letter_date = datetime.date(2024, 3, 28)
    is_published = True
    published_on = datetime.date(2024, 4, 10)
    inspectors = "First Inspector\nSecond Inspector"


class VisitAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitArea

    visit = factory.SubFactory(VisitFactory)
    area = factory.SubFactory(AreaOfConcernFactory)
    position = factory.Sequence(lambda n: n + 1)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    visit = factory.SubFactory(VisitFactory)
    area = None
    kind = Finding.Kind.AREA_FOR_IMPROVEMENT
    section = Finding.Section.DETAILED
    summary = factory.Sequence(lambda n: f"Finding {n}")
    evidence = "What the letter said."


class AreaRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaRating

    visit = factory.SubFactory(VisitFactory)
    area = factory.SubFactory(AreaOfConcernFactory)
    rating = AreaRating.Rating.SOME_PROGRESS
    commentary = "Some progress since the last visit."


class ImprovementActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementAction

    title = factory.Sequence(lambda n: f"Improvement action {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=60))


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ImprovementActionFactory)
    author = factory.SelfAttribute("action.owner")
    note = "Progress this month."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    action = factory.SubFactory(ImprovementActionFactory)
    title = "Audit summary"
    url = "https://council.example/audit-summary"
    added_by = factory.SelfAttribute("action.owner")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Children seen alone at assessment {n}")
    unit = Unit.PERCENTAGE
    higher_is_better = True
    target = Decimal("90")
    shareable_with_scrutiny = True

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureValue

    measure = factory.SubFactory(MeasureFactory)
    period = datetime.date(2024, 1, 1)
    value = Decimal("80")
