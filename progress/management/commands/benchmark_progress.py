"""How fast the reading pages are over a large data set, measured in-process.

    DATABASE_URL=postgres://... python manage.py seed_bulk --actions 100000
    DATABASE_URL=postgres://... python manage.py benchmark_progress

Tops the configured database up to ``--actions`` synthetic actions (with
``progress.bulk``, as seed_bulk does; data already there is reused), then asks
for each page ``--requests`` times through Django's test client, signed in with
``force_login``, and prints the median (p50) and 95th percentile (p95) of the
server time and the number of queries per request. The action list is timed
against the Django admin's changelist of the same actions in the same run, so
the ratio means something on any machine.

Not a test: timings depend on the machine. The goals it reports against are a
dashboard p95 under 150 ms and an action list faster than the admin's changelist.
"""

import statistics
import time
from contextlib import contextmanager

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from accounts.roles import SCRUTINY_MEMBER, SENIOR_LEADER
from actions.models import ImprovementAction
from progress import bulk

DASHBOARD_P95_GOAL_MS = 150
WARM_UP = 2


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def _url(name, query="", **kwargs):
    """The page's URL, or None where that part of the service is not built."""
    try:
        return reverse(name, kwargs=kwargs or None) + query
    except NoReverseMatch:
        return None


class Command(BaseCommand):
    help = "Time the dashboard, action list, scrutiny matrix and CSV export over many actions."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument(
            "--only",
            default="",
            help="Time only the pages whose names start with these, comma-separated "
            "(such as 'CSV export'); the admin ratio needs both of its pages.",
        )
        parser.add_argument(
            "--any-database",
            action="store_true",
            help="Run on a database other than PostgreSQL (for a quick try, not for figures).",
        )

    def handle(self, *args, actions, requests, only, any_database, **options):
        if connection.vendor != "postgresql" and not any_database:
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
        present = ImprovementAction.objects.count()
        if present < actions:
            self.stdout.write(f"{present:,} actions present; adding {actions - present:,} ...")
            bulk.build(actions - present, stdout=self.stdout)
        else:
            self.stdout.write(f"reusing the {present:,} actions present")
        leader = self._user("benchmark-leader@synthetic.example", SENIOR_LEADER, staff=True)
        councillor = self._user("benchmark-councillor@synthetic.example", SCRUTINY_MEMBER)

        with self._quiet_server():
            wanted = [name.strip() for name in only.split(",") if name.strip()]
            results = self._measure_all(leader, councillor, requests, wanted)
        self._report(results, requests)

    @staticmethod
    def _user(email, role, staff=False):
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": f"Benchmark {role}", "is_staff": staff},
        )
        if created:
            user.groups.add(Group.objects.get(name=role))
        return user

    @contextmanager
    def _quiet_server(self):
        # As in production: no query log kept in memory, and the test client's
        # host name accepted.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
            yield

    def _pages(self):
        area = ImprovementAction.areas.through.objects.values_list("areaofconcern_id", flat=True)
        area_id = area.first()
        filtered = f"?overdue=on&area={area_id}&sort=-due_date"
        return [
            ("dashboard", _url("progress:dashboard"), "leader"),
            # The figures worked out on every request, as after any change.
            ("dashboard, figures not cached", _url("progress:dashboard"), "leader"),
            ("action list", _url("actions:action_list"), "leader"),
            ("action list, filtered", _url("actions:action_list", filtered), "leader"),
            (
                "action list, one status",
                _url("actions:action_list", "?status=in_progress"),
                "leader",
            ),
            (
                "admin changelist",
                _url("admin:actions_improvementaction_changelist"),
                "leader",
            ),
            (
                "admin changelist, one status",
                _url("admin:actions_improvementaction_changelist", "?status__exact=in_progress"),
                "leader",
            ),
            ("scrutiny matrix", _url("progress:scrutiny_matrix"), "councillor"),
            (
                "CSV export",
                _url("progress:export_actions", file_format="csv"),
                "leader",
            ),
        ]

    def _measure_all(self, leader, councillor, requests, wanted):
        clients = {"leader": Client(), "councillor": Client()}
        clients["leader"].force_login(leader)
        clients["councillor"].force_login(councillor)
        results = {}
        for label, url, who in self._pages():
            if wanted and not any(label.startswith(name) for name in wanted):
                continue
            if url is None:
                results[label] = None
                continue
            self.stdout.write(f"timing {label}: {url}")
            before = cache.clear if label.endswith("not cached") else None
            results[label] = self._measure(clients[who], url, requests, before)
        return results

    def _measure(self, client, url, requests, before=None):
        times, queries = [], []
        for number in range(WARM_UP + requests):
            if before is not None:
                before()
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                # One broken page should not lose the figures of the others.
                return {"error": f"answered {response.status_code}"}
            if number >= WARM_UP:
                times.append(elapsed * 1000)
                queries.append(counter.count)
        return {
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "queries": max(queries),
        }

    def _report(self, results, requests):
        self.stdout.write("")
        self.stdout.write(f"{'page':32} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
        for label, result in results.items():
            if result is None or "error" in result:
                self.stdout.write(f"{label:32} {result['error'] if result else 'not built'}")
                continue
            self.stdout.write(
                f"{label:32} {result['p50']:9.1f} {result['p95']:9.1f} {result['queries']:8}"
            )
        self.stdout.write(f"({requests} requests each, after {WARM_UP} to warm up)")
        self.stdout.write("")
        pairs = [
            ("action list", "admin changelist"),
            ("action list, one status", "admin changelist, one status"),
        ]
        for ours, admin in pairs:
            if all(results.get(page) and "p50" in results[page] for page in (ours, admin)):
                ratio = results[ours]["p50"] / results[admin]["p50"]
                verdict = "faster" if ratio < 1 else "NOT faster"
                self.stdout.write(f"{ours} / {admin} (p50): {ratio:.2f} ({verdict} than the admin)")
        dashboard = results.get("dashboard")
        if dashboard and "p95" in dashboard:
            met = dashboard["p95"] < DASHBOARD_P95_GOAL_MS
            self.stdout.write(
                f"dashboard p95 {dashboard['p95']:.1f} ms: goal of under "
                f"{DASHBOARD_P95_GOAL_MS} ms {'met' if met else 'MISSED'}"
            )
