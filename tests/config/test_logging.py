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
