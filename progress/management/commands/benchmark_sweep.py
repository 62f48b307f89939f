"""The reminder sweep as production runs it: a real Celery worker and beat on
Redis, sending to a real SMTP server on loopback, over the configured PostgreSQL
database topped up to ``--actions`` actions (as seed_bulk makes them).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python manage.py benchmark_sweep

It starts the SMTP server (``progress.sweep_benchmark.smtp_sink``), a worker
(``--concurrency`` processes, as ``make worker``) and the beat, whose first tick
sends the sweep for ``--date`` (the next working day from today unless given).
It prints the wall time from that tick to the last message the SMTP server
accepted, messages a second, and the queries the worker ran; then the same sweep
in this process (``send_reminders``'s way) against the same server, beside it.
It checks that every digest sent was accepted exactly once.

The day's reminder ledger is emptied before each run and left as the in-process
run leaves it: use a database kept for benchmarks, never a live one.

Not a test: timings depend on the machine. The goal it reports against is the
whole sweep, 5,000 digests or so at 100,000 actions, in under 60 seconds.
"""

import datetime as dt
import os
import secrets
import signal
import socket
import subprocess  # nosec B404  # starts the worker, beat and SMTP server: fixed arguments
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from actions import reminders
from actions.models import DigestState, ImprovementAction, ReminderDigest
from progress import bulk

GOAL_SECONDS = 60
ROOT = Path(settings.BASE_DIR)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def next_working_day(day):
    while not reminders.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


