"""Celery tasks for actions: short, one job each, taking primary keys or plain
values and doing the work through ``actions.reminders``, so the tests and the
``send_reminders`` command run the same code without a worker.

Time limits are per task; ``visibility_timeout`` in settings outlasts all of
them (a test holds it so), or Redis would hand a slow task to a second worker.
"""

import datetime as dt

from celery import shared_task

from . import reminders


@shared_task(time_limit=10 * 60, soft_time_limit=9 * 60)
def send_reminders(day=None):
    """The sweep: write the day's digests to the ledger and queue one
    ``send_digest`` for each still waiting.

    The beat runs it at 07:00 on weekdays and again as a catch-up each hour; it
    sends nothing on a bank holiday or before 07:00. Running it twice, or two at
    once, is safe: a digest is written once a day and sent once.
    ``day`` (YYYY-MM-DD) is for people re-running a day by hand.
    """
    day = dt.date.fromisoformat(day) if day else reminders.reminder_day()
    if day is None:
        return 0
    pending = reminders.prepare_sweep(day)
    for digest_pk in pending:
        # After commit: a worker must never look for a row this one has not
        # committed yet (prepare_sweep has committed here; inside a caller's
        # transaction this waits for it).
        send_digest.delay_on_commit(digest_pk)
    return len(pending)


@shared_task(bind=True, time_limit=60, soft_time_limit=45, max_retries=None)
def send_digest(self, digest_pk):
    """Send one digest if it is still waiting; when the mail server refuses it,
    try again after the backoff the ledger has recorded. The ledger counts the
    attempts and gives up after REMINDERS["MAX_ATTEMPTS"], so Celery's own
    retry limit is off."""
    delivery = reminders.deliver_digest(digest_pk)
    if delivery.outcome is reminders.Outcome.WILL_RETRY and not self.request.is_eager:
        # In-process (no Redis) a retry would run at once and wait for nothing;
        # there the next sweep sends it once the backoff is over.
        raise self.retry(countdown=delivery.retry_in)
    return delivery.outcome.value
