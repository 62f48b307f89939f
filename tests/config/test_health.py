"""/healthz (config/health.py): each part's state and nothing else, without sign-in;
200 when everything needed is up, 503 naming what is down. The parts are really
stopped: a private Redis, a private PostgreSQL, a real Celery worker."""

import shutil
import time

import pytest
from django.urls import reverse

from tests import walk
from tests.actions.reminder_processes import Worker

from .servers import Gunicorn, PrivatePostgres, PrivateRedis, postgres_bin_dir, wait_for

pytestmark = pytest.mark.django_db

EMBEDDED = {"database": "ok", "redis": "not configured", "celery": "not configured"}


def health(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_it_is_at_healthz_and_walked_as_a_public_page():
    assert reverse("healthz") == "/healthz"
    assert "healthz" in walk.PUBLIC_PAGES


def test_without_redis_url_redis_and_celery_are_not_configured_and_not_failures(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": EMBEDDED}
    assert response["Content-Type"] == "application/json"
    # Never cached by a proxy: a stale "ok" would hide an outage.
    assert "no-store" in response["Cache-Control"]


def test_it_answers_without_sign_in_and_only_to_reading(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").status_code == 200  # not a redirect to sign in
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_it_names_no_host_port_or_error_when_a_part_is_down(client, settings):
    closed_port = 1  # nothing listens on port 1 on a test machine
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.content.decode()
    assert response.json() == {
        "status": "down",
        "checks": {"database": "ok", "redis": "down", "celery": "not configured"},
    }
    for leak in ("127.0.0.1", "refused", "Error", "redis://", str(closed_port) + "/"):
        assert leak not in body


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_it_is_503_naming_redis_once_redis_is_stopped(client, settings):
    redis_server = PrivateRedis()
    try:
        settings.REDIS_URL = redis_server.url
        assert health(client) == (
            200,
            {"status": "ok", "checks": {**EMBEDDED, "redis": "ok"}},
        )
        redis_server.stop()
        started = time.monotonic()
        status, body = health(client)
        assert status == 503
        assert body == {"status": "down", "checks": {**EMBEDDED, "redis": "down"}}
        # With tasks sent to a worker, no broker means no worker can answer either;
        # said at once rather than after kombu's reconnection attempts.
        settings.CELERY_TASK_ALWAYS_EAGER = False
        status, body = health(client)
        assert (status, body["checks"]["celery"]) == (503, "down")
        assert time.monotonic() - started < 5
    finally:
        redis_server.stop()


@pytest.mark.requires_postgres
@pytest.mark.requires_redis
def test_it_is_200_once_a_real_worker_answers_and_503_naming_celery_before(
    client, settings, tmp_path
):
    # The test settings run tasks in-process; here they go to a worker, as in production.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    status, body = health(client)
    assert status == 503, body
    assert body["checks"] == {"database": "ok", "redis": "ok", "celery": "down"}

    worker = Worker(tmp_path, "django.core.mail.backends.locmem.EmailBackend", concurrency=1)
    try:
        wait_for(lambda: health(client)[0] == 200, 60, worker.log)
        assert health(client) == (
            200,
            {"status": "ok", "checks": {"database": "ok", "redis": "ok", "celery": "ok"}},
        )
    finally:
        worker.kill()


@pytest.mark.skipif(not postgres_bin_dir(), reason="PostgreSQL's initdb and pg_ctl are not here")
def test_it_is_503_naming_the_database_once_the_database_is_stopped(tmp_path):
    """gunicorn with config/gunicorn.py and the production settings, on a private
    PostgreSQL that is then shut down."""
    database = PrivatePostgres()
    server = None
    try:
        server = Gunicorn(tmp_path, DATABASE_URL=database.url)
        assert server.get("/healthz") == (200, {"status": "ok", "checks": EMBEDDED})
        database.stop()
        status, body = server.get("/healthz")
        assert status == 503, server.log()
        assert body == {"status": "down", "checks": {**EMBEDDED, "database": "down"}}
    finally:
        if server is not None:
            server.stop()
        database.remove()
