"""Timing pages in-process, shared by the benchmark commands: each page asked for
through Django's test client, signed in with ``force_login``, with the server
time and the number of queries of every request kept."""

import statistics
import time
from contextlib import contextmanager, nullcontext

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User

WARM_UP = 2
# The goal for the dashboard, cached or not.
DASHBOARD_P95_GOAL_MS = 150


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
