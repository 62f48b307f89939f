"""A document waiting for review: kept in the person's session, never in the tables
of the domain, until they confirm it.

The session holds what the parser read and the document's text; an uploaded
file's bytes wait in the file storage under ``imports/drafts/`` (a session row is
read on every request, and a PDF has no business there). Starting another import
replaces the draft, and confirming or replacing it deletes the waiting file.
"""

import hashlib
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

SESSION_KEY = "findings_import_draft"
DRAFT_FOLDER = "imports/drafts"


@dataclass
class Draft:
    token: str
    kind: str  # ImportedDocument.Kind: "letter" or "report"
    authority_id: int
    text: str
    sha256: str
    parsed: dict = field(default_factory=dict)
    original_name: str = ""
    stored_name: str = ""

    def read_file(self):
        """The uploaded file's bytes, or None for pasted text (or a file gone missing)."""
        return read_stored_file(self.stored_name)


def store_upload(token, original_name, data):
    """Keep an uploaded file's bytes in the drafts folder; the name it is stored under."""
    suffix = PurePath(original_name).suffix.lower()[:10]
    return default_storage.save(f"{DRAFT_FOLDER}/{token}{suffix}", ContentFile(data))


def read_stored_file(stored_name):
    if not stored_name or not default_storage.exists(stored_name):
        return None
    with default_storage.open(stored_name, "rb") as stored:
        return stored.read()


def delete_stored_file(stored_name):
    if stored_name:
        default_storage.delete(stored_name)


def fingerprint(text=None, data=None):
    """The SHA-256 of an uploaded file's bytes, or of pasted text with its spacing
    evened out (the same letter pasted twice rarely keeps every line break)."""
    if data is None:
        data = " ".join((text or "").split()).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def start_draft(request, *, kind, authority_id, text, parsed, original_name="", stored_name=""):
    """Keep a new draft in the session in place of any earlier one; ``stored_name`` is
    the uploaded file's, already in the drafts folder (``store_upload``)."""
    discard_draft(request)
    data = read_stored_file(stored_name)
    draft = Draft(
        token=secrets.token_hex(16),
        kind=kind,
        authority_id=authority_id,
        text=text,
        sha256=fingerprint(text, data),
        parsed=parsed,
        original_name=original_name,
        stored_name=stored_name,
    )
    request.session[SESSION_KEY] = asdict(draft)
    return draft


def current_draft(request):
    """The session's draft, or None (none started, or one the code no longer reads)."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        return Draft(**stored)
    except TypeError:
        return None


def discard_draft(request):
    draft = current_draft(request)
    if draft is not None:
        delete_stored_file(draft.stored_name)
    request.session.pop(SESSION_KEY, None)
