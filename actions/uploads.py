"""Which evidence files are accepted, and why one is refused.

A file is checked twice: its name must end in an extension we accept, and its
first bytes must look like that kind of file. The name alone proves nothing (an
``.exe`` renamed ``report.pdf`` keeps its ``MZ`` header), and the contents alone
would let a file be saved under a misleading name.

The messages follow the Design System's file upload pattern, so each one says what
is wrong and what to do.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# How much of a text file is read to decide that it is text.
TEXT_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Kind:
    name: str
    extensions: tuple[str, ...]


PDF = Kind("a PDF", (".pdf",))
DOCX = Kind("a Word document (DOCX)", (".docx",))
XLSX = Kind("an Excel spreadsheet (XLSX)", (".xlsx",))
PPTX = Kind("a PowerPoint presentation (PPTX)", (".pptx",))
CSV = Kind("a CSV file", (".csv",))
TXT = Kind("a text file", (".txt",))
PNG = Kind("a PNG image", (".png",))
JPEG = Kind("a JPEG image", (".jpg", ".jpeg"))
KINDS = (PDF, DOCX, XLSX, PPTX, CSV, TXT, PNG, JPEG)
KIND_BY_EXTENSION = {extension: kind for kind in KINDS for extension in kind.extensions}

ACCEPTED_LIST = "PDF, DOCX, XLSX, PPTX, CSV, TXT, PNG or JPEG"

# Office documents are zip files; what is inside says which application made them.
OFFICE_FOLDER = {DOCX: "word/", XLSX: "xl/", PPTX: "ppt/"}


def max_bytes():
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_label(size):
    """10485760 -> "10MB", as the Design System writes sizes."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            amount = size / factor
            return f"{amount:.0f}{unit}" if amount == int(amount) else f"{amount:.1f}{unit}"
    return f"{size} bytes"


def accept_attribute():
    """For ``<input type="file" accept="...">``: a hint to the browser, not a check."""
    return ",".join(sorted(KIND_BY_EXTENSION))


def validate_upload(upload):
    """Raise ValidationError saying why ``upload`` cannot be kept; return its Kind."""
    limit = max_bytes()
    if upload.size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"The selected file must be smaller than {size_label(limit)}",
            code="too_big",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    kind = KIND_BY_EXTENSION.get(extension)
    if kind is None:
        raise ValidationError(
            f"The selected file must be a {ACCEPTED_LIST}", code="extension_not_allowed"
        )
    if not looks_like(upload, kind):
        raise ValidationError(
            f"The selected file is called {PurePath(upload.name).name} but it is not "
            f"{kind.name}. Choose the original file, or save it again as {kind.name}",
            code="content_mismatch",
        )
    return kind


def looks_like(upload, kind):
    """Whether the contents of ``upload`` are ``kind``, judged by its bytes."""
    head = _read(upload, TEXT_SNIFF_BYTES)
    if kind is PDF:
        return head.startswith(b"%PDF-")
    if kind is PNG:
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind is JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if kind in OFFICE_FOLDER:
        return head.startswith(b"PK\x03\x04") and _office_contains(upload, OFFICE_FOLDER[kind])
    return _is_text(head)


def _read(upload, count):
    upload.seek(0)
    try:
        return upload.read(count)
    finally:
        upload.seek(0)


def _office_contains(upload, folder):
    # Only the zip's directory is read: nothing is extracted, so a zip bomb is harmless.
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


# Tab, line feed, form feed and carriage return are text; other control bytes are not.
_TEXT_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D}


def _is_text(head):
    if not head:
        return False
    if any(byte < 0x20 and byte not in _TEXT_CONTROLS for byte in head):
        return False
    # UTF-8 (a character may be cut at the end of the sample), else Windows-1252,
    # which is what Excel saves a CSV as on many council desktops.
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start >= len(head) - 3:
                return True
            continue
        return True
    return False
