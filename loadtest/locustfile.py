"""The load test's simulated people, for locust (``scripts/loadtest.py`` runs it).

Four kinds of people use the service each week, and each class below does what
one of them does, in about the proportions they do it: the improvement team
filters the action list and posts progress, senior leaders read the dashboard,
scrutiny councillors read published progress (and are refused, as they must be,
when they open an update form), and action owners post progress on their own
actions.

Everyone signs in through the real sign-in form and every update goes through
the real progress update form, CSRF token and all. Each update's note carries a
marker, ``[<run id>:<unique part>]``, and every marker posted is written to a
file in the run's folder with who posted it, so that the driver can check
afterwards that each one is in the database exactly once with its history row.

Nothing here knows record ids: people find actions, visits and areas by
following the links on the pages they read, and the filters' choices by reading
the filter form's options, as a person would.

Read from the environment (the driver sets them):
    LOADTEST_ACCOUNTS  a JSON file: {"improvement_team": [e-mail, ...], ...}
    LOADTEST_PASSWORD  the password of every account in it
    LOADTEST_RUN_ID    goes into each marker, to tell this run's updates apart
    LOADTEST_MARKERS   folder for the markers files (one per locust process)
"""

import html
import itertools
import json
import os
import random
import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

# Every page the simulated people open: URL name -> path, with {pk} where the
# URL takes a record. tests/test_loadtest.py reverses each name and checks it
# gives this path, so a renamed or moved URL fails the suite, not the load run.
PAGES = {
    "accounts:sign_in": "/sign-in/",
    "home": "/",
    "progress:dashboard": "/dashboard/",
    "actions:action_list": "/actions/",
    "actions:action_detail": "/actions/{pk}/",
    "actions:action_update": "/actions/{pk}/update/",
    "actions:my_actions": "/my-actions/",
    "inspections:visit_list": "/visits/",
    "findings:visit_detail": "/visits/{pk}/",
    "inspections:area_list": "/areas/",
    "findings:area_detail": "/areas/{pk}/",
    "progress:scrutiny_matrix": "/progress/",
    "progress:scrutiny_area": "/progress/areas/{pk}/",
    "progress:letter_list": "/progress/letters/",
    "progress:letter_detail": "/progress/letters/{pk}/",
    "progress:pack_list": "/progress/packs/",
}

# The action list's query parameters that are filters (actions/filters.py), and
# the free-text searches people type.
SELECT_FILTERS = ("status", "rag", "area", "owner", "impact")
SEARCHES = ("A-0", "social", "plan", "audit", "recruit", "supervision", "front door", "child")
SORTS = ("reference", "-due_date", "rag", "status", "-priority", "owner")

NOTES = (
    "Met the service managers to review the caseload audit findings.",
    "Draft practice standards shared with team managers for comment.",
    "Recruitment panel held; two offers made and accepted.",
    "Supervision audit of 20 files completed; themes fed back to managers.",
    "Quality assurance board reviewed the dip sample and agreed next steps.",
    "Training on chronologies delivered to the assessment teams.",
)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(name, **kwargs):
    """The path of a page in PAGES, filled in."""
    return PAGES[name].format(**kwargs)


def linked_ids(text, prefix):
    """Record ids in the page's links that start ``prefix`` (``/actions/``)."""
    return sorted({int(pk) for pk in re.findall(rf'href="{re.escape(prefix)}(\d+)/"', text)})


def linked_queries(text, path):
    """The query strings of the page's links to ``path`` (the dashboard's figures)."""
    found = re.findall(rf'href="{re.escape(path)}\?([^"]+)"', text)
    return sorted({html.unescape(query) for query in found})


