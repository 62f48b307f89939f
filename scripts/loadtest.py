"""The load test: the service as it runs in production, on PostgreSQL and Redis,
under simulated people, with the Celery worker killed and restarted midway.

    DATABASE_URL=postgres://... REDIS_URL=redis://... make load-test
    .venv/bin/python scripts/loadtest.py --users 10 --duration 30s   # a quick trial

Use a database kept for load tests: the run adds sign-ins, sets their
passwords, and leaves every update it posted in place. In order it:

1. checks that DATABASE_URL names PostgreSQL and REDIS_URL names Redis, and both
   answer (the database is created if it does not exist yet);
2. migrates, loads the demo data (``load_demo``) and, while the database holds
   fewer actions than ``--bulk-actions``, that many more (``seed_bulk``);
3. makes ``--accounts-per-role`` sign-ins for the improvement team, senior
   leaders and scrutiny members, and gives them and the action owners with open
   actions a password made for this run;
4. collects the static files into the run's folder and starts gunicorn on a
   free loopback port with the production settings (``loadtest/settings.py``),
   a Celery worker and the beat;
5. runs locust headless in its own process (``loadtest/locustfile.py``); ten
   seconds before ``--kill-at`` it queues the reminder sweep, so the worker has
   e-mails to send, and at ``--kill-at`` it kills the worker with SIGKILL, starts a new
   one and queues the catch-up sweep, as the beat would;
6. prints requests, requests per second, p50, p95, p99 and failures per page
   and in total, then checks the database: every update the run posted is
   there exactly once, by its poster, with a history row naming them.

It exits 1 when any request failed, any update or history row is missing, or
the restarted worker did not answer; 2 when PostgreSQL or Redis is missing.
Every process it starts is stopped when it ends, on Ctrl-C too. Logs, locust's
CSV files and the markers of the posted updates stay in the run's folder.
"""

import argparse
import csv
import http.client
import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, suppress
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCUSTFILE = BASE_DIR / "loadtest" / "locustfile.py"
GUNICORN_CONFIG = BASE_DIR / "config" / "gunicorn.py"
# The role each simulated person plays (loadtest/locustfile.py) -> its group
# (accounts/roles.py) and the words for its sign-ins.
ROLE_ACCOUNTS = {
    "improvement_team": ("Improvement team", "team", "Improvement officer"),
    "senior_leader": ("Senior leader", "leader", "Senior leader"),
    "scrutiny_member": ("Scrutiny member", "councillor", "Councillor"),
}
SIGN_IN_DOMAIN = "loadtest.example.org"
SWEEP_LEAD = 10  # seconds between queueing the reminder sweep and killing the worker
WORKER_RESTART_DELAY = 5  # seconds between the kill and the new worker's start
READY_TIMEOUT = 90  # seconds for gunicorn or a worker to be ready
DRAIN_TIMEOUT = 60  # seconds to wait after the run for the worker to empty its queue


def parse_duration(text):
    """ "180", "180s", "3m" or "1m30s" -> seconds."""
    match = re.fullmatch(r"\s*(?:(\d+)m)?\s*(?:(\d+)s?)?\s*", text)
    if not match or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 180, 3m or 1m30s")
    return int(match[1] or 0) * 60 + int(match[2] or 0)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated people (50)")
    # Two a second: 50 people arrive over 25 seconds. Signing in hashes the
    # password (about a third of a second of one core), so ten a second would
    # hold every gunicorn worker for the first half-minute on two cores.
    parser.add_argument("--spawn-rate", type=float, default=2, help="people started a second (2)")
    parser.add_argument(
        "--duration", type=parse_duration, default=180, help="how long: 180, 3m, 30s (3m)"
    )
    parser.add_argument(
        "--kill-at",
        type=parse_duration,
        default=None,
        help="when to kill the Celery worker (half way)",
    )
    parser.add_argument(
        "--bulk-actions",
        type=int,
        default=10_000,
        help="seed_bulk this many actions when the database holds fewer (10000; 0: none)",
    )
    parser.add_argument("--accounts-per-role", type=int, default=10, help="sign-ins per role")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (config/gunicorn.py's)"
    )
    parser.add_argument("--worker-concurrency", type=int, default=1, help="Celery processes")
    parser.add_argument("--out", type=Path, default=None, help="folder for logs and CSVs")
    args = parser.parse_args(argv)
    if args.kill_at is None:
        args.kill_at = args.duration // 2
    if not 0 < args.kill_at < args.duration:
        parser.error("--kill-at must fall inside the run")
    return args


