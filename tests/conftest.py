"""Fixtures shared by the whole suite, and the rules for tests that need servers.

A test marked ``requires_postgres`` or ``requires_redis`` runs against the real
server named by DATABASE_URL or REDIS_URL. Where that server is absent the test
is skipped with the reason; with REQUIRE_SERVICES=1 (as CI sets it) the same
absence is a failure, so a green CI run means those tests really ran. Tests
marked ``browser`` (tests/browser/) are held to the same rule for Chromium, the
built styles and axe-core.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from accounts.roles import (
    IMPROVEMENT_TEAM,
    ROLES,
    SCRUTINY_MEMBER,
    SENIOR_LEADER,
    sync_role_permissions,
)

from . import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing(reason):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_unavailable_reason():
    url = settings.REDIS_URL
    if not url:
        return "REDIS_URL is not set, so there is no Redis server to test against"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at {url} did not answer: {error}"
    return None


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_NEEDS = {
    "static/dist/app.css": "the styles are not built (run `make assets`)",
    "node_modules/axe-core/axe.min.js": "axe-core is not installed (run `make assets`)",
}


def browser_unavailable_reason():
    """Why the browser tests (marked ``browser``) cannot run here, or None."""
    if not Path(CHROMIUM).is_file():
        return (
            f"Chromium is not at {CHROMIUM} (as root: apt-get install -y chromium; "
            "or set CHROMIUM to its path)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    for path, reason in BROWSER_NEEDS.items():
        if not (Path(settings.BASE_DIR) / path).is_file():
            return reason
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser"):
        reason = browser_unavailable_reason()
        if reason:
            _missing(reason)
    if item.get_closest_marker("requires_postgres") and connection.vendor != "postgresql":
        _missing(
            f"this test needs PostgreSQL; the database is {connection.vendor} "
            "(set DATABASE_URL=postgres://...)"
        )
    if item.get_closest_marker("requires_redis"):
        reason = redis_unavailable_reason()
        if reason:
            _missing(reason)
    if item.get_closest_marker("requires_seeds") and not Path(settings.SEEDS_DIR).is_dir():
        pytest.skip(f"the seed documents are not at {settings.SEEDS_DIR}")


@pytest.fixture(autouse=True)
def roles_after_a_flush(request):
    """The roles a transactional test finds, as migrations made them.

    Such a test ends by emptying every table, the roles (groups) a data migration
    made included, and pytest-django runs these tests last, one after another: so
    each puts the roles back first if an earlier one's flush took them away.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    if not Group.objects.filter(name__in=ROLES).exists():
        from django.apps import apps

        sync_role_permissions(apps)


@pytest.fixture
def improvement_officer(db):
    return factories.UserFactory(role=IMPROVEMENT_TEAM, full_name="Imogen Team")


@pytest.fixture
def senior_leader(db):
    return factories.UserFactory(role=SENIOR_LEADER, full_name="Sam Leader")


@pytest.fixture
def scrutiny_member(db):
    return factories.UserFactory(role=SCRUTINY_MEMBER, full_name="Councillor Cara Scrutiny")


@pytest.fixture
def action_owner(db):
    return factories.UserFactory(full_name="Owen Owner", job_title="Head of Service")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(full_name="Ada Admin", is_superuser=True, is_staff=True)


@pytest.fixture
def team(client, improvement_officer):
    """The test client, signed in as a member of the improvement team."""
    client.force_login(improvement_officer)
    return client


@pytest.fixture
def councillor(client, scrutiny_member):
    """The test client, signed in as a scrutiny committee member (read-only)."""
    client.force_login(scrutiny_member)
    return client


@pytest.fixture
def roles_exist(db):
    roles = [IMPROVEMENT_TEAM, SENIOR_LEADER, SCRUTINY_MEMBER]
    assert Group.objects.filter(name__in=roles).count() == 3
