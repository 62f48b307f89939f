"""The production settings pass Django's deployment checklist, and sessions end after
SESSION_IDLE_MINUTES without a request, in every environment."""

import datetime
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .. import factories

ROOT = Path(__file__).resolve().parents[2]
START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=datetime.UTC)


def run_in_production(arguments, **env):
    """``arguments`` run by a fresh interpreter on the production settings, with
    only the environment a council's server would give it (and ``env``)."""
    ours = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SESSION_", "OIDC_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="tracker.council.example",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://tracker.council.example",
        **env,
    )
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_the_deployment_checks_with_no_warnings():
    result = run_in_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNINGS" not in output
    assert "security.W" not in output


PRINT_SESSION_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "age": settings.SESSION_COOKIE_AGE,
    "save_every_request": settings.SESSION_SAVE_EVERY_REQUEST,
    "secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "trusted_origins": settings.CSRF_TRUSTED_ORIGINS,
}))
"""


def test_production_sends_everything_over_https_only():
    result = run_in_production(["-c", PRINT_SESSION_SETTINGS])
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["secure"] is True
    assert loaded["csrf_secure"] is True
    assert loaded["hsts"] == 365 * 24 * 60 * 60
    assert loaded["ssl_redirect"] is True
    assert loaded["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["trusted_origins"] == ["https://tracker.council.example"]


def test_sessions_end_after_thirty_idle_minutes_unless_told_otherwise():
    default = json.loads(run_in_production(["-c", PRINT_SESSION_SETTINGS]).stdout)
    assert default["age"] == 30 * 60
    assert default["save_every_request"] is True
    told = run_in_production(["-c", PRINT_SESSION_SETTINGS], SESSION_IDLE_MINUTES="10")
    assert told.returncode == 0, told.stderr
    assert json.loads(told.stdout)["age"] == 10 * 60


@pytest.fixture
def signed_in(db):
    """A client signed in at START, with the clock held there."""
    with time_machine.travel(START, tick=False) as traveller:
        client = Client()
        client.force_login(factories.UserFactory())
        yield client, traveller


def is_signed_in(client):
    """Whether the home page opens, rather than sending the client to sign in."""
    response = client.get(reverse("home"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("accounts:sign_in")), response.url
        return False
    assert response.status_code == 200
    return True


def test_a_session_left_idle_past_the_limit_is_signed_out(signed_in):
    client, traveller = signed_in
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    traveller.move_to(START + idle - datetime.timedelta(minutes=1))
    assert is_signed_in(client)
    # The request above moved the expiry on: idle past the limit from there.
    traveller.move_to(START + 2 * idle)
    assert not is_signed_in(client)


def test_activity_keeps_a_session_alive_past_the_limit(signed_in):
    client, traveller = signed_in
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    step = idle - datetime.timedelta(minutes=5)
    # A morning's work, a request every 25 minutes: four times the limit in all.
    for visit in range(1, 9):
        traveller.move_to(START + visit * step)
        assert is_signed_in(client), f"signed out after {visit * step} of activity"
    traveller.move_to(START + 8 * step + idle + datetime.timedelta(seconds=1))
    assert not is_signed_in(client)


PROBE_OVER_PLAIN_HTTP = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="tracker.council.example")
print(json.dumps({
    "page": client.get("/accessibility/").status_code,
    "healthz": client.get("/healthz").status_code,
}))
"""


def test_health_probes_over_plain_http_are_answered_not_redirected(tmp_path):
    # Probes inside the network call /healthz without the proxy's HTTPS header;
    # every other page still redirects to HTTPS.
    result = run_in_production(
        ["-c", PROBE_OVER_PLAIN_HTTP], DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout.strip().splitlines()[-1])
    assert codes["page"] == 301
    # The database answers and no Redis is configured, so the check passes.
    assert codes["healthz"] == 200
