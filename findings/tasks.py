"""Tidying what imports leave behind.

An uploaded document waits in the file storage under ``imports/drafts/`` while
its importer reviews it (``import_drafts``); confirming or replacing the draft
deletes the file, but a session that simply ends (its importer signs out, or
leaves it idle) takes the only reference to the file with it. The beat sweeps
such files away each night.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.utils import timezone

from .import_drafts import DRAFT_FOLDER, SESSION_KEY

logger = logging.getLogger(__name__)


def draft_files_in_use(now):
    """The stored names of the drafts that unexpired sessions still hold."""
    in_use = set()
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        draft = session.get_decoded().get(SESSION_KEY)
        if isinstance(draft, dict) and draft.get("stored_name"):
            in_use.add(draft["stored_name"])
    return in_use


def remove_abandoned_drafts(now=None):
    """Delete each waiting file no live session refers to; the names deleted.

    A file younger than a session's idle limit is left alone whatever the
    sessions say: the request that stored it saves its session only as it ends.
    """
    now = now or timezone.now()
    if not default_storage.exists(DRAFT_FOLDER):
        return []
    in_use = draft_files_in_use(now)
    settled = now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    removed = []
    for name in default_storage.listdir(DRAFT_FOLDER)[1]:
        stored_name = f"{DRAFT_FOLDER}/{name}"
        if stored_name in in_use or default_storage.get_modified_time(stored_name) > settled:
            continue
        default_storage.delete(stored_name)
        removed.append(stored_name)
    return removed


@shared_task(ignore_result=True)
def remove_abandoned_import_drafts():
    removed = remove_abandoned_drafts()
    logger.info("import drafts: %d abandoned file(s) removed", len(removed))
    return len(removed)
