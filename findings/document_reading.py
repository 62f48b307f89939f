"""Reading an import's document off the request.

The start page stores what it was given (an uploaded file in the file storage,
pasted text in the row) as a ``DocumentReading`` and sends its primary key to
``findings.tasks.read_document``: a worker with REDIS_URL set, in-process without.
``read`` claims the reading with a conditional UPDATE (a task delivered twice
reads it once), reads it with no transaction open, within the limits of
``findings.documents`` and its ``Deadline``, and writes the outcome in one UPDATE:
the text, the kind of document and what the parser read, or why it was refused,
worded to be shown beside the start page's field.

The reading page (``import_views.ImportReadingView``) collects the outcome: it
becomes the person's draft, or the start page's error.
"""

import datetime
import logging
import secrets

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from .documents import Deadline, DocumentError, extract_text
from .import_drafts import delete_stored_file, read_stored_file, store_upload
from .models import DocumentReading, ImportedDocumentKind

logger = logging.getLogger(__name__)

State = DocumentReading.State
UPLOAD, PASTE = "document", "text"


def ask_for_reading(user, authority, *, text="", data=None, original_name=""):
    """A new reading of ``data`` (an uploaded file's bytes) or of pasted ``text``."""
    token = secrets.token_hex(16)
    stored_name = store_upload(token, original_name, data) if data is not None else ""
    return DocumentReading.objects.create(
        token=token,
        requested_by=user,
        authority=authority,
        original_name=original_name[:255],
        stored_name=stored_name,
        text="" if data is not None else text,
    )


def read(reading_pk, deadline=None):
    """Read the document if nobody has yet; the reading as it ends, or None."""
    claimed = DocumentReading.objects.filter(pk=reading_pk, state=State.WAITING).update(
        state=State.READING, started_at=timezone.now()
    )
    if not claimed:
        return None
    reading = DocumentReading.objects.get(pk=reading_pk)
    try:
        outcome = _outcome(reading, deadline or Deadline())
    except SoftTimeLimitExceeded:
        outcome = refusal(reading, too_slow_message(reading))
    except Exception:
        # A parser fault must not cost the person a 500: say so and log it.
        logger.exception("Could not read an uploaded document (reading %s)", reading_pk)
        outcome = refusal(reading, "The document could not be read. Try pasting its text instead.")
    DocumentReading.objects.filter(pk=reading_pk, state=State.READING).update(
        finished_at=timezone.now(), **outcome
    )
    reading.refresh_from_db()
    return reading


def _outcome(reading, deadline):
    where = "selected file" if reading.stored_name else "pasted text"
    try:
        if reading.stored_name:
            data = read_stored_file(reading.stored_name)
            if data is None:
                raise DocumentError("The selected file could not be uploaded: try again")
            text = extract_text(reading.original_name, data, deadline=deadline)
        else:
            text = reading.text
        kind = document_kind(text)
        if kind is None:
            raise DocumentError(f"The {where} is not an Ofsted visit letter or inspection report")
        parsed = parse(kind, text)
    except DocumentError as error:
        return refusal(reading, error.message)
    return {"state": State.READY, "text": text, "kind": kind, "parsed": parsed}


def refusal(reading, message):
    return {
        "state": State.REFUSED,
        "refusal": message[:300],
        "refused_field": UPLOAD if reading.stored_name else PASTE,
    }


def too_slow_message(reading):
    where = "selected file" if reading.stored_name else "pasted text"
    return f"The {where} took too long to read: try again, or paste its text instead"


def document_kind(text):
    """Letter, report or None, as the parsers recognise them."""
    from .letter_parser import looks_like_ofsted_letter
    from .report_parser import looks_like_ofsted_report

    if looks_like_ofsted_letter(text):
        return ImportedDocumentKind.LETTER
    if looks_like_ofsted_report(text):
        return ImportedDocumentKind.REPORT
    return None


def parse(kind, text):
    if kind == ImportedDocumentKind.LETTER:
        from .letter_parser import parse_letter

        return parse_letter(text)
    from .report_parser import parse_report

    return parse_report(text)


def refuse_as_too_slow(reading_pk):
    """Mark a reading a worker gave up on (its soft time limit) as refused."""
    reading = DocumentReading.objects.filter(pk=reading_pk).first()
    if reading is not None:
        DocumentReading.objects.filter(
            pk=reading_pk, state__in=[State.WAITING, State.READING]
        ).update(finished_at=timezone.now(), **refusal(reading, too_slow_message(reading)))


def give_up_if_lost(reading, now=None):
    """A reading unfinished long after it was asked for is lost (its worker was killed
    at the hard time limit, or no worker is running): it is refused, so that nobody
    waits for it for ever. The reading, as it now stands."""
    now = now or timezone.now()
    lost = now - datetime.timedelta(seconds=settings.IMPORT_GIVE_UP_SECONDS)
    if reading.state in (State.WAITING, State.READING) and reading.requested_at < lost:
        message = too_slow_message(reading)
        DocumentReading.objects.filter(pk=reading.pk, state=reading.state).update(
            finished_at=now, **refusal(reading, message)
        )
        reading.refresh_from_db()
    return reading


def forget(reading):
    """Delete a collected or abandoned reading; its file too, unless a draft took it."""
    if reading.state != State.READY:
        delete_stored_file(reading.stored_name)
    reading.delete()