class SelectOptions(HTMLParser):
    """The option values of each <select> on a page, by the select's name."""

    def __init__(self):
        super().__init__()
        self.options = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
            self.options.setdefault(self._select, [])
        elif tag == "option" and self._select and attrs.get("value"):
            self.options[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def select_options(text):
    parser = SelectOptions()
    parser.feed(text)
    return parser.options


def _accounts():
    path = os.environ.get("LOADTEST_ACCOUNTS")
    if not path:
        return {}
    return json.loads(Path(path).read_text())


ACCOUNTS = _accounts()
# Each simulated person of a role takes the next account of that role in turn.
_NEXT_ACCOUNT = {role: itertools.cycle(emails) for role, emails in ACCOUNTS.items() if emails}


class MarkerLog:
    """Appends one line per update posted: marker, poster, action id, outcome.

    One file per process, so several locust processes never interleave lines."""

    def __init__(self):
        self._file = None

    def write(self, marker, email, action_pk, outcome):
        if self._file is None:
            folder = Path(os.environ.get("LOADTEST_MARKERS", "."))
            folder.mkdir(parents=True, exist_ok=True)
            name = f"markers-{os.getpid()}.tsv"
            self._file = (folder / name).open("a", encoding="utf-8", buffering=1)
        self._file.write(f"{marker}\t{email}\t{action_pk}\t{outcome}\n")


MARKERS = MarkerLog()

# Signing in is slow on purpose (the password hash) and happens once a person;
# the driver reports the percentiles of everything else as well, from these.
SIGN_IN_NAMES = {PAGES["accounts:sign_in"], "sign in (POST)"}
BROWSING_TIMES = []


@events.request.add_listener
def _time_browsing(name, response_time, exception=None, **_kwargs):
    if name not in SIGN_IN_NAMES and exception is None:
        BROWSING_TIMES.append(response_time)


@events.test_stop.add_listener
def _write_browsing_times(**_kwargs):
    folder = Path(os.environ.get("LOADTEST_MARKERS", "."))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"timings-{os.getpid()}.json").write_text(json.dumps(BROWSING_TIMES))


def update_form_data(token, marker, *, shareable, evidence):
    """What a person types into the progress update form (actions/forms.py): a
    note carrying ``marker``, no change of status or impact, perhaps a link."""
    data = {
        "csrfmiddlewaretoken": token,
        "note": f"{random.choice(NOTES)} {marker}",
        "new_status": "",
        "new_impact": "",
    }
    if shareable:
        data["shareable_with_scrutiny"] = "on"
    if evidence:
        data["evidence_title"] = "Meeting notes"
        data["evidence_link"] = f"https://intranet.example/notes/{marker.strip('[]')}"
    return data