def say(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


class Failed(Exception):
    """A step that cannot go on: the run stops with this message."""


class ServiceMissing(Failed):
    """PostgreSQL or Redis is not named, or does not answer."""


# Services -------------------------------------------------------------------------


def check_services():
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if urlsplit(database_url).scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ServiceMissing("DATABASE_URL must name a PostgreSQL database (postgres://...)")
    if urlsplit(redis_url).scheme not in {"redis", "rediss"}:
        raise ServiceMissing("REDIS_URL must name a Redis database (redis://...)")
    import psycopg
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise ServiceMissing(f"Redis at REDIS_URL did not answer: {error}") from error
    try:
        psycopg.connect(database_url, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise ServiceMissing(f"PostgreSQL at DATABASE_URL did not answer: {error}") from error
        create_database(database_url)


def create_database(database_url):
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with closing(psycopg.connect(maintenance, autocommit=True)) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    say(f"Created the database {name}")


def service_environment(run_dir):
    """The production settings, on plain HTTP on loopback, for every process."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="loadtest.settings",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_DEBUG="false",
        LOADTEST_STATIC_ROOT=str(run_dir / "static"),
        MEDIA_ROOT=str(run_dir / "media"),
        # The reminder sweep must e-mail nobody: its messages go to the worker's log.
        EMAIL_URL="consolemail://",
        LOG_FORMAT="plain",
        PYTHONPATH=str(BASE_DIR),
    )
    # A key made for this run, unless one is given; every process shares it.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# Data -------------------------------------------------------------------------------


def prepare_data(run_dir, bulk_actions):
    from django.core.management import call_command

    from actions.models import ImprovementAction

    say("Migrating")
    call_command("migrate", interactive=False, verbosity=0)
    say("Loading the demo data")
    with (run_dir / "setup.log").open("a") as log:
        call_command("load_demo", stdout=log)
        held = ImprovementAction.objects.count()
        if held < bulk_actions:
            say(f"Adding {bulk_actions:,} synthetic actions (seed_bulk)")
            call_command("seed_bulk", actions=bulk_actions, stdout=log)
        say("Collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0, stdout=log)
    say(f"The database holds {ImprovementAction.objects.count():,} actions")


def prepare_accounts(per_role, password):
    """Sign-ins for each role, and the action owners', all with ``password``.

    Returns {role: [e-mail, ...]} as loadtest/locustfile.py reads it."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.db.models import Count, Q

    from accounts.audit import save_as
    from accounts.models import User
    from actions.demo import ACTING_USER, USERS
    from actions.models import Status

    # One hash for every account: hashing is slow on purpose.
    hashed = make_password(password)
    actor = User.objects.get(email=ACTING_USER)
    accounts = {}

    def give_password(user):
        user.password = hashed
        user._change_reason = "Load test sign-in"
        if user.pk:
            save_as(user, actor, update_fields=["password"])
        else:
            save_as(user, actor)

    with transaction.atomic():
        for role, (group_name, slug, title) in ROLE_ACCOUNTS.items():
            group = Group.objects.get(name=group_name)
            emails = []
            for number in range(1, per_role + 1):
                email = f"{slug}.{number:02d}@{SIGN_IN_DOMAIN}"
                user = User.objects.filter(email=email).first() or User(
                    email=email, full_name=f"Load test {title.lower()} {number}", job_title=title
                )
                give_password(user)
                user.groups.add(group)
                emails.append(email)
            accounts[role] = emails

        # Owners are officers with no role: the demo's first, then those with the
        # most open actions.
        demo_owners = [spec["email"] for spec in USERS if not spec.get("role")]
        candidates = (
            User.objects.filter(is_active=True, groups__isnull=True)
            .annotate(
                open_actions=Count(
                    "owned_actions", filter=~Q(owned_actions__status=Status.COMPLETED)
                )
            )
            .filter(open_actions__gt=0)
            .order_by("-open_actions", "email")
        )
        owners = [
            *candidates.filter(email__in=demo_owners),
            *candidates.exclude(email__in=demo_owners)[:per_role],
        ][:per_role]
        if not owners:
            raise Failed("No action owner with an open action to post updates on")
        for owner in owners:
            give_password(owner)
        accounts["action_owner"] = [owner.email for owner in owners]
    return accounts


# Processes ----------------------------------------------------------------------------


class Processes:
    """The processes this run starts, each in its own process group so that a
    kill reaches its children (gunicorn's and Celery's workers) and Ctrl-C in the
    terminal reaches only this script, which then stops them in order."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.running = {}

    def start(self, name, argv):
        log = (self.run_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own programs, from the venv
            [str(arg) for arg in argv],
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.running[name] = process
        return process

    def signal(self, name, signum):
        process = self.running.get(name)
        if process is not None and process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signum)

    def stop(self, name, grace=15):
        process = self.running.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Anything of its group still left (a pool child of a killed parent) goes too.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.stop(name)


def free_port():
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_web(port, process):
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed("gunicorn stopped while starting: see gunicorn.log")
        with suppress(OSError):
            if fetch(port, "/sign-in/") == 200:
                return
        time.sleep(0.5)
    raise Failed(f"gunicorn did not answer on port {port} in {READY_TIMEOUT}s")


def fetch(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def warm_up(port, requests=16):
    """A few requests at once, so that each gunicorn worker has loaded its URLs and
    templates before the timing starts: that first request of a worker's takes a
    second or more, and is not what people meet on a service that is up."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: fetch(port, "/sign-in/"), range(requests)))


def wait_for_worker(name, process):
    """Seconds until the worker ``name`` answers a ping."""
    from config.celery_app import app

    started = time.monotonic()
    while time.monotonic() - started < READY_TIMEOUT:
        if process.poll() is not None:
            raise Failed("the Celery worker stopped while starting: see worker.log")
        if app.control.ping(destination=[name], timeout=1.0):
            return time.monotonic() - started
    raise Failed(f"the Celery worker {name} did not answer in {READY_TIMEOUT}s")


def start_worker(processes, name, concurrency):
    return processes.start(
        "worker",
        [
            BIN / "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "-n",
            name,
            "--concurrency",
            concurrency,
            "--without-mingle",
            "--without-gossip",
        ],
    )


def sweep_day():
    """The first working day from today whose reminder digests are not written yet:
    its sweep gives the worker a few hundred e-mails to send, on every run."""
    from django.utils import timezone

    from actions.models import ReminderDigest
    from actions.reminders import is_working_day

    today = timezone.localdate()
    for offset in range(366):
        day = today + timedelta(days=offset)
        if is_working_day(day) and not ReminderDigest.objects.filter(day=day).exists():
            return day
    return today


def queue_sweep(day):
    """The reminder sweep for ``day``, queued as the beat would queue it."""
    from actions.tasks import send_reminders

    send_reminders.delay(day.isoformat())


def queued_messages():
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return client.llen("celery")


def pending_digests(day):
    from actions.models import ReminderDigest

    return ReminderDigest.objects.filter(day=day, state=ReminderDigest.State.PENDING).count()


def digest_counts(day):
    from django.db.models import Count

    from actions.models import ReminderDigest

    rows = ReminderDigest.objects.filter(day=day).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


# The run ------------------------------------------------------------------------------


def run_load(args, processes, run_dir, run_id, accounts_file, password):
    from django.db import connections

    day = sweep_day()
    connections.close_all()
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn = [BIN / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    if GUNICORN_CONFIG.exists():
        gunicorn[1:1] = ["-c", GUNICORN_CONFIG]
    if args.workers:
        gunicorn += ["--workers", args.workers]
    say(f"Starting gunicorn on {host}")
    wait_for_web(port, processes.start("gunicorn", gunicorn))
    warm_up(port)

    worker_name = f"loadtest-{os.getpid()}@{socket.gethostname()}"
    say("Starting the Celery worker and beat")
    worker = start_worker(processes, worker_name, args.worker_concurrency)
    processes.start(
        "beat",
        [
            BIN / "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            run_dir / "celerybeat-schedule",
        ],
    )
    wait_for_worker(worker_name, worker)

    locust_env = {
        "LOADTEST_ACCOUNTS": str(accounts_file),
        "LOADTEST_PASSWORD": password,
        "LOADTEST_RUN_ID": run_id,
        "LOADTEST_MARKERS": str(run_dir / "markers"),
    }
    os.environ.update(locust_env)
    say(
        f"Running locust: {args.users} people for {args.duration}s, "
        f"the worker killed at {args.kill_at}s"
    )
    started = time.monotonic()
    locust = processes.start(
        "locust",
        [
            BIN / "locust",
            "-f",
            LOCUSTFILE,
            "--headless",
            "--users",
            args.users,
            "--spawn-rate",
            args.spawn_rate,
            "--run-time",
            f"{args.duration}s",
            "--stop-timeout",
            10,
            "--host",
            host,
            "--csv",
            run_dir / "locust",
            "--only-summary",
        ],
    )

    # The sweep shortly before the kill, so that the kill lands while the worker
    # is sending what it queued.
    events = {"sweep_at": max(1, args.kill_at - SWEEP_LEAD), "kill_at": args.kill_at}
    worker_back_in = None
    while locust.poll() is None:
        elapsed = time.monotonic() - started
        if "sweep_at" in events and elapsed >= events["sweep_at"]:
            del events["sweep_at"]
            queue_sweep(day)
            say(f"Queued the reminder sweep for {day} ({queued_messages()} message(s) waiting)")
        if "kill_at" in events and elapsed >= events["kill_at"]:
            del events["kill_at"]
            say(
                f"Killing the Celery worker (SIGKILL to pid {worker.pid} and its pool); "
                f"{queued_messages()} message(s) waiting, {pending_digests(day)} digest(s) "
                "unsent"
            )
            processes.signal("worker", signal.SIGKILL)
            worker.wait()
            processes.running.pop("worker")
            time.sleep(WORKER_RESTART_DELAY)
            worker = start_worker(processes, worker_name, args.worker_concurrency)
            worker_back_in = wait_for_worker(worker_name, worker)
            queue_sweep(day)
            say(
                f"A new worker answered {worker_back_in:.1f}s after it started; "
                "queued the catch-up sweep"
            )
        if processes.running["gunicorn"].poll() is not None:
            raise Failed("gunicorn stopped during the run: see gunicorn.log")
        time.sleep(0.5)
    say(f"locust finished (exit code {locust.returncode})")
    processes.running.pop("locust")

    drained = drain(day)
    return {"worker_back_in": worker_back_in, "drained": drained, "day": day}


def drain(day):
    """Wait a little for the worker to send what the sweeps queued."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while time.monotonic() < deadline:
        if queued_messages() == 0 and pending_digests(day) == 0:
            return True
        time.sleep(1)
    return False


# Results --------------------------------------------------------------------------


def read_stats(run_dir):
    path = run_dir / "locust_stats.csv"
    if not path.exists():
        raise Failed("locust wrote no statistics: see locust.log")
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def print_stats(rows):
    columns = ("Requests", "Req/s", "p50 ms", "p95 ms", "p99 ms", "Failures")
    width = max(len(f"{row['Type']} {row['Name']}".strip()) for row in rows)
    print()
    print(f"{'Request':<{width}}  " + "  ".join(f"{column:>8}" for column in columns))
    for row in rows:
        label = f"{row['Type']} {row['Name']}".strip()
        if row["Name"] == "Aggregated":
            print("-" * (width + 2 + 10 * len(columns)))
            label = "All requests"
        cells = [
            row["Request Count"],
            f"{_number(row['Requests/s']) or 0:.1f}",
            row["50%"],
            row["95%"],
            row["99%"],
            row["Failure Count"],
        ]
        print(f"{label:<{width}}  " + "  ".join(f"{cell:>8}" for cell in cells))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return int(total["Request Count"]), int(total["Failure Count"]), total


def print_failures(run_dir):
    path = run_dir / "locust_failures.csv"
    if not path.exists():
        return
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            print(f"  {row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error']}")


def percentile(ordered, share):
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def browsing_times(run_dir):
    """Response times (ms) of every successful request but signing in."""
    times = []
    for path in (run_dir / "markers").glob("timings-*.json"):
        times.extend(json.loads(path.read_text()))
    return sorted(times)


def read_exceptions(run_dir):
    """Errors in the simulated people's own code: no failed request, but a task
    that did not run to its end, so they count as errors too."""
    path = run_dir / "locust_exceptions.csv"
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return [(int(row["Count"]), row["Message"]) for row in csv.DictReader(handle)]


def read_markers(run_dir):
    """{marker: (e-mail, action pk, outcome)} from every locust process's file."""
    recorded = {}
    for path in sorted((run_dir / "markers").glob("markers-*.tsv")):
        for line in path.read_text().splitlines():
            marker, email, action_pk, outcome = line.split("\t")
            recorded[marker] = (email, int(action_pk), outcome)
    return recorded


def verify_updates(run_dir, run_id):
    """Each update the run posted is in the database once, by its poster, with a
    history row of its creation naming them. Returns (counts, problems)."""
    from actions.models import ActionUpdate

    recorded = read_markers(run_dir)
    pattern = re.compile(re.escape(f"[{run_id}:") + r"[0-9a-f]{32}\]")
    saved = defaultdict(list)
    updates = ActionUpdate.objects.filter(note__contains=f"[{run_id}:").select_related("author")
    for update in updates:
        for marker in pattern.findall(update.note):
            saved[marker].append(update)
    creators = defaultdict(list)
    created = ActionUpdate.history.filter(
        id__in=[update.pk for found in saved.values() for update in found], history_type="+"
    ).select_related("history_user")
    for row in created:
        creators[row.id].append(row.history_user.email if row.history_user else None)

    problems = []
    posted = {marker: rest for marker, rest in recorded.items() if rest[2] == "posted"}
    with_history = 0
    for marker, (email, action_pk, _outcome) in posted.items():
        found = saved.get(marker, [])
        if len(found) != 1:
            problems.append(f"{marker} by {email}: {len(found)} updates in the database")
            continue
        update = found[0]
        if update.author.email != email or update.action_id != action_pk:
            problems.append(
                f"{marker}: saved on action {update.action_id} by {update.author.email}, "
                f"posted on {action_pk} by {email}"
            )
        if creators.get(update.pk) == [email]:
            with_history += 1
        else:
            problems.append(
                f"{marker}: history rows of its creation name {creators.get(update.pk)}"
            )
    for marker in saved.keys() - posted.keys():
        outcome = recorded.get(marker, (None, None, "not recorded"))[2]
        problems.append(f"{marker} is in the database but its post was {outcome}")
    counts = {
        "posted": len(posted),
        "refused or failed": len(recorded) - len(posted),
        "in the database once": sum(1 for marker in posted if len(saved.get(marker, [])) == 1),
        "with a history row naming the poster": with_history,
    }
    return counts, problems


def report(args, run_dir, run_id, outcome):
    rows = read_stats(run_dir)
    requests, failures, total = print_stats(rows)
    exceptions = read_exceptions(run_dir)
    errors = failures + sum(count for count, _message in exceptions)
    print(
        f"\n{requests} requests in {args.duration}s by {args.users} people: "
        f"{_number(total['Requests/s']) or 0:.1f} requests/s, p50 {total['50%']} ms, "
        f"p95 {total['95%']} ms, p99 {total['99%']} ms, {errors} errors"
    )
    browsing = browsing_times(run_dir)
    if browsing:
        p50, p95, p99 = (percentile(browsing, share) for share in (0.5, 0.95, 0.99))
        print(
            f"Signing in left out: {len(browsing)} requests, "
            f"{len(browsing) / args.duration:.1f} requests/s, "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms"
        )
    if failures:
        print_failures(run_dir)
    for count, message in exceptions:
        print(f"  {count} x error in the locustfile: {message}")

    counts, problems = verify_updates(run_dir, run_id)
    print("\nProgress updates posted by the run:")
    for label, count in counts.items():
        print(f"  {label}: {count}")
    for problem in problems[:20]:
        print(f"  PROBLEM: {problem}")
    if len(problems) > 20:
        print(f"  ... and {len(problems) - 20} more")

    digests = digest_counts(outcome["day"])
    back = outcome["worker_back_in"]
    print("\nCelery:")
    print(
        f"  worker killed at {args.kill_at}s; the new one answered "
        + (f"{back:.1f}s after starting" if back is not None else "NEVER")
    )
    print(
        f"  reminder digests for {outcome['day']}: "
        + (", ".join(f"{n} {state}" for state, n in sorted(digests.items())) or "none")
        + ("" if outcome["drained"] else f" (queue not empty after {DRAIN_TIMEOUT}s)")
    )
    print(f"\nLogs and locust's CSV files: {run_dir}")

    ok = errors == 0 and not problems and back is not None and counts["posted"] > 0
    print("PASSED" if ok else "FAILED", flush=True)
    return 0 if ok else 1


def main(argv=None):
    args = parse_args(argv)
    run_dir = (args.out or Path(tempfile.mkdtemp(prefix="loadtest-"))).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    run_id = f"loadtest-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(18)
    processes = Processes(run_dir)
    # Ctrl-C and SIGTERM stop the run through the ``finally`` below; SIGINT's
    # handler is set even where it was inherited as ignored (started with ``&``).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        check_services()
        service_environment(run_dir)
        setup_django()
        say(f"Run {run_id}; logs in {run_dir}")
        prepare_data(run_dir, args.bulk_actions)
        accounts = prepare_accounts(args.accounts_per_role, password)
        accounts_file = run_dir / "accounts.json"
        accounts_file.write_text(json.dumps(accounts, indent=2))
        say("Sign-ins: " + ", ".join(f"{len(v)} {k}" for k, v in accounts.items()))
        outcome = run_load(args, processes, run_dir, run_id, accounts_file, password)
        processes.stop_all()
        return report(args, run_dir, run_id, outcome)
    except Failed as error:
        print(f"Load test stopped: {error}", file=sys.stderr)
        return 2 if isinstance(error, ServiceMissing) else 1
    except KeyboardInterrupt:
        print("Interrupted: stopping gunicorn, Celery and locust", file=sys.stderr)
        return 130
    finally:
        processes.stop_all()


if __name__ == "__main__":
    sys.exit(main())
