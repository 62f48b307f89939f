"""``may(user, verb, obj)``: what each role may do to each kind of record."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone

from accounts.access import may
from accounts.models import User
from actions.models import Impact, ImprovementAction, Status
from findings.models import Finding
from inspections.models import Visit

from .. import factories

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS,
    "scrutiny_member",
    "action_owner",
    "senior_leader",
    "improvement_officer",
    "superuser",
]
SIGNED_IN_ROLES = ROLES[1:]


@pytest.fixture
def person(request):
    """The person in each role, by the name of the fixture that makes them."""
    if request.param == ANONYMOUS:
        return AnonymousUser()
    return request.getfixturevalue(request.param)


def published_visit(_person):
    return factories.VisitFactory()


def published_finding(_person):
    return factories.FindingFactory()


def someone_elses_action(_person):
    return factories.ImprovementActionFactory()


def own_action(person):
    return factories.ImprovementActionFactory(owner=person if person.is_authenticated else None)


def action_ready_for_sign_off(_person):
    return factories.ImprovementActionFactory(
        status=Status.COMPLETED, completed_on=datetime.date(2025, 2, 1), impact=Impact.EVIDENCED
    )


def action_not_ready_for_sign_off(_person):
    return factories.ImprovementActionFactory(
        status=Status.COMPLETED, completed_on=datetime.date(2025, 2, 1), impact=Impact.EMERGING
    )


RECORDS = {
    "visit": published_visit,
    "finding": published_finding,
    "action": someone_elses_action,
}

# What each role may do to a published visit, a published finding and an action
# someone else owns.
MAY_CRUD = {
    ANONYMOUS: set(),
    "scrutiny_member": {"view"},
    "action_owner": set(),
    "senior_leader": {"view"},
    "improvement_officer": {"view", "add", "change", "delete"},
    "superuser": {"view", "add", "change", "delete"},
}

# (verb, record) pairs beyond the model permissions, and who may.
SPECIAL = {
    ("post_update", own_action): {
        "action_owner",
        "senior_leader",
        "improvement_officer",
        "superuser",
    },
    ("post_update", someone_elses_action): {"improvement_officer", "superuser"},
    ("sign_off", action_ready_for_sign_off): {"senior_leader", "superuser"},
    ("sign_off", action_not_ready_for_sign_off): set(),
    ("view_history", someone_elses_action): {"senior_leader", "improvement_officer", "superuser"},
    ("restore", someone_elses_action): {"improvement_officer", "superuser"},
    ("view", own_action): {
        "scrutiny_member",
        "action_owner",
        "senior_leader",
        "improvement_officer",
        "superuser",
    },
}

CRUD_CASES = [
    pytest.param(role, verb, make, verb in MAY_CRUD[role], id=f"{role}-{verb}-{name}")
    for role in ROLES
    for verb in ("view", "add", "change", "delete")
    for name, make in RECORDS.items()
]

SPECIAL_CASES = [
    pytest.param(role, verb, make, role in allowed, id=f"{role}-{verb}-{make.__name__}")
    for role in ROLES
    for (verb, make), allowed in SPECIAL.items()
]


@pytest.mark.parametrize(("person", "verb", "make", "allowed"), CRUD_CASES, indirect=["person"])
def test_it_gives_each_role_its_model_permissions(person, verb, make, allowed):
    assert may(person, verb, make(person)) is allowed


@pytest.mark.parametrize(("person", "verb", "make", "allowed"), SPECIAL_CASES, indirect=["person"])
def test_it_decides_updates_sign_off_history_and_restoring_by_role(person, verb, make, allowed):
    assert may(person, verb, make(person)) is allowed


@pytest.mark.parametrize(
    ("person", "model", "allowed"),
    [
        pytest.param(role, model, "add" in MAY_CRUD[role], id=f"{role}-{model.__name__}")
        for role in ROLES
        for model in (Visit, Finding, ImprovementAction)
    ],
    indirect=["person"],
)
def test_it_answers_for_a_model_as_well_as_a_record(person, model, allowed):
    assert may(person, "add", model) is allowed


def the_visit_model(_person):
    return Visit


WRITES = [
    ("add", the_visit_model, "inspections.add_visit"),
    ("change", published_visit, "inspections.change_visit"),
    ("delete", published_finding, "findings.delete_finding"),
    ("change", someone_elses_action, "actions.change_improvementaction"),
    ("post_update", someone_elses_action, "actions.change_improvementaction"),
    ("sign_off", action_ready_for_sign_off, "actions.sign_off_impact"),
    ("restore", someone_elses_action, "accounts.restore_deleted"),
]


@pytest.mark.parametrize(
    ("verb", "make", "permission"),
    [pytest.param(*write, id=f"{write[0]}-{write[2]}") for write in WRITES],
)
def test_it_refuses_scrutiny_members_writes_given_to_them_by_mistake(
    scrutiny_member, verb, make, permission
):
    app_label, codename = permission.split(".")
    scrutiny_member.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    member = User.objects.get(pk=scrutiny_member.pk)  # a fresh permission cache
    assert member.has_perm(permission)
    assert may(member, verb, make(member)) is False


def unpublished_visit():
    return factories.VisitFactory(is_published=False, published_on=None)


INTERNAL_RECORDS = {
    "unpublished-visit": unpublished_visit,
    "finding-of-an-unpublished-visit": lambda: factories.FindingFactory(visit=unpublished_visit()),
    "rating-at-an-unpublished-visit": lambda: factories.AreaRatingFactory(
        visit=unpublished_visit()
    ),
    "area-of-an-unpublished-visit": lambda: factories.VisitAreaFactory(visit=unpublished_visit()),
    "unpublished-inspection": lambda: factories.InspectionFactory(published_on=None),
    "area-found-at-an-unpublished-inspection": lambda: factories.AreaOfConcernFactory(
        identified_at=factories.InspectionFactory(published_on=None)
    ),
    "judgement-of-an-unpublished-inspection": lambda: factories.JudgementFactory(
        inspection=factories.InspectionFactory(published_on=None)
    ),
    "update-not-for-scrutiny": lambda: factories.ActionUpdateFactory(shareable_with_scrutiny=False),
    "evidence": factories.EvidenceFactory,
}


@pytest.mark.parametrize(
    ("person", "make", "allowed"),
    [
        pytest.param(role, make, allowed, id=f"{role}-{name}")
        for name, make in INTERNAL_RECORDS.items()
        for role, allowed in [
            ("scrutiny_member", False),
            ("senior_leader", True),
            ("improvement_officer", True),
        ]
    ],
    indirect=["person"],
)
def test_it_shows_internal_records_to_officers_only(person, make, allowed):
    assert may(person, "view", make()) is allowed


@pytest.mark.parametrize(
    ("person", "shareable"),
    [("scrutiny_member", True), ("senior_leader", True), ("senior_leader", False)],
    indirect=["person"],
)
def test_it_shows_an_update_marked_for_scrutiny(person, shareable):
    update = factories.ActionUpdateFactory(shareable_with_scrutiny=shareable)
    assert may(person, "view", update) is True


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_it_refuses_an_unknown_verb(person):
    with pytest.raises(ValueError, match="frobnicate"):
        may(person, "frobnicate", factories.VisitFactory())


@pytest.mark.parametrize(
    ("person", "verb", "make"),
    [
        pytest.param(role, verb, make, id=f"{role}-{verb}-{make.__name__}")
        for role in SIGNED_IN_ROLES
        for verb, make in [
            ("view", published_visit),
            ("change", published_visit),
            ("view", own_action),
            ("post_update", own_action),
            ("sign_off", action_ready_for_sign_off),
            ("view_history", published_visit),
            ("restore", published_visit),
        ]
    ],
    indirect=["person"],
)
def test_it_lets_inactive_people_do_nothing(person, verb, make):
    record = make(person)
    person.is_active = False
    assert may(person, verb, record) is False


def test_it_lets_nobody_sign_off_twice(senior_leader):
    action = action_ready_for_sign_off(senior_leader)
    action.signed_off_by, action.signed_off_at = senior_leader, timezone.now()
    action.save()
    assert may(senior_leader, "sign_off", action) is False


def test_it_refuses_everything_when_there_is_no_user():
    assert may(None, "view", factories.VisitFactory()) is False