class SignedInUser(HttpUser):
    """Someone who signs in once and then reads and writes as their role lets them."""

    abstract = True
    role = ""
    # The PAGES this kind of person opens; ``visit`` refuses any other, so the
    # list the suite checks is the list the load run uses.
    pages = ()
    wait_time = between(1, 4)

    def on_start(self):
        if self.role not in _NEXT_ACCOUNT:
            raise RuntimeError(
                f"No {self.role} sign-ins: LOADTEST_ACCOUNTS must name the JSON file "
                "scripts/loadtest.py writes"
            )
        self.email = next(_NEXT_ACCOUNT[self.role])
        self.action_pks = []
        self.filter_options = {}
        self.sign_in()

    # Requests -------------------------------------------------------------------

    def visit(self, name, label=None, params=None, **kwargs):
        """GET one of this person's pages; the response, or None if it failed."""
        if name not in self.pages:
            raise ValueError(f"{type(self).__name__} does not open {name}")
        path = page(name, **kwargs)
        with self.client.get(
            path, params=params, name=label or PAGES[name], catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{path}: status {response.status_code}")
                return None
            if "/sign-in/" in response.url and name != "accounts:sign_in":
                response.failure(f"{path}: sent to sign in")
                return None
        return response

    def sign_in(self):
        form = self.visit("accounts:sign_in")
        if form is None:
            return
        token = CSRF.search(form.text)
        with self.client.post(
            page("accounts:sign_in"),
            data={
                "csrfmiddlewaretoken": token[1] if token else "",
                "email": self.email,
                "password": os.environ.get("LOADTEST_PASSWORD", ""),
            },
            name="sign in (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/sign-in/" in response.url:
                response.failure(f"sign-in as {self.email} failed: {response.status_code}")

    def remember_actions(self, text):
        found = linked_ids(text, "/actions/")
        if found:
            self.action_pks = found

    def filtered_action_list(self):
        """The action list with one to three filters, sorted, sometimes page 2."""
        if not self.filter_options:
            first = self.visit("actions:action_list")
            if first is None:
                return
            options = select_options(first.text)
            self.filter_options = {
                name: options[name] for name in SELECT_FILTERS if options.get(name)
            }
            self.remember_actions(first.text)
        params = {}
        names = list(self.filter_options) + ["q"]
        for name in random.sample(names, k=random.randint(1, min(3, len(names)))):
            if name == "q":
                params["q"] = random.choice(SEARCHES)
            else:
                params[name] = random.choice(self.filter_options[name])
        if random.random() < 0.3:
            params["sort"] = random.choice(SORTS)
        if random.random() < 0.2:
            params["page"] = 2
        response = self.visit("actions:action_list", label="/actions/ (filtered)", params=params)
        if response is not None:
            self.remember_actions(response.text)

    def action_detail(self):
        if not self.action_pks:
            self.filtered_action_list()
        if self.action_pks:
            self.visit("actions:action_detail", pk=random.choice(self.action_pks))

    def follow_one(self, list_name, detail_name, prefix):
        """Open a list page, then one of the records it links to."""
        listing = self.visit(list_name)
        if listing is None:
            return
        pks = linked_ids(listing.text, prefix)
        if pks:
            self.visit(detail_name, pk=random.choice(pks))

    def post_update(self, action_pk):
        """The progress update form, filled in and posted, as its page offers it."""
        form = self.visit("actions:action_update", pk=action_pk)
        if form is None:
            return
        token = CSRF.search(form.text)
        marker = f"[{os.environ.get('LOADTEST_RUN_ID', 'loadtest')}:{uuid.uuid4().hex}]"
        data = update_form_data(
            token[1] if token else "",
            marker,
            shareable=random.random() < 0.5,
            evidence=random.random() < 0.2,
        )
        detail = page("actions:action_detail", pk=action_pk)
        with self.client.post(
            page("actions:action_update", pk=action_pk),
            data=data,
            name=PAGES["actions:action_update"] + " (POST)",
            catch_response=True,
        ) as response:
            # Saved: redirected to the action's page, which now lists the note.
            posted = (
                response.status_code == 200
                and bool(response.history)
                and response.url.endswith(detail)
                and marker in response.text
            )
            MARKERS.write(marker, self.email, action_pk, "posted" if posted else "failed")
            if not posted:
                response.failure(f"update on action {action_pk} not saved: {response.status_code}")


class ImprovementTeamUser(SignedInUser):
    """Logs findings and actions; filters the list and posts progress on any action."""

    role = "improvement_team"
    weight = 3
    pages = (
        "accounts:sign_in",
        "home",
        "progress:dashboard",
        "actions:action_list",
        "actions:action_detail",
        "actions:action_update",
        "inspections:visit_list",
        "findings:visit_detail",
        "inspections:area_list",
        "findings:area_detail",
        "progress:scrutiny_matrix",
        "progress:pack_list",
    )

    @task(6)
    def action_list(self):
        self.filtered_action_list()

    @task(5)
    def open_action(self):
        self.action_detail()

    @task(3)
    def post_progress(self):
        if not self.action_pks:
            self.filtered_action_list()
        if self.action_pks:
            self.post_update(random.choice(self.action_pks))

    @task(3)
    def dashboard(self):
        self.visit("progress:dashboard")

    @task(2)
    def visit_page(self):
        self.follow_one("inspections:visit_list", "findings:visit_detail", "/visits/")

    @task(2)
    def area_page(self):
        self.follow_one("inspections:area_list", "findings:area_detail", "/areas/")

    @task(1)
    def scrutiny_matrix(self):
        self.visit("progress:scrutiny_matrix")

    @task(1)
    def committee_packs(self):
        self.visit("progress:pack_list")

    @task(1)
    def home(self):
        self.visit("home")


class SeniorLeaderUser(SignedInUser):
    """Reads the dashboard and follows its figures into the action list."""

    role = "senior_leader"
    weight = 2
    pages = (
        "accounts:sign_in",
        "home",
        "progress:dashboard",
        "actions:action_list",
        "actions:action_detail",
        "findings:visit_detail",
        "inspections:visit_list",
        "progress:scrutiny_matrix",
        "progress:scrutiny_area",
        "progress:pack_list",
        "progress:letter_list",
    )

    @task(5)
    def dashboard_figure(self):
        """The dashboard, then one of its figures: the actions it counts."""
        dashboard = self.visit("progress:dashboard")
        if dashboard is None:
            return
        queries = linked_queries(dashboard.text, PAGES["actions:action_list"])
        if queries:
            response = self.visit(
                "actions:action_list",
                label="/actions/ (a dashboard figure)",
                params=random.choice(queries),
            )
            if response is not None:
                self.remember_actions(response.text)

    @task(4)
    def action_list(self):
        self.filtered_action_list()

    @task(4)
    def open_action(self):
        self.action_detail()

    @task(2)
    def scrutiny_area(self):
        self.follow_one("progress:scrutiny_matrix", "progress:scrutiny_area", "/progress/areas/")

    @task(1)
    def visit_page(self):
        self.follow_one("inspections:visit_list", "findings:visit_detail", "/visits/")

    @task(1)
    def committee_packs(self):
        self.visit("progress:pack_list")

    @task(1)
    def letters(self):
        self.visit("progress:letter_list")


class ScrutinyCouncillorUser(SignedInUser):
    """Reads published progress; never changes anything, and is refused if they try."""

    role = "scrutiny_member"
    weight = 2
    pages = (
        "accounts:sign_in",
        "home",
        "progress:scrutiny_matrix",
        "progress:scrutiny_area",
        "progress:letter_list",
        "progress:letter_detail",
        "progress:pack_list",
        "actions:action_list",
        "actions:action_detail",
        "actions:action_update",
        "inspections:area_list",
        "findings:area_detail",
    )

    @task(4)
    def scrutiny_area(self):
        self.follow_one("progress:scrutiny_matrix", "progress:scrutiny_area", "/progress/areas/")

    @task(2)
    def letter(self):
        self.follow_one("progress:letter_list", "progress:letter_detail", "/progress/letters/")

    @task(3)
    def action_list(self):
        self.filtered_action_list()

    @task(3)
    def open_action(self):
        self.action_detail()

    @task(1)
    def area_page(self):
        self.follow_one("inspections:area_list", "findings:area_detail", "/areas/")

    @task(1)
    def committee_packs(self):
        self.visit("progress:pack_list")

    @task(1)
    def update_form_refused(self):
        """A councillor who finds an update form's address is refused it (403)."""
        if not self.action_pks:
            self.filtered_action_list()
        if not self.action_pks:
            return
        path = page("actions:action_update", pk=random.choice(self.action_pks))
        with self.client.get(
            path, name=PAGES["actions:action_update"] + " (refused)", catch_response=True
        ) as response:
            if response.status_code == 403:
                response.success()
            else:
                response.failure(f"a councillor got {response.status_code} from {path}")


class ActionOwnerUser(SignedInUser):
    """An officer with no role who reports progress on the actions they own."""

    role = "action_owner"
    weight = 3
    pages = (
        "accounts:sign_in",
        "home",
        "actions:my_actions",
        "actions:action_detail",
        "actions:action_update",
    )

    def my_actions(self):
        response = self.visit("actions:my_actions")
        if response is not None:
            self.remember_actions(response.text)

    @task(4)
    def list_mine(self):
        self.my_actions()

    @task(3)
    def open_mine(self):
        if not self.action_pks:
            self.my_actions()
        if self.action_pks:
            self.visit("actions:action_detail", pk=random.choice(self.action_pks))

    @task(4)
    def post_progress(self):
        if not self.action_pks:
            self.my_actions()
        if self.action_pks:
            self.post_update(random.choice(self.action_pks))

    @task(2)
    def home(self):
        self.visit("home")


USER_CLASSES = (ImprovementTeamUser, SeniorLeaderUser, ScrutinyCouncillorUser, ActionOwnerUser)
