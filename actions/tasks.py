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
    """The sweep: write the day's digests to the ledger and queue a
    ``send_digests`` for each batch of those still waiting.

    The beat runs it at 07:00 on weekdays and again as a catch-up each hour; it
    sends nothing on a bank holiday or before 07:00. Running it twice, or two at
    once, is safe: a digest is written once a day and sent once.
    ``day`` (YYYY-MM-DD) is for people re-running a day by hand.
    """
    day = dt.date.fromisoformat(day) if day else reminders.reminder_day()
    if day is None:
        return 0
    pending = reminders.prepare_sweep(day)
    for batch in reminders.batches(pending, reminders.policy()["DIGESTS_PER_BATCH"]):
        # After commit: a worker must never look for a row this one has not
        # committed yet (prepare_sweep has committed here; inside a caller's
        # transaction this waits for it).
        send_digests.delay_on_commit(batch)
    return len(pending)


@shared_task(bind=True, time_limit=5 * 60, soft_time_limit=4 * 60, max_retries=None)
def send_digests(self, digest_pks):
    """Send a batch of digests over one mail connection, each only if it is still
    waiting. Those the mail server refuses are tried again together, once the
    longest backoff the ledger has recorded for them is over. The ledger counts
    the attempts and gives up after REMINDERS["MAX_ATTEMPTS"], so Celery's own
    retry limit is off. A worker killed part-way leaves the rest pending for the
    next sweep."""
    deliveries = reminders.deliver_digests(digest_pks)
    refused = [
        (digest_pk, delivery.retry_in)
        for digest_pk, delivery in zip(digest_pks, deliveries, strict=True)
        if delivery.outcome is reminders.Outcome.WILL_RETRY
    ]
    if refused and not self.request.is_eager:
        # In-process (no Redis) a retry would run at once and wait for nothing;
        # there the next sweep sends them once the backoff is over.
        raise self.retry(
            args=[[digest_pk for digest_pk, _wait in refused]],
            countdown=max(wait for _pk, wait in refused),
        )
    return [delivery.outcome.value for delivery in deliveries]
