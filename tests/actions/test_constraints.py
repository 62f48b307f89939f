"""Improvement actions, their updates and evidence refuse impossible data, in the
forms and in the database."""

import datetime

import pytest
from django.utils import timezone

from actions.forms import ActionUpdateForm, EvidenceForm, ImprovementActionForm
from actions.models import Impact, Status

from .. import factories
from ..rules import RuleTests, rule

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 10)
SIGN_OFF_RULE = "A sign-off records who and when, and only for evidenced impact."
COMPLETION_RULE = (
    "A completed action needs the date it was completed, and only a completed action has one."
)


def started_action():
    return factories.ImprovementActionFactory(start_date=START, due_date=datetime.date(2025, 3, 31))


def signed_off_by_someone(_action):
    return {"impact": Impact.EVIDENCED, "signed_off_by": factories.UserFactory()}


def signed_off_by_someone_at_some_time(_action):
    return {"signed_off_by": factories.UserFactory(), "signed_off_at": timezone.now()}


RULES = [
    rule(
        "due-before-it-starts",
        started_action,
        {"due_date": START - datetime.timedelta(days=1)},
        "The due date cannot be before the start date.",
        form=ImprovementActionForm,
    ),
    rule(
        "completed-without-a-date",
        started_action,
        {"status": Status.COMPLETED},
        COMPLETION_RULE,
        form=ImprovementActionForm,
        form_message="Enter the date the action was completed",
    ),
    rule(
        "completion-date-on-an-open-action",
        started_action,
        {"status": Status.IN_PROGRESS, "completed_on": datetime.date(2025, 2, 1)},
        COMPLETION_RULE,
        form=ImprovementActionForm,
        form_message="Leave the completion date blank unless the status is completed",
    ),
    rule(
        "completed-before-it-started",
        started_action,
        {"status": Status.COMPLETED, "completed_on": START - datetime.timedelta(days=5)},
        "An action cannot be completed before it started.",
        form=ImprovementActionForm,
    ),
    rule(
        "signed-off-without-when",
        started_action,
        signed_off_by_someone,
        SIGN_OFF_RULE,
    ),
    rule(
        "signed-off-without-who",
        started_action,
        {"impact": Impact.EVIDENCED, "signed_off_at": timezone.now()},
        SIGN_OFF_RULE,
    ),
    rule(
        "signed-off-before-impact-is-evidenced",
        started_action,
        signed_off_by_someone_at_some_time,
        SIGN_OFF_RULE,
    ),
    rule(
        "action-status-off-the-list",
        started_action,
        {"status": "abandoned"},
        "Choose a status from the list.",
        on_field="status",
    ),
    rule(
        "action-impact-off-the-list",
        started_action,
        {"impact": "transformational"},
        "Choose an impact from the list.",
        on_field="impact",
    ),
    rule(
        "action-priority-off-the-list",
        started_action,
        {"priority": 9},
        "Choose a priority from the list.",
        on_field="priority",
    ),
    rule(
        "update-without-a-note",
        factories.ActionUpdateFactory,
        {"note": ""},
        "Enter a note about progress.",
        form=ActionUpdateForm,
        on_field="note",
    ),
    rule(
        "update-status-off-the-list",
        factories.ActionUpdateFactory,
        {"new_status": "abandoned"},
        "Choose a status from the list.",
        on_field="new_status",
    ),
    rule(
        "update-impact-off-the-list",
        factories.ActionUpdateFactory,
        {"new_impact": "transformational"},
        "Choose an impact from the list.",
        on_field="new_impact",
    ),
    rule(
        "evidence-both-a-file-and-a-link",
        factories.EvidenceFactory,
        {"file": "evidence/2025/01/audit-summary.pdf"},
        "Give either a file or a link, not both.",
    ),
    rule(
        "evidence-neither-a-file-nor-a-link",
        factories.EvidenceFactory,
        {"url": ""},
        "Give either a file or a link, not both.",
        form=EvidenceForm,
    ),
]


class TestActionRules(RuleTests):
    rules = RULES


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="not-started"),
        pytest.param(
            {"status": Status.COMPLETED, "completed_on": START, "impact": Impact.EVIDENCED},
            id="completed-the-day-it-started",
        ),
        pytest.param({"due_date": START}, id="due-the-day-it-starts"),
        pytest.param({"start_date": None}, id="no-start-date"),
    ],
)
def test_it_accepts_a_valid_action(changes):
    action = started_action()
    for name, value in changes.items():
        setattr(action, name, value)
    action.full_clean()


def test_it_accepts_a_sign_off_with_who_when_and_evidenced_impact(senior_leader):
    action = factories.ImprovementActionFactory(
        status=Status.COMPLETED,
        completed_on=datetime.date(2025, 2, 1),
        impact=Impact.EVIDENCED,
        signed_off_by=senior_leader,
        signed_off_at=timezone.now(),
    )
    action.full_clean()


@pytest.mark.parametrize("factory", [factories.ActionUpdateFactory, factories.EvidenceFactory])
def test_it_accepts_a_valid_record(factory):
    factory().full_clean()
