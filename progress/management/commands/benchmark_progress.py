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

The dashboard is timed three ways: served from the cache; with no cache (the
first view of the day); and just after a change, when the figures are being
refreshed (``progress.tasks``). For that last, each view follows a change saved as
a user: with REDIS_URL set the change is committed and a real Celery worker
refreshes the figures meanwhile (one is started for the run if none answers);
without it tasks run in-process, so the change is kept uncommitted and rolled
back after the view, which leaves the refresh pending. The refresh task's own
time is reported too.

Not a test: timings depend on the machine. The goals it reports against are a
dashboard p95 under 150 ms and an action list faster than the admin's changelist.
"""

import statistics
import subprocess  # nosec B404  # starts a Celery worker: fixed arguments, no shell
import sys
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client

from accounts.audit import save_as
from accounts.roles import SCRUTINY_MEMBER, SENIOR_LEADER
from actions.models import ImprovementAction, Status
from config.celery_app import app as celery_app
from progress import bulk, dashboard, tasks

from ._page_timing import (
    DASHBOARD_P95_GOAL_MS,
    WARM_UP,
    QueryCounter,
    benchmark_user,
    measure,
    percentile,
    quiet_server,
)
from ._page_timing import url_or_none as _url

REFRESH_RUNS = 7
AFTER_A_CHANGE = "dashboard, just after a change"
REFRESH_TASK = "dashboard refresh task"
# What the page says while it shows figures a change has overtaken.
NOT_YET_REFRESHED = "being brought up to date"


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
        leader = benchmark_user("benchmark-leader@synthetic.example", SENIOR_LEADER)
        councillor = benchmark_user("benchmark-councillor@synthetic.example", SCRUTINY_MEMBER)
        # The admin opens to system administrators only.
        administrator = benchmark_user("benchmark-admin@synthetic.example", None, administers=True)

        with quiet_server():
            wanted = [name.strip() for name in only.split(",") if name.strip()]
            results = self._measure_all(leader, councillor, administrator, requests, wanted)
        self._report(results, requests)

    def _pages(self):
        area = ImprovementAction.areas.through.objects.values_list("areaofconcern_id", flat=True)
        area_id = area.first()
        filtered = f"?overdue=on&area={area_id}&sort=-due_date"
        return [
            ("dashboard", _url("progress:dashboard"), "leader"),
            # The figures worked out on every request, as on the first view of a day.
            ("dashboard, figures not cached", _url("progress:dashboard"), "leader"),
            # Each view right after a change, while the refresh runs or is pending.
            (AFTER_A_CHANGE, _url("progress:dashboard"), "leader"),
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
                "administrator",
            ),
            (
                "admin changelist, one status",
                _url("admin:actions_improvementaction_changelist", "?status__exact=in_progress"),
                "administrator",
            ),
            ("scrutiny matrix", _url("progress:scrutiny_matrix"), "councillor"),
            (
                "CSV export",
                _url("progress:export_actions", file_format="csv"),
                "leader",
            ),
        ]

    def _measure_all(self, leader, councillor, administrator, requests, wanted):
        clients = {"leader": Client(), "councillor": Client(), "administrator": Client()}
        clients["leader"].force_login(leader)
        clients["councillor"].force_login(councillor)
        clients["administrator"].force_login(administrator)
        results = {}
        for label, url, who in self._pages():
            if wanted and not any(label.startswith(name) for name in wanted):
                continue
            if url is None:
                results[label] = None
                continue
            self.stdout.write(f"timing {label}: {url}")
            if label == AFTER_A_CHANGE:
                results[label] = self._measure_after_changes(clients[who], url, requests, leader)
                results[REFRESH_TASK] = self._measure_refresh_task()
                continue
            before = dashboard.forget_figures if label.endswith("not cached") else None
            results[label] = self._measure(clients[who], url, requests, before)
        return results

    def _measure_after_changes(self, client, url, requests, leader):
        """Each view follows a change to an action saved as ``leader``: with a
        worker, committed, so the worker refreshes the figures meanwhile; without
        one, rolled back after the view, so the refresh is still pending."""
        action = (
            ImprovementAction.objects.filter(status__in=[Status.NOT_STARTED, Status.IN_PROGRESS])
            .order_by("pk")
            .first()
        )
        if action is None:
            return {"error": "no open action to change"}
        original = action.status

        def change():
            action.status = (
                Status.IN_PROGRESS if action.status == Status.NOT_STARTED else Status.NOT_STARTED
            )
            save_as(action, leader)

        with self._refresh_worker() as worker:

            @contextmanager
            def after_a_change():
                if worker:
                    change()  # committed: its refresh is queued for the worker
                    yield
                    return
                with transaction.atomic():
                    change()
                    yield
                    transaction.set_rollback(True)

            client.get(url)  # today's figures, for the refresh to bring up to date
            result = self._measure(client, url, requests, around=after_a_change)
            action.refresh_from_db()
            if action.status != original:
                action.status = original
                save_as(action, leader)
            if worker:
                # Also leaves the worker nothing queued when it is stopped.
                result["caught_up"] = self._seconds_until_up_to_date(client, url)
        views = WARM_UP + requests
        how = "refreshed by a worker" if worker else "refresh pending"
        result["note"] = f"{how}; {result['stale']} of {views} views showed older figures"
        if "caught_up" in result:
            caught_up = result["caught_up"]
            result["note"] += (
                f", up to date {caught_up:.2f} s after the last change"
                if caught_up is not None
                else ", NOT up to date 30 s after the last change"
            )
        return result

    @staticmethod
    def _seconds_until_up_to_date(client, url, limit=30):
        """How long after the last change the page showed current figures, or None."""
        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            if NOT_YET_REFRESHED not in client.get(url).content.decode():
                return time.perf_counter() - started
            time.sleep(0.05)
        return None

    def _measure_refresh_task(self):
        """The refresh's own time, in this process: the figures worked out for the
        data as it is and stored (their cached entry is dropped first)."""
        times, queries = [], []
        today = dashboard.timezone.localdate()
        for _ in range(REFRESH_RUNS):
            dashboard.forget_figures()
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                tasks.refresh_dashboard.apply(throw=True)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(counter.count)
        if not dashboard.viewed_today(today):
            return {"error": "the refresh stored no figures"}
        return {
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "queries": max(queries),
            "note": f"{REFRESH_RUNS} runs",
        }

    @contextmanager
    def _refresh_worker(self):
        """Yields whether a real Celery worker refreshes the figures: with
        REDIS_URL set one that answers, or one started here for the run."""
        if settings.CELERY_TASK_ALWAYS_EAGER:
            yield False
            return
        if celery_app.control.ping(timeout=1):
            yield True
            return
        self.stdout.write("starting a Celery worker for the run ...")
        # The same interpreter, settings and environment as this command.
        worker = subprocess.Popen(  # noqa: S603  # nosec B603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
        )
        try:
            deadline = time.monotonic() + 60
            while not celery_app.control.ping(timeout=1):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise CommandError("the Celery worker did not start")
            yield True
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    @staticmethod
    def _measure(client, url, requests, before=None, around=None):
        # Only a view after a change can show figures it has overtaken.
        marker = NOT_YET_REFRESHED if around else None
        return measure(client, url, requests, before, around, stale_marker=marker)

    def _report(self, results, requests):
        self.stdout.write("")
        self.stdout.write(f"{'page':32} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
        for label, result in results.items():
            if result is None or "error" in result:
                self.stdout.write(f"{label:32} {result['error'] if result else 'not built'}")
                continue
            note = f"  ({result['note']})" if result.get("note") else ""
            self.stdout.write(
                f"{label:32} {result['p50']:9.1f} {result['p95']:9.1f} {result['queries']:8}{note}"
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
        # The goal is for every view: cached, the day's first, and just after a change.
        for page in ("dashboard", "dashboard, figures not cached", AFTER_A_CHANGE):
            timing = results.get(page)
            if timing and "p95" in timing:
                met = timing["p95"] < DASHBOARD_P95_GOAL_MS
                self.stdout.write(
                    f"{page} p95 {timing['p95']:.1f} ms: goal of under "
                    f"{DASHBOARD_P95_GOAL_MS} ms {'met' if met else 'MISSED'}"
                )
