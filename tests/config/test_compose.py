"""docker-compose.yml and the Dockerfile, read as data: every service has its
command, its healthcheck and the dependencies it must wait for; one image serves
the web app, the worker and the beat; the image builds its front end in a Node
stage and runs as an unprivileged user."""

import re
import shlex

import pytest
import yaml

from .servers import ROOT

APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile():
    """The Dockerfile's instructions as (INSTRUCTION, arguments), by stage."""
    stages = []
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def command_of(service):
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else command


def healthcheck_test(service):
    test = service["healthcheck"]["test"]
    assert test[0] in {"CMD", "CMD-SHELL"}, test
    return " ".join(test[1:])


def test_the_stack_is_the_services_the_readme_describes(services):
    assert set(services) == {"postgres", "redis", "mailpit", "migrate", *APP_SERVICES}


def test_every_long_running_service_has_a_healthcheck_and_restarts(services):
    for name, service in services.items():
        if name == "migrate":
            continue
        assert healthcheck_test(service), name
        assert service["restart"] == "unless-stopped", name


def test_postgres_keeps_its_data_in_a_named_volume(compose, services):
    postgres = services["postgres"]
    volume, _, path = postgres["volumes"][0].partition(":")
    assert path == "/var/lib/postgresql/data"
    assert volume in compose["volumes"]
    assert "pg_isready" in healthcheck_test(postgres)


def test_redis_and_mailpit_check_themselves(services):
    assert healthcheck_test(services["redis"]) == "redis-cli ping"
    assert healthcheck_test(services["mailpit"]) == "/mailpit readyz"


def test_migrations_run_once_before_the_app_and_wait_for_the_database(services):
    migrate = services["migrate"]
    assert command_of(migrate) == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends_on["postgres"] == {"condition": "service_healthy"}, name
        assert depends_on["redis"] == {"condition": "service_healthy"}, name
        # Nothing migrates on its way up: that is the migrate service's job alone.
        assert "migrate" not in command_of(services[name]), name


def test_web_serves_with_the_gunicorn_settings_file_and_checks_healthz(services):
    web = services["web"]
    assert command_of(web) == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    check = healthcheck_test(web)
    assert "urllib.request" in check and "/healthz" in check
    compile(web["healthcheck"]["test"][-1], "web healthcheck", "exec")
    assert "8000:8000" in web["ports"]


def test_the_worker_answers_a_ping_addressed_to_itself(services):
    worker = services["worker"]
    assert command_of(worker)[:4] == ["celery", "-A", "config", "worker"]
    assert healthcheck_test(worker).startswith("celery -A config inspect ping")
    assert "-d celery@$$HOSTNAME" in healthcheck_test(worker)


def test_there_is_exactly_one_beat(services):
    beats = [
        name
        for name, service in services.items()
        if "command" in service and "beat" in command_of(service)
    ]
    assert beats == ["beat"]
    beat = services["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert "--beat" not in command_of(services["worker"])
    compile(beat["healthcheck"]["test"][-1], "beat healthcheck", "exec")
    assert "celerybeat-schedule" in healthcheck_test(beat)


def test_the_worker_and_beat_run_the_web_apps_image_with_its_environment(services):
    web = services["web"]
    for name in ("migrate", "worker", "beat"):
        service = services[name]
        assert service["image"] == web["image"], name
        assert service["build"] == web["build"] == ".", name
        assert service["environment"] == web["environment"], name
        assert service["volumes"] == web["volumes"], name
    environment = web["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DATABASE_URL"].split("@")[1].startswith("postgres:5432/")
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert environment["EMAIL_URL"] == "smtp://mailpit:1025"


def test_the_image_builds_the_front_end_in_a_node_stage(dockerfile):
    node, python = dockerfile[0], dockerfile[-1]
    assert len(dockerfile) == 2
    base, _, stage_name = node[0][1].partition(" AS ")
    assert base.startswith("node:")
    runs = " ".join(arguments for instruction, arguments in node if instruction == "RUN")
    assert "npm ci" in runs and "npm run build" in runs
    assert ("COPY", f"--from={stage_name} /build/static/dist ./static/dist") in python


def test_the_image_collects_static_files_and_runs_gunicorn_as_a_user_not_root(dockerfile):
    python = dockerfile[-1]
    assert python[0][1].startswith("python:3.11")
    instructions = [instruction for instruction, _ in python]
    runs = [arguments for instruction, arguments in python if instruction == "RUN"]
    collect = next(i for i, arguments in enumerate(runs) if "collectstatic --noinput" in arguments)
    assert collect > next(i for i, arguments in enumerate(runs) if "pip install" in arguments)
    users = [arguments for instruction, arguments in python if instruction == "USER"]
    assert users and users[-1] not in {"root", "0"}
    # The last USER comes after the last RUN: nothing is installed as that user,
    # and the app does not run as root.
    assert max(i for i, name in enumerate(instructions) if name == "USER") > max(
        i for i, name in enumerate(instructions) if name == "RUN"
    )
    cmd = dict(python)["CMD"]
    assert re.sub(r"\s+", "", cmd) == '["gunicorn","-c","config/gunicorn.py","config.wsgi"]'


def test_no_local_settings_or_host_built_assets_go_into_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", "static/dist", "node_modules", ".venv"} <= set(ignored)
