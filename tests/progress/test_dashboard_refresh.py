"""The dashboard's figures are refreshed off the request path after a change.

A committed change queues ``progress.tasks.refresh_dashboard``; in tests it runs
in-process as soon as the change commits (``django_capture_on_commit_callbacks``
with ``execute=True`` plays the commit). Capturing the callbacks without running
them is the moment between a change and its refresh, when a leader is shown the
figures from before the change, marked as such.
"""

import datetime
import logging
import os
import socket
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.audit import save_as
from actions.models import Status
from progress import dashboard, tasks
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("progress:dashboard")
# Mid-morning, so that moving the clock on by minutes never crosses midnight.
MORNING = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
NOTICE = "they are being brought up to date"


@pytest.fixture(autouse=True)
def empty_cache():
    dashboard.forget_figures()
    yield
    dashboard.forget_figures()


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def blocked_count(response):
    rows = response.context["by_status"]
    return next(row.count for row in rows if row.params == {"status": Status.BLOCKED.value})


def view(client):
    """The page, the number of queries it ran, and whether it worked the figures out."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    worked_out = any("due_band" in query["sql"] for query in captured.captured_queries)
    return response, len(captured), worked_out


def cached_path_queries(client):
    """Queries of a view served from the cache: the figures are viewed twice."""
    view(client)
    _, queries, worked_out = view(client)
    assert not worked_out
    return queries


def block(action, user):
    action.status = Status.BLOCKED
    save_as(action, user)


def test_a_committed_change_is_counted_before_the_next_view_without_working_it_out(
    client, senior_leader, django_capture_on_commit_callbacks
):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    cached_queries = cached_path_queries(client)
    with django_capture_on_commit_callbacks(execute=True):
        block(action, senior_leader)
    response, queries, worked_out = view(client)
    assert blocked_count(response) == 1
    assert not worked_out
    assert queries == cached_queries
    assert NOTICE not in response.content.decode()


def test_before_the_refresh_runs_it_shows_the_figures_from_before_with_a_notice(
    client, senior_leader, django_capture_on_commit_callbacks, clock
):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    cached_queries = cached_path_queries(client)
    clock.shift(datetime.timedelta(seconds=20))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        block(action, senior_leader)
    assert tasks.request_refresh in callbacks

    response, queries, worked_out = view(client)
    page = response.content.decode()
    assert blocked_count(response) == 0
    assert "These figures are as at 10:00; they are being brought up to date." in page
    assert not worked_out
    assert queries == cached_queries

    for callback in callbacks:
        callback()
    response, queries, worked_out = view(client)
    assert blocked_count(response) == 1
    assert NOTICE not in response.content.decode()
    assert "Figures worked out at 10:00" in response.content.decode()
    assert not worked_out


def test_figures_older_than_the_grace_period_are_worked_out_again_when_no_refresh_is_queued(
    client, senior_leader, django_capture_on_commit_callbacks, clock
):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    view(client)
    with django_capture_on_commit_callbacks(execute=False):
        block(action, senior_leader)
    clock.shift(datetime.timedelta(seconds=settings.DASHBOARD_REFRESH_GRACE + 1))
    response, _, worked_out = view(client)
    assert worked_out
    assert blocked_count(response) == 1
    assert "Figures worked out at 10:01" in response.content.decode()
    assert NOTICE not in response.content.decode()


def test_old_figures_are_shown_while_a_queued_refresh_holds_the_lock(
    client, senior_leader, django_capture_on_commit_callbacks, clock
):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    view(client)
    clock.shift(datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False):
        block(action, senior_leader)
    # A one-second grace, so the lock lapses in real time too (Redis keeps its own).
    with override_settings(DASHBOARD_REFRESH_GRACE=1):
        assert dashboard.take_refresh_lock()  # as request_refresh does before queueing
        response, _, worked_out = view(client)
        assert not worked_out
        assert blocked_count(response) == 0
        assert NOTICE in response.content.decode()
        # The lock lapses: a refresh lost with its worker holds nobody up for longer.
        clock.shift(datetime.timedelta(seconds=2))
        time.sleep(1.2)
        response, _, worked_out = view(client)
    assert worked_out
    assert blocked_count(response) == 1


def test_the_first_view_works_the_figures_out(client, senior_leader):
    factories.ImprovementActionFactory(status=Status.BLOCKED)
    client.force_login(senior_leader)
    response, _, worked_out = view(client)
    assert worked_out
    assert blocked_count(response) == 1
    assert NOTICE not in response.content.decode()
    assert "Figures worked out at" in response.content.decode()


def test_a_change_before_anyone_has_looked_today_works_nothing_out(
    senior_leader, django_capture_on_commit_callbacks
):
    action = factories.ImprovementActionFactory()
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        block(action, senior_leader)
    assert not any("due_band" in query["sql"] for query in captured.captured_queries)
    assert not dashboard.viewed_today(timezone.localdate())


def test_a_refresh_already_queued_is_not_queued_again(
    client, senior_leader, django_capture_on_commit_callbacks
):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    view(client)
    assert dashboard.take_refresh_lock()  # a refresh is queued or running
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        block(action, senior_leader)
    assert not any("due_band" in query["sql"] for query in captured.captured_queries)
    # The queued refresh, when it runs, counts the change and frees the lock.
    tasks.refresh_dashboard.delay()
    response, _, worked_out = view(client)
    assert not worked_out
    assert blocked_count(response) == 1
    assert dashboard.take_refresh_lock()


def test_the_refresh_works_the_figures_out_once_however_often_it_runs(
    client, senior_leader, django_capture_on_commit_callbacks
):
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    view(client)
    with django_capture_on_commit_callbacks(execute=False):
        block(action, senior_leader)
    with CaptureQueriesContext(connection) as captured:
        first = tasks.refresh_dashboard.delay().get()
        second = tasks.refresh_dashboard.delay().get()
    assert first == second == dashboard.data_stamp()
    assert sum("due_band" in query["sql"] for query in captured.captured_queries) == 1
    response, _, worked_out = view(client)
    assert not worked_out
    assert blocked_count(response) == 1


def test_signing_in_queues_no_refresh(senior_leader, django_capture_on_commit_callbacks):
    senior_leader.last_login = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        senior_leader.save(update_fields=["last_login"])
    assert tasks.request_refresh not in callbacks


def test_removing_an_area_from_an_action_queues_a_refresh(
    senior_leader, django_capture_on_commit_callbacks
):
    area = factories.AreaOfConcernFactory()
    action = factories.ImprovementActionFactory()
    action.areas.add(area)
    with django_capture_on_commit_callbacks() as callbacks:
        action.areas.remove(area)
    assert tasks.request_refresh in callbacks


def unused_port():
    """A local port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_the_cache_down_the_page_is_worked_out_and_a_warning_logged(
    client, senior_leader, django_capture_on_commit_callbacks, caplog
):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    action = factories.ImprovementActionFactory()
    client.force_login(senior_leader)
    with override_settings(CACHES=down), caplog.at_level(logging.WARNING, "progress.dashboard"):
        response, _, worked_out = view(client)
        assert worked_out
        assert blocked_count(response) == 0
        with django_capture_on_commit_callbacks(execute=True):
            block(action, senior_leader)
        response, _, worked_out = view(client)
        assert worked_out
        assert blocked_count(response) == 1
    assert any("Connection refused" in record.getMessage() for record in caplog.records)


