"""Settings come from the environment: each test loads a settings module in a
fresh interpreter with exactly the environment it names."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
}))
"""


def load_settings(module, **env):
    ours = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_defaults_to_sqlite_in_process_tasks_and_console_email():
    result = load_settings("config.settings.local")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"].endswith("db.sqlite3")
    assert loaded["eager"] is True
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"


def test_it_uses_postgresql_redis_and_smtp_when_the_environment_says_so():
    result = load_settings(
        "config.settings.local",
        DATABASE_URL="postgres://someone@db.example:5432/tracker",
        REDIS_URL="redis://cache.example:6379/0",
        EMAIL_URL="smtp://mail.example:25",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "tracker"
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://cache.example:6379/0"
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = load_settings("config.settings.production", DJANGO_ALLOWED_HOSTS="tracker.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_starts_in_production_with_a_secret_key_and_hosts():
    result = load_settings(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="tracker.example",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_it_speaks_british_english_on_london_time():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.USE_TZ is True


def test_it_writes_dates_the_uk_way():
    with translation.override("en-gb"):
        assert formats.date_format(date(2024, 3, 5)) == "5 March 2024"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


@pytest.mark.requires_redis
def test_it_reaches_the_real_redis_server_named_by_redis_url():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.set("tracker-test-key", "ok", ex=30)
    assert client.get("tracker-test-key") == b"ok"


@pytest.mark.requires_redis
def test_it_sends_celery_messages_through_redis():
    from config.celery_app import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.transport.driver_type == "redis"
