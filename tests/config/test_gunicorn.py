"""config/gunicorn.py: gunicorn loads it with the production settings, takes its
port and worker count from the environment, and logs every request as JSON
without the query string (a feed's token may be in it)."""

import json
import os
import subprocess

from .servers import ROOT, Gunicorn, gunicorn_command, production_env


def gunicorn(*args, **env):
    return subprocess.run(
        gunicorn_command(*args),
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def resolved_settings(**env):
    """gunicorn's own account of its settings (``--print-config``), name -> text."""
    result = gunicorn("--print-config", **env)
    assert result.returncode == 0, result.stderr
    settings = {}
    for line in result.stdout.splitlines():
        name, sep, value = line.partition(" = ")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


def test_gunicorn_loads_the_file_and_the_app_with_the_production_settings():
    result = gunicorn("--check-config")
    assert result.returncode == 0, result.stdout + result.stderr


def test_port_and_worker_count_come_from_the_environment():
    settings = resolved_settings(PORT=9123, WEB_CONCURRENCY=3)
    assert settings["bind"] == "['0.0.0.0:9123']"
    assert settings["workers"] == "3"


def test_without_web_concurrency_it_runs_two_workers_a_core_and_one_at_most_eight():
    settings = resolved_settings()
    cores = len(os.sched_getaffinity(0))
    assert settings["workers"] == str(min(2 * cores + 1, 8))
    assert settings["bind"] == "['0.0.0.0:8000']"


def test_timeouts_recycling_and_trusted_proxies():
    settings = resolved_settings(FORWARDED_ALLOW_IPS="10.0.0.5")
    assert settings["timeout"] == "60"
    assert settings["graceful_timeout"] == "30"
    assert settings["keepalive"] == "5"
    assert settings["max_requests"] == "1000"
    assert settings["max_requests_jitter"] == "100"
    assert settings["forwarded_allow_ips"] == "['10.0.0.5']"
    assert settings["accesslog"] == "-"
    assert settings["errorlog"] == "-"
    assert settings["control_socket_disable"] == "True"


def test_the_access_log_leaves_out_the_query_string():
    log_format = resolved_settings()["access_log_format"]
    assert "%(U)s" in log_format  # the path
    assert "%(r)s" not in log_format  # the request line, query string and all
    assert "%(q)s" not in log_format


def test_a_running_server_logs_requests_and_its_own_messages_as_json_lines(tmp_path):
    server = Gunicorn(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'health.sqlite3'}")
    try:
        status, _ = server.get("/healthz?token=not-for-the-log")
        assert status == 200
    finally:
        server.stop()
    log = server.log()
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [record for record in records if record["logger"] == "gunicorn.access"]
    assert len(access) == 1, log
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/healthz"
    assert access[0]["status"] == 200
    assert isinstance(access[0]["duration_ms"], int)
    assert "not-for-the-log" not in log
    assert any(
        record["logger"] == "gunicorn.error" and "Booting worker" in record["message"]
        for record in records
    ), log
    # Nothing but JSON, bar Python's warnings on stderr.
    others = [line for line in log.splitlines() if line.strip() and not line.startswith("{")]
    assert all("Warning" in line or line.startswith(" ") for line in others), others


def test_reading_an_import_in_process_stops_well_before_gunicorn_would_kill_the_worker():
    from django.conf import settings as django_settings

    timeout = int(resolved_settings()["timeout"])
    # Without REDIS_URL the document is read inside the upload's request: its own
    # deadline, plus the parse after it, must end that request long before gunicorn's.
    assert timeout >= django_settings.IMPORT_READ_SECONDS * 2
