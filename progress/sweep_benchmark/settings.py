"""The production settings, as ``benchmark_sweep`` runs its worker and beat: the
beat sends the sweep for SWEEP_BENCHMARK_DAY once, as soon as it starts, instead
of its timetable; tasks go to the run's own queue (SWEEP_BENCHMARK_QUEUE); and
``probe`` notes the tick and counts queries. E-mail goes where EMAIL_URL says:
the benchmark's own SMTP server."""

from datetime import UTC, datetime, timedelta

from celery.schedules import schedule

from config.settings.production import *  # noqa: F403
from config.settings.production import env

from . import probe  # noqa: F401  # connects the counters in every process

CELERY_TASK_DEFAULT_QUEUE = env("SWEEP_BENCHMARK_QUEUE")
CELERY_BEAT_SCHEDULE = {
    "reminders: the benchmark's sweep, as the beat starts": {
        "task": "actions.tasks.send_reminders",
        # Daily, and last run a day ago: due as soon as the beat starts, as the
        # 07:00 entry is at 07:00, and not again during the run.
        "schedule": schedule(run_every=timedelta(days=1)),
        "last_run_at": datetime.now(UTC) - timedelta(days=1),
        "kwargs": {"day": env("SWEEP_BENCHMARK_DAY")},
    },
}
