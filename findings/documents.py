"""Plain text out of an uploaded Ofsted letter or report (.txt, .pdf or .docx).

Everything here treats the file as untrusted: a refusal is a DocumentError whose
message is written to be shown to the user as it stands (GOV.UK file upload error
wording), and nothing here touches the database.
"""

import io
import time
import zipfile
from pathlib import PurePath

from django.conf import settings

ACCEPTED_KINDS = "a PDF, a Word document (.docx) or a plain text file"
TEXT_ENCODINGS = ("utf-8-sig", "cp1252")
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# Word saves a password-protected .docx as an OLE compound file, not a zip.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Ofsted's longest reports run to about 40 pages; a far longer PDF is not one of
# theirs and would only tie up the worker extracting it.
MAX_PDF_PAGES = 300
# A .docx is a zip: refuse one that would inflate to far more than any letter.
MAX_DOCX_UNZIPPED_BYTES = 100 * 1024 * 1024
# A forty-page report is about a thousand paragraphs and a hundred thousand XML
# elements. Word's parser builds every element in memory (hundreds of bytes
# each), so a small file of millions of tiny paragraphs is counted, and refused,
# while streaming through it, before anything is built.
MAX_DOCX_PARAGRAPHS = 10_000
MAX_DOCX_ELEMENTS = 500_000
# About a hundred pages of text: any Ofsted letter or report fits with room to spare.
MAX_TEXT_CHARACTERS = 400_000
# Text with more control characters than this share is binary, whatever its name.
MAX_CONTROL_CHARACTER_SHARE = 0.01


class DocumentError(ValueError):
    """The file cannot be turned into text; str(error) is the message for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Deadline:
    """The time a reading may take, checked between pages, paragraphs and parts, so
    that reading in-process stops by itself (a worker also has Celery's limits)."""

    def __init__(self, seconds=None):
        self.seconds = settings.IMPORT_READ_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self):
        if time.monotonic() > self.ends:
            raise DocumentError(
                f"The selected file took longer than {self.seconds:g} seconds to read: "
                "paste its text instead"
            )


def extract_text(
    name: str, data: bytes, max_bytes: int | None = None, deadline: Deadline | None = None
) -> str:
    """The document's text: a line per line, a blank line between paragraphs where the
    file marks them, and a form feed between the pages of a PDF."""
    limit = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    deadline = deadline or Deadline()
    if not data:
        raise DocumentError("The selected file is empty")
    if len(data) > limit:
        raise DocumentError(f"The selected file must be smaller than {_megabytes(limit)}")
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(data, deadline)
    elif suffix == ".docx":
        text = _docx_text(data, deadline)
    elif suffix in (".txt", ".text", ""):
        text = _plain_text(data)
    else:
        raise DocumentError(f"The selected file must be {ACCEPTED_KINDS}")
    check_length(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError(
            "The selected file has no text in it that can be read (it may be a scanned image)"
        )
    return text


def check_length(text):
    if len(text) >= MAX_TEXT_CHARACTERS:
        raise too_long()


def too_long():
    return DocumentError(
        f"The selected file must have fewer than {MAX_TEXT_CHARACTERS:,} characters of text"
    )


def _megabytes(size):
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g}MB" if megabytes >= 1 else f"{max(size // 1024, 1)}KB"


def _plain_text(data):
    if data.startswith((PDF_MAGIC, ZIP_MAGIC, OLE_MAGIC)) or b"\x00" in data:
        raise DocumentError(f"The selected file must be {ACCEPTED_KINDS}")
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise DocumentError(f"The selected file must be {ACCEPTED_KINDS}")
    check_length(text)
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    if controls > len(text) * MAX_CONTROL_CHARACTER_SHARE:
        raise DocumentError(f"The selected file must be {ACCEPTED_KINDS}")
    return text


def _pdf_text(data, deadline):
    # Imported here so that the parsers and commands load without the PDF library.
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    if not data.lstrip()[:1024].startswith(PDF_MAGIC) and PDF_MAGIC not in data[:1024]:
        raise DocumentError("The selected file is not a valid PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentError("The selected file is password protected")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentError(f"The selected file must have fewer than {MAX_PDF_PAGES} pages")
        pages, length = [], 0
        for page in reader.pages:
            deadline.check()
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if length >= MAX_TEXT_CHARACTERS:
                raise too_long()
    except DocumentError:
        raise
    except (FileNotDecryptedError, DependencyError) as error:
        raise DocumentError("The selected file is password protected") from error
    # pypdf raises a wide and changing set of exceptions on damaged files (its own,
    # but also KeyError, TypeError, zlib.error...): every one means the same here.
    except Exception as error:
        raise DocumentError("The selected file is not a valid PDF") from error
    # A form feed between pages lets the parsers find running headers and footers.
    return "\n\f\n".join(pages)


def _opens_without_password(reader):
    # Published PDFs are often encrypted with an owner password only, which
    # restricts editing but lets anyone read them: the empty password opens those.
    try:
        return bool(reader.decrypt(""))
    # An unsupported cipher is as good as a password: the file cannot be read.
    except Exception:
        return False


def _docx_text(data, deadline):
    import docx

    if data.startswith(OLE_MAGIC):
        raise DocumentError("The selected file is password protected")
    if not data.startswith(ZIP_MAGIC):
        raise DocumentError("The selected file is not a valid Word document")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
            if unzipped > MAX_DOCX_UNZIPPED_BYTES:
                raise DocumentError("The selected file is not a valid Word document")
            _count_docx_parts(archive, deadline)
        document = docx.Document(io.BytesIO(data))
        return "\n\n".join(_docx_blocks(document))
    except DocumentError:
        raise
    # python-docx and lxml raise many kinds of error on a damaged file.
    except Exception as error:
        raise DocumentError("The selected file is not a valid Word document") from error


WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARAGRAPH_TAG, TEXT_TAG = f"{WORD_NAMESPACE}p", f"{WORD_NAMESPACE}t"


def _count_docx_parts(archive, deadline):
    """Stream through every XML part of the document, as Word's parser would read it,
    counting its elements, paragraphs and characters, and refuse it at the first
    limit passed. Each element is dropped once counted, so memory stays flat."""
    from lxml import etree

    elements = paragraphs = characters = 0
    for member in archive.infolist():
        if not member.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(member) as stream:
            for _event, element in etree.iterparse(
                stream, events=("end",), resolve_entities=False, no_network=True
            ):
                elements += 1
                if element.tag == PARAGRAPH_TAG:
                    paragraphs += 1
                elif element.tag == TEXT_TAG:
                    characters += len(element.text or "")
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
                if paragraphs >= MAX_DOCX_PARAGRAPHS:
                    raise DocumentError(
                        f"The selected file must have fewer than {MAX_DOCX_PARAGRAPHS:,} paragraphs"
                    )
                if characters >= MAX_TEXT_CHARACTERS:
                    raise too_long()
                if elements >= MAX_DOCX_ELEMENTS:
                    raise DocumentError(
                        "The selected file has too much formatting to be read: "
                        "paste its text instead"
                    )
                if elements % 10_000 == 0:
                    deadline.check()


def _docx_blocks(document):
    """Paragraphs and table rows in the order they appear in the document body."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text and _is_list_item(block):
                text = f"- {text}"
            if text:
                yield text
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                # A merged cell repeats in every column it spans.
                unique = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if unique:
                    yield "  ".join(unique)


def _is_list_item(paragraph):
    style_name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if "list" in style_name.lower():
        return True
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None
