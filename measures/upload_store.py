"""A file of figures held between its review and its confirmation.

Its bytes wait in the file storage under ``measures/uploads/``, named by a random
token; the person's session holds the token, the stored name and the file's
SHA-256. Why there and not elsewhere:

- not in the session itself: sessions are read and saved on every request
  (SESSION_SAVE_EVERY_REQUEST), and a file of up to the size limit would ride
  along with every page the person opens while it waits;
- not sent back by the browser with the Confirm button: what was reviewed must be
  what is saved, and a copy the browser sends could be any file at all. Held here,
  the file can only be the one this person uploaded, checked against its SHA-256
  when it is read back, and ``figures_save.confirm_file`` then checks that saving
  it still does what the review showed.

Uploading another file, confirming or abandoning one removes its stored copy; a
copy left by a session that simply ended is removed by a later upload once it is
a day old (``KEPT_FOR``): far longer than anyone spends on a review, and nobody's
file is swept away while they read it.
"""

import datetime
import hashlib
import secrets
from dataclasses import asdict, dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

SESSION_KEY = "measures_figures_upload"
FOLDER = "measures/uploads"
KEPT_FOR = datetime.timedelta(days=1)


@dataclass
class HeldFile:
    token: str
    stored_name: str
    sha256: str
    original_name: str

    def read(self):
        """The file's bytes, or None if the stored copy is gone or is not the same file."""
        if not default_storage.exists(self.stored_name):
            return None
        with default_storage.open(self.stored_name, "rb") as stored:
            data = stored.read()
        return data if hashlib.sha256(data).hexdigest() == self.sha256 else None


def hold(session, original_name, data):
    """Keep ``data`` for the session's person in place of any file held before."""
    discard(session)
    remove_abandoned()
    token = secrets.token_hex(16)
    stored_name = default_storage.save(f"{FOLDER}/{token}", ContentFile(data))
    held = HeldFile(
        token=token,
        stored_name=stored_name,
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=original_name[:200],
    )
    session[SESSION_KEY] = asdict(held)
    return held


def held_file(session):
    """The file the session holds, or None."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        held = HeldFile(**stored)
    except TypeError:
        return None
    # Only a name this module made: the session is the server's, but a name is
    # never trusted to stay inside the folder without looking.
    if not held.stored_name.startswith(f"{FOLDER}/") or ".." in held.stored_name:
        return None
    return held


def discard(session):
    held = held_file(session)
    if held is not None:
        default_storage.delete(held.stored_name)
    session.pop(SESSION_KEY, None)


def remove_abandoned(now=None):
    """Delete held files older than ``KEPT_FOR``; the names deleted."""
    if not default_storage.exists(FOLDER):
        return []
    now = now or timezone.now()
    settled = now - KEPT_FOR
    removed = []
    for name in default_storage.listdir(FOLDER)[1]:
        stored_name = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(stored_name) < settled:
            default_storage.delete(stored_name)
            removed.append(stored_name)
    return removed
