"""Timing pages in-process, shared by the benchmark commands: each page asked for
through Django's test client, signed in with ``force_login``, with the server
time and the number of queries of every request kept."""

import statistics
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User

WARM_UP = 2
# The goal for the dashboard, cached or not.
DASHBOARD_P95_GOAL_MS = 150
# A page whose median time grows more than this between the smallest size of the
# data set and the largest is flagged.
GROWTH_LIMIT = 2.5


@dataclass
class Page:
    label: str
    url: str | None
    who: str
    # How many rows stand behind the page (actions, measures, months), where
    # it is about one record or a part of the data set.
    rows: int | None = None
    # Called before each view, outside the timing (emptying a cache, say).
    before: object = None


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


def url_or_none(name, query="", **kwargs):
    """The page's URL, or None where that part of the service is not built."""
    try:
        return reverse(name, kwargs=kwargs or None) + query
    except NoReverseMatch:
        return None


def benchmark_user(email, role, administers=False):
    """A person to sign in as, made on the first run and reused after."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": f"Benchmark {role or 'system administrator'}",
            "is_staff": administers,
            "is_superuser": administers,
        },
    )
    if created and role:
        user.groups.add(Group.objects.get(name=role))
    return user


EMAIL = "benchmark-{}@synthetic.example"


def benchmark_people(roles):
    """A person to sign in as for each ``{who: role}``, the same on every run."""
    return {who: benchmark_user(EMAIL.format(who), role) for who, role in roles.items()}


def add_timing_arguments(parser, sizes, sizes_help):
    """The options every page benchmark takes: the sizes, the requests a page, and
    ``--only`` (read with ``only_pages``) to time some pages again."""
    parser.add_argument("--sizes", default=sizes, help=sizes_help)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--only",
        default="",
        help="Time only the pages whose names start with these, comma-separated.",
    )


def only_pages(pages, only):
    names = [name.strip() for name in only.split(",") if name.strip()]
    if not names:
        return pages
    return [page for page in pages if any(page.label.startswith(name) for name in names)]


@contextmanager
def quiet_server():
    # As in production: no query log kept in memory, and the test client's
    # host name accepted.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        yield


def measure(client, url, requests, before=None, around=None, stale_marker=None):
    """p50, p95 and the most queries of ``requests`` views, after ``WARM_UP``.

    ``before``, if given, is called before each view, outside the timing;
    ``around`` is a context manager entered for each view, outside the timing.
    With ``stale_marker``, the views whose page contains it are counted as
    ``stale``. A page that answers other than 200 gives ``{"error": ...}``."""
    times, queries, stale = [], [], 0
    for number in range(WARM_UP + requests):
        if before is not None:
            before()
        counter = QueryCounter()
        with around() if around else nullcontext():
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            if stale_marker and stale_marker in response.content.decode():
                stale += 1
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
        "bytes": len(response.content) if not response.streaming else 0,
        "stale": stale,
    }


def measure_pages(pages, people, requests, stdout):
    """``measure`` for each page, as its person: ``{label: (page, result)}``."""
    clients = {}
    for who, user in people.items():
        clients[who] = Client()
        clients[who].force_login(user)
    results = {}
    for page in pages:
        if page.url is None or page.who not in clients:
            results[page.label] = (page, {"error": "not built"})
            continue
        stdout.write(f"timing {page.label}: {page.url}")
        results[page.label] = (page, measure(clients[page.who], page.url, requests, page.before))
    return results


def growth(small, large):
    return large / small if small else float("inf")


def write_report(write, results, sizes, requests, size_column, size_cell, span):
    """The figures of every page at every size, then each page's growth from the
    first size to the last, flagging a median that grows more than
    ``GROWTH_LIMIT`` times or a number of queries that changes; returns how many
    pages were flagged. ``size_cell(size)`` is how a size is written in the
    ``size_column`` of the table, and ``span`` says the sizes grown between."""
    width = max([26, *(len(label) for size in sizes for label in results[size])])
    write("")
    write(
        f"{'page':{width}} {size_column:>9} {'rows':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'queries':>7} {'KiB':>7}"
    )
    for size in sizes:
        for label, (page, result) in results[size].items():
            rows = f"{page.rows:,}" if page.rows is not None else "-"
            if "error" in result:
                write(f"{label:{width}} {size_cell(size):>9} {rows:>7} {result['error']}")
                continue
            write(
                f"{label:{width}} {size_cell(size):>9} {rows:>7} {result['p50']:8.1f} "
                f"{result['p95']:8.1f} {result['queries']:7} {result['bytes'] / 1024:7.0f}"
            )
    write(f"({requests} requests each, after a warm-up)")
    first, last = sizes[0], sizes[-1]
    write("")
    write(f"Growth {span} (flagged: p50 over x{GROWTH_LIMIT}")
    write("or a different number of queries):")
    write(f"{'page':{width}} {'p50 x':>7} {'p95 x':>7} {'queries':>9}")
    flagged = 0
    for label, (_page, small) in results[first].items():
        large = results[last].get(label, (None, {"error": "not timed"}))[1]
        if "error" in small or "error" in large:
            write(f"{label:{width}} {small.get('error') or large.get('error')}")
            continue
        p50, p95 = growth(small["p50"], large["p50"]), growth(small["p95"], large["p95"])
        flags = []
        if p50 > GROWTH_LIMIT:
            flags.append("GROWS")
        if small["queries"] != large["queries"]:
            flags.append("QUERIES DIFFER")
        flagged += bool(flags)
        queries = f"{small['queries']}->{large['queries']}"
        write(f"{label:{width}} {p50:7.2f} {p95:7.2f} {queries:>9}  {' '.join(flags)}")
    write("")
    if flagged:
        write(f"{flagged} of {len(results[first])} pages flagged")
    else:
        write(f"No page grew more than x{GROWTH_LIMIT}, and every query count held")
    return flagged


def write_dashboard_goal(write, results, at):
    """Whether the uncached dashboard met its goal at the largest size, ``at``."""
    timing = results.get("dashboard, not cached", (None, {}))[1]
    if "p95" in timing:
        met = timing["p95"] < DASHBOARD_P95_GOAL_MS
        write(
            f"dashboard, not cached, p95 at {at}: {timing['p95']:.1f} ms "
            f"(goal under {DASHBOARD_P95_GOAL_MS} ms {'met' if met else 'MISSED'})"
        )
