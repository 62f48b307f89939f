"""actions.uploads: which files are kept as evidence, judged by name and by contents."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actions import uploads


def office(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/main.xml", "<x/>")
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.bin", "x")
    return buffer.getvalue()


GOOD = {
    "report.pdf": b"%PDF-1.7\n...",
    "REPORT.PDF": b"%PDF-1.7\n...",
    "plan.docx": office("word"),
    "figures.xlsx": office("xl"),
    "slides.pptx": office("ppt"),
    "data.csv": b"reference,title\nA-001,Supervision\n",
    "windows.csv": "name\nCaf\u00e9\r\n".encode("cp1252"),
    "notes.txt": "Notes \u2013 in UTF-8\n".encode(),
    "chart.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "photo.jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif",
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_it_accepts_each_kind_it_lists(name):
    uploads.validate_upload(SimpleUploadedFile(name, GOOD[name]))


def refusal(name, content):
    with pytest.raises(ValidationError) as caught:
        uploads.validate_upload(SimpleUploadedFile(name, content))
    return caught.value


ACCEPTED = "The selected file must be a PDF, DOCX, XLSX, PPTX, CSV, TXT, PNG or JPEG"


@pytest.mark.parametrize(
    "name", ["tool.exe", "page.html", "script.js", "archive.zip", "no-extension", "report.pdf.exe"]
)
def test_it_refuses_a_name_it_does_not_accept(name):
    error = refusal(name, b"%PDF-1.7")
    assert error.code == "extension_not_allowed"
    assert error.messages == [ACCEPTED]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program
        ("report.pdf", b"\x7fELF\x02\x01\x01"),  # a Linux program
        ("plan.docx", plain_zip()),  # a zip that is not a Word document
        ("plan.docx", office("xl")),  # a spreadsheet called .docx
        ("plan.docx", b"PK\x03\x04 not really a zip"),
        ("data.csv", b"a,b\n\x00\x01\x02"),  # binary with a text name
        ("notes.txt", b"MZ\x90\x00"),
        ("chart.png", b"GIF89a"),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n"),
    ],
)
def test_it_refuses_contents_that_do_not_match_the_name(name, content):
    error = refusal(name, content)
    assert error.code == "content_mismatch"
    assert f"The selected file is called {name} but it is not" in error.messages[0]


def test_it_refuses_an_empty_file():
    assert refusal("notes.txt", b"").messages == ["The selected file is empty"]


def test_it_refuses_a_file_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    error = refusal("report.pdf", b"%PDF-" + b"x" * (10 * 1024 * 1024))
    assert error.messages == ["The selected file must be smaller than 10MB"]


def test_it_accepts_a_file_exactly_at_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    uploads.validate_upload(SimpleUploadedFile("report.pdf", b"%PDF-" + b"x" * 1019))


def test_it_leaves_the_file_ready_to_be_read_from_the_start():
    upload = SimpleUploadedFile("plan.docx", office("word"))
    uploads.validate_upload(upload)
    assert upload.read(4) == b"PK\x03\x04"


@pytest.mark.parametrize(
    ("size", "label"),
    [(10 * 1024 * 1024, "10MB"), (1536 * 1024, "1.5MB"), (1024, "1KB"), (10, "10 bytes")],
)
def test_it_writes_sizes_as_the_design_system_does(size, label):
    assert uploads.size_label(size) == label


def test_it_offers_the_browser_the_accepted_extensions():
    assert ".pdf" in uploads.accept_attribute().split(",")
    assert ".exe" not in uploads.accept_attribute().split(",")