class Command(BaseCommand):
    help = "Time the reminder sweep through a real Celery worker, beat and SMTP server."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=100_000)
        parser.add_argument("--date", help="The day to sweep (YYYY-MM-DD, a working day).")
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--timeout", type=int, default=900, help="Seconds to wait at most.")
        parser.add_argument(
            "--skip-in-process", action="store_true", help="Leave out the in-process run."
        )

    def handle(self, *args, actions, date, concurrency, timeout, skip_in_process, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
        if not settings.REDIS_URL:
            raise CommandError("The benchmark needs Redis for Celery: set REDIS_URL=redis://...")
        day = dt.date.fromisoformat(date) if date else next_working_day(timezone.localdate())
        if not reminders.is_working_day(day):
            raise CommandError(f"{day} is not a working day: no digests are due on it.")
        self._top_up(actions)
        self.stdout.write(
            f"{ImprovementAction.objects.count():,} actions; sweeping the digests due on {day}"
        )
        with tempfile.TemporaryDirectory(prefix="sweep-benchmark-") as folder:
            folder = Path(folder)
            port = free_port()
            sink = self._start(
                "smtp",
                folder,
                [sys.executable, "-m", "progress.sweep_benchmark.smtp_sink", "--port", str(port),
                 "--record", str(folder / "accepted.txt")],
                os.environ.copy(),
            )  # fmt: skip
            try:
                self._wait_for_line(sink, folder / "smtp.log", "ready", 30)
                through_celery = self._through_celery(day, folder, port, concurrency, timeout)
                self._report_celery(day, through_celery, concurrency)
                if not skip_in_process:
                    self._report_in_process(self._in_process(day, folder, port))
            finally:
                self._stop(sink)

    # The data -----------------------------------------------------------------------

    def _top_up(self, wanted):
        have = ImprovementAction.objects.count()
        if have < wanted:
            self.stdout.write(f"adding {wanted - have:,} actions with seed_bulk's builder ...")
            bulk.build(wanted - have, stdout=self.stdout)

    def _reset(self, day):
        ReminderDigest.objects.filter(day=day).delete()

    # Through Celery ---------------------------------------------------------------------

    def _through_celery(self, day, folder, port, concurrency, timeout):
        self._reset(day)
        queue = f"sweep-benchmark-{uuid.uuid4().hex[:8]}"
        env = os.environ.copy()
        env.update(
            DJANGO_SETTINGS_MODULE="progress.sweep_benchmark.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="localhost",
            EMAIL_URL=f"smtp://127.0.0.1:{port}",
            LOG_FORMAT="plain",
            SWEEP_BENCHMARK_DIR=str(folder),
            SWEEP_BENCHMARK_QUEUE=queue,
            SWEEP_BENCHMARK_DAY=day.isoformat(),
        )
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        worker = self._start(
            "worker",
            folder,
            [*celery, "worker", "--loglevel", "INFO", "--concurrency", str(concurrency),
             "--queues", queue, "--hostname", f"{queue}@%h"],
            env,
        )  # fmt: skip
        beat = None
        try:
            self._wait_for_line(worker, folder / "worker.log", " ready.", 120)
            beat = self._start(
                "beat",
                folder,
                [*celery, "beat", "--loglevel", "INFO",
                 "--schedule", str(folder / "beat-schedule"), "--pidfile", ""],
                env,
            )  # fmt: skip
            self._wait_until_swept(day, folder, timeout, worker)
        finally:
            for process in (beat, worker):
                if process is not None:
                    self._stop(process)
        tick = float((folder / "tick").read_text())
        accepted = self._accepted(folder)
        queries = sum(int(path.read_text()) for path in folder.glob("queries-*"))
        return {
            "tick": tick,
            "accepted": accepted,
            "queries": queries,
            "states": self._states(day),
        }

    def _wait_until_swept(self, day, folder, timeout, worker):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise CommandError(f"The worker stopped: see {folder / 'worker.log'}")
            states = self._states(day)
            swept = (folder / "tick").exists() and states and not states.get(DigestState.PENDING)
            if swept and len(self._accepted(folder)) >= states.get(DigestState.SENT, 0):
                return
            time.sleep(0.5)
        tail = (folder / "worker.log").read_text(errors="replace")[-3000:]
        raise CommandError(f"The sweep did not finish in {timeout}s: {self._states(day)}\n{tail}")

    def _report_celery(self, day, run, concurrency):
        accepted = run["accepted"]
        sent = run["states"].get(DigestState.SENT, 0)
        if not accepted:
            raise CommandError("The SMTP server accepted no message.")
        elapsed = max(when for when, _id in accepted) - run["tick"]
        self.stdout.write(
            f"through Celery ({concurrency} worker processes, the beat, SMTP on loopback): "
            f"{len(accepted):,} messages from the beat's tick to the last accepted in "
            f"{elapsed:.1f}s, {len(accepted) / elapsed:.1f} messages/s, "
            f"{run['queries']:,} queries ({run['queries'] / max(sent, 1):.2f} a digest)"
        )
        self._check_once(accepted, sent)
        verdict = "met" if elapsed < GOAL_SECONDS else "NOT met"
        self.stdout.write(f"goal: the whole sweep in under {GOAL_SECONDS}s end to end: {verdict}")

    def _check_once(self, accepted, sent):
        per_message = Counter(message_id for _when, message_id in accepted)
        twice = sum(1 for n in per_message.values() if n > 1)
        self.stdout.write(
            f"ledger: {sent:,} digests sent; SMTP server: {len(per_message):,} distinct "
            f"Message-IDs, {twice} accepted more than once"
        )
        if twice or len(per_message) != sent:
            raise CommandError("Every digest sent must reach the mail server exactly once.")

    # In this process ------------------------------------------------------------------------

    def _in_process(self, day, folder, port):
        self._reset(day)
        before = len(self._accepted(folder))
        counter = QueryCounter()
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",  # nosec B105  # the local server takes no sign-in
        }
        with override_settings(**smtp), connection.execute_wrapper(counter):
            started = time.perf_counter()
            plans = reminders.plan_digests(day)
            planned = time.perf_counter()
            result = reminders.run_sweep(day)
            finished = time.perf_counter()
        accepted = self._accepted(folder)[before:]
        return {
            "plans": len(plans),
            "plan_seconds": planned - started,
            "seconds": finished - planned,
            "queries": counter.count,
            "result": result,
            "accepted": accepted,
        }

    def _report_in_process(self, run):
        sent = run["result"].sent
        self.stdout.write(
            f"in this process (send_reminders), the same SMTP server: working out "
            f"{run['plans']:,} digests took {run['plan_seconds']:.1f}s; the sweep sent "
            f"{sent:,} in {run['seconds']:.1f}s, {sent / run['seconds']:.1f} messages/s, "
            f"{run['queries']:,} queries"
        )
        self._check_once(run["accepted"], sent)

    # Processes --------------------------------------------------------------------------------

    def _states(self, day):
        return Counter(ReminderDigest.objects.filter(day=day).values_list("state", flat=True))

    def _accepted(self, folder):
        path = folder / "accepted.txt"
        if not path.exists():
            return []
        rows = []
        for line in path.read_text().splitlines():
            when, _, message_id = line.partition(" ")
            rows.append((float(when), message_id))
        return rows

    def _start(self, name, folder, command, env):
        log = (folder / f"{name}.log").open("wb")
        return subprocess.Popen(  # noqa: S603  # nosec B603  # this interpreter, fixed arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    def _wait_for_line(self, process, log_path, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in log_path.read_text(errors="replace"):
                return
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise CommandError(f"{log_path.name}: never said {text!r}\n{log_path.read_text()[-3000:]}")

    def _stop(self, process):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
