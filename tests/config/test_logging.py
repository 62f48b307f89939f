"""Logs on a council's servers: one JSON object per line (config/logs.py), from
Django with the production settings and from Celery's worker and beat alike."""

import json
import logging
import subprocess
import sys

import pytest

from config.logs import LineJsonFormatter, logging_config

from .servers import ROOT, production_env

LOG_A_RECORD = """
import logging, django
django.setup()
logging.getLogger("actions.reminders").warning(
    "Digest sent", extra={"digest_id": 42, "recipient": "owner@council.example"}
)
"""

LOG_AS_CELERY_DOES = """
import logging, django
django.setup()
from config.celery_app import app
# What `celery worker` and `celery beat` do first: Celery sets up its logging.
app.log.setup(loglevel="INFO")
logging.getLogger("celery.worker.consumer").info("Connected", extra={"broker": "redis"})
"""


def run_with_production_settings(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def json_lines(output):
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_production_settings_write_a_record_as_one_line_of_json_with_its_extra_fields():
    result = run_with_production_settings(LOG_A_RECORD)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    record = json.loads(lines[0])
    assert record["level"] == "WARNING"
    assert record["logger"] == "actions.reminders"
    assert record["message"] == "Digest sent"
    assert record["digest_id"] == 42
    assert record["recipient"] == "owner@council.example"
    # ISO 8601 in UTC.
    assert record["time"].endswith("+00:00") and "T" in record["time"]


def test_log_format_plain_gives_lines_a_person_reads():
    result = run_with_production_settings(LOG_A_RECORD, LOG_FORMAT="plain")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.endswith("WARNING actions.reminders Digest sent")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_an_unknown_log_format_stops_start_up():
    result = run_with_production_settings(LOG_A_RECORD, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be one of json, plain" in result.stderr


def test_celery_logs_through_the_production_logging_too():
    result = run_with_production_settings(LOG_AS_CELERY_DOES)
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert {
        "level": "INFO",
        "logger": "celery.worker.consumer",
        "message": "Connected",
        "broker": "redis",
    }.items() <= records[-1].items()


def test_a_record_with_an_exception_keeps_its_traceback_in_the_one_line():
    formatter = LineJsonFormatter()
    try:
        raise ValueError("bad letter date")
    except ValueError:
        record = logging.LogRecord(
            "findings.importer", logging.ERROR, __file__, 1, "Import failed", None, sys.exc_info()
        )
    line = formatter.format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "Import failed"
    assert "ValueError: bad letter date" in parsed["exc_info"]


def test_the_console_handler_writes_to_stdout_at_the_level_asked_for():
    config = logging_config("json", "WARNING")
    assert config["handlers"]["console"]["stream"] == "ext://sys.stdout"
    assert config["root"] == {"handlers": ["console"], "level": "WARNING"}
    assert config["formatters"]["json"] == {"()": "config.logs.LineJsonFormatter"}


REFUSE_AND_MISS = """
import sys, types, django
django.setup()
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, override_settings
from django.urls import include, path

def refuse(request):
    raise PermissionDenied

def missing(request):
    raise Http404("No such action")

urls = types.ModuleType("refusing_urls")
urls.urlpatterns = [
    path("refuse/", refuse),
    path("missing/", missing),
    path("", include("config.urls")),
]
urls.handler403 = "accounts.views.permission_denied"
urls.handler404 = "accounts.views.page_not_found"
sys.modules["refusing_urls"] = urls
# Production's static files are hashed names from collectstatic, which a test has
# not run; plain names are enough for the error pages here.
plain_static = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
with override_settings(ROOT_URLCONF="refusing_urls", STORAGES=plain_static):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    for url in ("/refuse/", "/missing/", "/no-such-page/"):
        print("status", client.get(url).status_code, flush=True)
    sys.stdout.flush()
"""


def run_with_local_settings(code):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_clean_environment(), "DJANGO_SETTINGS_MODULE": "config.settings.local"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _clean_environment():
    import os

    ours = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "LOG_")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)}


def _log_lines(result):
    return [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not line.startswith("status ")
    ]


def test_a_refused_or_missing_page_is_one_line_in_the_log_with_no_traceback():
    result = run_with_local_settings(REFUSE_AND_MISS)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("status ")] == [
        "status 403",
        "status 404",
        "status 404",
    ]
    lines = _log_lines(result)
    assert "Traceback" not in result.stdout + result.stderr
    assert len(lines) == 3, lines
    assert lines[0].endswith(
        "WARNING tracker.security Refused GET /refuse/ to anonymous: no reason given"
    )
    assert lines[1].endswith("WARNING django.request Not Found: /missing/")
    assert lines[2].endswith("WARNING django.request Not Found: /no-such-page/")


def test_a_refusal_is_one_json_line_in_production_too():
    result = run_with_production_settings(REFUSE_AND_MISS)
    assert result.returncode == 0, result.stderr
    # stdout is the log; stderr has only the warning that no static files are collected.
    records = json_lines(
        "\n".join(line for line in result.stdout.splitlines() if not line.startswith("status "))
    )
    assert [(r["logger"], r.get("status_code") or r.get("status")) for r in records] == [
        ("tracker.security", 403),
        ("django.request", 404),
        ("django.request", 404),
    ]
    assert not any("exc_info" in record for record in records)


def test_a_server_error_keeps_its_traceback():
    from config.logs import OneLinePerRefusal

    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            None,
            sys.exc_info(),
        )
    record.status_code = 500
    assert OneLinePerRefusal().filter(record)
    assert record.exc_info is not None


RUN_A_TASK_IN_PROCESS = """
import django
django.setup()
from config.celery_app import app

@app.task
def add(a, b):
    return a + b

print("result", add.delay(2, 3).get())
"""


def test_a_task_run_in_process_without_redis_logs_no_broker_warning():
    result = run_with_local_settings(RUN_A_TASK_IN_PROCESS)
    assert result.returncode == 0, result.stderr
    assert "result 5" in result.stdout
    output = result.stdout + result.stderr
    assert "hostname" not in output.lower(), output
    assert "WARNING" not in output, output
