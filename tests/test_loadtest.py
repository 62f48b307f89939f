"""The load test's pieces, checked without a load run: every page the simulated
people open is in the URLconf, each role has its people, what they read from the
real pages (links, filter options, CSRF tokens) is found, and the update they
post is one the real form accepts, with its history row.

locust patches the standard library (gevent) when it is imported, so the
locustfile is only ever imported in a child process here, never in the suite's.
"""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import resolve, reverse

from accounts.roles import ROLES
from actions.models import ActionUpdate

from . import factories

BASE_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = BASE_DIR / "loadtest" / "locustfile.py"
DRIVER = BASE_DIR / "scripts" / "loadtest.py"
LOAD_TEST_ROLES = {"improvement_team", "senior_leader", "scrutiny_member", "action_owner"}

DESCRIBE = """
import inspect, json, sys
from locust import HttpUser
users = {}
for name, cls in vars(lf).items():
    if inspect.isclass(cls) and issubclass(cls, HttpUser) and not cls.abstract:
        users[name] = {
            "role": cls.role,
            "weight": cls.weight,
            "pages": list(cls.pages),
            "tasks": [task.__name__ for task in cls.tasks],
        }
print(json.dumps({"pages": lf.PAGES, "users": users}))
"""

READ_PAGES = """
import json, sys
pages = json.load(sys.stdin)
token = lf.CSRF.search(pages["update_form"])
print(json.dumps({
    "options": lf.select_options(pages["action_list"]),
    "action_ids": lf.linked_ids(pages["action_list"], "/actions/"),
    "sign_in_token": bool(lf.CSRF.search(pages["sign_in"])),
    "update_token": bool(token),
    "post": lf.update_form_data(token[1], "[run-1:0123abcd]", shareable=True, evidence=True),
}))
"""


def in_locust(code, stdin=""):
    """Run ``code`` in a child Python with the locustfile loaded as ``lf``; its JSON."""
    load = (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('lf', {str(LOCUSTFILE)!r})\n"
        "lf = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(lf)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", load + code],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def driver():
    spec = importlib.util.spec_from_file_location("loadtest_driver", DRIVER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def locustfile():
    return in_locust(DESCRIBE)


def test_every_page_the_simulated_people_open_is_in_the_urlconf(locustfile):
    for name, template in locustfile["pages"].items():
        kwargs = dict.fromkeys(re.findall(r"{(\w+)}", template), 7)
        path = template.format(**kwargs)
        assert reverse(name, kwargs=kwargs) == path, name
        assert resolve(path).view_name == name


def test_each_role_has_its_people_with_tasks_on_those_pages(locustfile):
    users = locustfile["users"]
    assert {user["role"] for user in users.values()} == LOAD_TEST_ROLES
    for name, user in users.items():
        assert user["weight"] > 0, name
        assert user["tasks"], name
        assert "accounts:sign_in" in user["pages"], name
        assert set(user["pages"]) <= set(locustfile["pages"]), name
    # Councillors read and are refused writes; only the others post updates.
    posters = {user["role"] for user in users.values() if "post_progress" in user["tasks"]}
    assert posters == {"improvement_team", "action_owner"}


def test_the_driver_makes_sign_ins_for_every_role_the_people_play():
    accounts = driver().ROLE_ACCOUNTS
    assert set(accounts) | {"action_owner"} == LOAD_TEST_ROLES
    assert {group for group, _slug, _title in accounts.values()} == set(ROLES)


@pytest.mark.django_db
def test_what_the_people_read_is_on_the_real_pages_and_what_they_post_is_saved(
    client, improvement_officer
):
    area = factories.AreaOfConcernFactory()
    actions = factories.ImprovementActionFactory.create_batch(3)
    actions[0].areas.add(area)
    sign_in = client.get(reverse("accounts:sign_in")).content.decode()
    client.force_login(improvement_officer)
    action_list = client.get(reverse("actions:action_list")).content.decode()
    update_url = reverse("actions:action_update", args=[actions[0].pk])
    update_form = client.get(update_url).content.decode()

    read = in_locust(
        READ_PAGES,
        json.dumps({"sign_in": sign_in, "action_list": action_list, "update_form": update_form}),
    )

    assert read["sign_in_token"] and read["update_token"]
    assert read["action_ids"] == sorted(action.pk for action in actions)
    # The owner filter is a long select today; the people use it while it is one.
    assert {"status", "rag", "area"} <= set(read["options"])
    assert str(area.pk) in read["options"]["area"]
    response = client.post(update_url, read["post"])
    assert response.status_code == 302
    assert response.url == actions[0].get_absolute_url()
    update = ActionUpdate.objects.get(note__contains="[run-1:0123abcd]")
    assert update.author == improvement_officer
    assert update.shareable_with_scrutiny
    assert update.evidence.get().url.startswith("https://intranet.example/notes/")
    created = update.history.get(history_type="+")
    assert created.history_user == improvement_officer


@pytest.mark.parametrize(
    ("text", "seconds"), [("180", 180), ("30s", 30), ("3m", 180), ("1m30s", 90)]
)
def test_the_driver_reads_durations_as_locust_writes_them(text, seconds):
    assert driver().parse_duration(text) == seconds


def test_the_driver_refuses_a_kill_outside_the_run():
    with pytest.raises(SystemExit):
        driver().parse_args(["--duration", "30s", "--kill-at", "45s"])


def test_the_driver_percentiles_are_nearest_rank():
    times = list(range(1, 101))
    percentile = driver().percentile
    assert [percentile(times, share) for share in (0.5, 0.95, 0.99)] == [50, 95, 99]
    assert percentile([], 0.5) is None
