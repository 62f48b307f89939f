"""The three roles exist after ``migrate`` with exactly the permissions they should hold."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import (
    IMPROVEMENT_TEAM,
    ROLE_PERMISSIONS,
    SCRUTINY_MEMBER,
    SENIOR_LEADER,
)

pytestmark = pytest.mark.django_db


def held(role):
    group = Group.objects.get(name=role)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


@pytest.mark.parametrize("role", [IMPROVEMENT_TEAM, SENIOR_LEADER, SCRUTINY_MEMBER])
def test_it_creates_each_role_with_its_permissions(role):
    assert held(role) == ROLE_PERMISSIONS[role]


def test_it_gives_scrutiny_members_nothing_but_view_permissions():
    assert held(SCRUTINY_MEMBER)
    assert all(p.split(".")[1].startswith("view_") for p in held(SCRUTINY_MEMBER))


def test_it_keeps_evidence_and_the_audit_log_from_scrutiny_members():
    assert "actions.view_evidence" not in held(SCRUTINY_MEMBER)
    assert "accounts.view_audit_log" not in held(SCRUTINY_MEMBER)


def test_it_lets_only_senior_leaders_sign_off_impact():
    assert "actions.sign_off_impact" in held(SENIOR_LEADER)
    assert "actions.sign_off_impact" not in held(IMPROVEMENT_TEAM)
    assert "actions.sign_off_impact" not in held(SCRUTINY_MEMBER)


def test_it_lets_the_improvement_team_change_and_delete_every_domain_record():
    perms = held(IMPROVEMENT_TEAM)
    for model in ["visit", "finding", "arearating", "improvementaction", "actionupdate"]:
        app = {"visit": "inspections", "finding": "findings", "arearating": "findings"}.get(
            model, "actions"
        )
        assert f"{app}.change_{model}" in perms
        assert f"{app}.delete_{model}" in perms


def test_senior_leaders_cannot_change_records():
    writes = ("add_", "change_", "delete_")
    assert not any(p.split(".")[1].startswith(writes) for p in held(SENIOR_LEADER))
