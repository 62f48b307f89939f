"""The three roles exist after ``migrate`` with exactly the permissions they should hold."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from accounts.roles import (
    IMPROVEMENT_TEAM,
    ROLE_PERMISSIONS,
    ROLES,
    SCRUTINY_MEMBER,
    SENIOR_LEADER,
    sync_role_permissions,
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


def test_it_puts_the_roles_back_with_the_running_apps():
    Group.objects.filter(name__in=ROLES).delete()
    sync_role_permissions(apps)
    assert {role: held(role) for role in ROLES} == {role: ROLE_PERMISSIONS[role] for role in ROLES}


def test_it_leaves_the_running_apps_as_they_were_after_putting_the_roles_back():
    # Transactional tests' flushes rely on post_migrate, which skips any app whose
    # models_module is None.
    before = {config.label: config.models_module for config in apps.get_app_configs()}
    sync_role_permissions(apps)
    assert {config.label: config.models_module for config in apps.get_app_configs()} == before
