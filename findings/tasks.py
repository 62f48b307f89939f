"""Reading an import's document, and tidying what imports leave behind.

``read_document`` reads the document a person uploaded or pasted
(findings.document_reading). Its own deadline stops it as it reads; on a worker,
Celery's soft time limit (a little later) stops one stuck inside a single page,
and the hard limit kills one that ignores even that. Either way the reading page
tells the person it took too long.

An uploaded document waits in the file storage under ``imports/drafts/`` while
its importer reviews it (``import_drafts``); confirming or replacing the draft
deletes the file, but a session that simply ends (its importer signs out, or
leaves it idle) takes the only reference to the file with it. The beat sweeps
such files away each night.
"""

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.utils import timezone

from . import document_reading
from .import_drafts import DRAFT_FOLDER, SESSION_KEY
from .models import DocumentReading

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
    settled = now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # A reading nobody collected is as abandoned as its session.
    DocumentReading.objects.filter(requested_at__lt=settled).delete()
    if not default_storage.exists(DRAFT_FOLDER):
        return []
    in_use = draft_files_in_use(now) | set(
        DocumentReading.objects.exclude(stored_name="").values_list("stored_name", flat=True)
    )
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


@shared_task(
    ignore_result=True,
    soft_time_limit=settings.IMPORT_READ_SECONDS + 10,
    time_limit=settings.IMPORT_READ_SECONDS + 20,
)
def read_document(reading_pk):
    try:
        document_reading.read(reading_pk)
    except SoftTimeLimitExceeded:
        document_reading.refuse_as_too_slow(reading_pk)
