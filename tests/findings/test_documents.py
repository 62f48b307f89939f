import io
import zipfile

import pytest

from findings.documents import DocumentError, extract_text
from tests.findings.document_files import encrypt_pdf, make_docx, make_pdf

LETTER_LINE = "Monitoring visit to Northshire children\u2019s services"


def refusal(name, data, **options):
    with pytest.raises(DocumentError) as raised:
        extract_text(name, data, **options)
    return raised.value.message


def test_it_reads_utf8_text():
    assert extract_text("letter.txt", LETTER_LINE.encode()) == LETTER_LINE


def test_it_reads_utf8_text_with_a_byte_order_mark():
    assert extract_text("letter.txt", b"\xef\xbb\xbf" + LETTER_LINE.encode()) == LETTER_LINE


def test_it_reads_windows_1252_text():
    assert extract_text("letter.txt", LETTER_LINE.encode("cp1252")) == LETTER_LINE


def test_it_reads_the_text_of_each_pdf_page_apart():
    data = make_pdf([["First page text"], ["Second page text"]])

    text = extract_text("letter.pdf", data)

    assert text.index("First page text") < text.index("\f") < text.index("Second page text")


def test_it_reads_a_pdf_locked_only_against_editing():
    locked = encrypt_pdf(make_pdf([["Readable by anyone"]]), password="")

    assert "Readable by anyone" in extract_text("letter.pdf", locked)


def test_it_reads_docx_paragraphs_and_marks_list_items():
    data = make_docx(["Areas covered by the visit", "Supervision"], bullets=["Supervision"])

    assert extract_text("letter.docx", data) == "Areas covered by the visit\n\n- Supervision"


def test_it_refuses_an_empty_file():
    assert refusal("letter.txt", b"") == "The selected file is empty"


def test_it_refuses_a_file_of_only_white_space():
    assert refusal("letter.txt", b" \n\n ").startswith("The selected file has no text in it")


def test_it_refuses_binary_garbage_named_as_text():
    assert refusal("letter.txt", bytes(range(256)) * 4).startswith("The selected file must be")


def test_it_refuses_an_unsupported_kind_of_file():
    assert refusal("letter.odt", b"some bytes") == (
        "The selected file must be a PDF, a Word document (.docx) or a plain text file"
    )


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024

    assert refusal("letter.txt", b"a" * (1024 * 1024 + 1)) == (
        "The selected file must be smaller than 1MB"
    )


def test_it_refuses_an_encrypted_pdf():
    locked = encrypt_pdf(make_pdf([["Secret"]]), password="letmein")

    assert refusal("letter.pdf", locked) == "The selected file is password protected"


def test_it_refuses_a_pdf_that_is_not_one():
    assert refusal("letter.pdf", b"Just some text") == "The selected file is not a valid PDF"


def test_it_refuses_a_truncated_pdf():
    data = make_pdf([["Some text"]])

    assert refusal("letter.pdf", data[:60]) == "The selected file is not a valid PDF"


def test_it_refuses_a_pdf_with_no_text_in_it():
    assert refusal("scan.pdf", make_pdf([[]])).startswith("The selected file has no text in it")


def test_it_refuses_a_docx_that_is_not_a_zip():
    assert (
        refusal("letter.docx", b"Plain words") == "The selected file is not a valid Word document"
    )


def test_it_refuses_a_zip_that_is_not_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")

    assert (
        refusal("letter.docx", buffer.getvalue())
        == "The selected file is not a valid Word document"
    )


def test_it_refuses_a_password_protected_word_document():
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

    assert refusal("letter.docx", ole_header) == "The selected file is password protected"