READ_FROM_ANOTHER_PROCESS = """
import django, sys
django.setup()
from django.core.cache import cache
found = cache.get(sys.argv[1])
print(" ".join(str(row.count) for row in found["by_status"]) if found else "nothing")
"""


@pytest.mark.requires_redis
def test_with_redis_every_process_shares_the_figures(client, senior_leader):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    factories.ImprovementActionFactory(status=Status.BLOCKED)
    factories.ImprovementActionFactory(status=Status.IN_PROGRESS)
    client.force_login(senior_leader)
    response, _, _ = view(client)
    shown = " ".join(str(row.count) for row in response.context["by_status"])
    key = dashboard.figures_key(timezone.localdate(), dashboard.data_stamp())
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    another = subprocess.run(
        [sys.executable, "-c", READ_FROM_ANOTHER_PROCESS, key],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert another.stdout.strip() == shown


def test_the_beat_works_out_each_days_figures_before_the_working_day():
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["dashboard: the day's figures worked out at 05:00"]
    assert entry["task"] == "progress.tasks.refresh_dashboard"
    assert entry["schedule"] == crontab(minute=0, hour=5)


def test_after_the_early_refresh_the_first_look_of_the_day_works_nothing_out(
    client, senior_leader
):
    factories.ImprovementActionFactory(status=Status.BLOCKED)
    with time_machine.travel(MORNING.replace(hour=5), tick=False):
        # Nobody has looked today: the scheduled run works them out regardless.
        assert not dashboard.viewed_today(timezone.localdate())
        tasks.refresh_dashboard.delay()
    with time_machine.travel(MORNING.replace(hour=8, minute=30), tick=False):
        client.force_login(senior_leader)
        response, _, worked_out = view(client)
    assert not worked_out
    assert blocked_count(response) == 1
    assert NOTICE not in response.content.decode()
