"""Keeping the dashboard's figures up to date off the request path.

A committed change to anything the figures read (``progress.signals``) calls
``request_refresh``, which queues one ``refresh_dashboard`` at a time: a burst of
edits queues one refresh, and the refresh looks again once it has finished, so
the last edit of the burst is always counted. Meanwhile leaders see the figures
from before the change, marked as being brought up to date
(``dashboard.cached_figures``). Without Redis the task runs in-process as soon
as it is sent, so the figures are current before the saving request returns.
"""

import logging

from celery import shared_task
from django.utils import timezone

from . import dashboard

logger = logging.getLogger(__name__)


def request_refresh():
    """Queue a refresh of today's figures, unless one is already queued or nobody
    has looked at the dashboard today (the first view works them out anyway)."""
    if not dashboard.viewed_today(timezone.localdate()):
        return
    if not dashboard.take_refresh_lock():
        return
    try:
        # No retrying a broker that is down: the saving request would wait for
        # it. The figures are then worked out by the next view instead.
        refresh_dashboard.apply_async(retry=False)
    except Exception as error:  # the broker's or, run in-process, the task's own failure
        dashboard.release_refresh_lock()
        logger.warning("dashboard refresh not run: %s", error)


@shared_task(time_limit=5 * 60, soft_time_limit=4 * 60, ignore_result=True)
def refresh_dashboard():
    """Work out and cache the figures for the data as it is now; nothing to do if
    they are cached already, so running it twice, or two at once, is safe."""
    try:
        stamp = dashboard.refresh(timezone.localdate())
    finally:
        dashboard.release_refresh_lock()
    # A change committed while this ran found the lock taken and queued nothing:
    # look again now the lock is free, so that change is not left out.
    if dashboard.data_stamp() != stamp:
        request_refresh()
    return stamp
