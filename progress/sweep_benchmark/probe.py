"""What ``benchmark_sweep`` reads from the worker and the beat it starts: when the
beat sent the sweep, and how many queries each worker process ran. Imported by
``settings``, so every process run with those settings connects these; each
writes small files into SWEEP_BENCHMARK_DIR."""

import os
import time
from pathlib import Path

from celery.signals import before_task_publish, task_postrun, worker_process_init

SWEEP_TASK = "actions.tasks.send_reminders"


def _folder():
    return Path(os.environ["SWEEP_BENCHMARK_DIR"])


@before_task_publish.connect
def note_the_tick(sender=None, **kwargs):
    """The beat's tick: the moment the sweep's message leaves for the broker."""
    if sender == SWEEP_TASK:
        tick = _folder() / "tick"
        if not tick.exists():
            tick.write_text(repr(time.time()))


class _Counter:
    count = 0

    def __call__(self, execute, sql, params, many, context):
        _Counter.count += 1
        return execute(sql, params, many, context)


_counter = _Counter()


@worker_process_init.connect
def count_queries(**kwargs):
    """Every query of this worker process, on whatever connection it opens."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def wrap(sender, connection, **kwargs):
        if _counter not in connection.execute_wrappers:
            connection.execute_wrappers.append(_counter)

    connection_created.connect(wrap, weak=False)
    if connection.connection is not None:
        wrap(None, connection)


@task_postrun.connect
def write_the_count(**kwargs):
    (_folder() / f"queries-{os.getpid()}").write_text(str(_Counter.count))
