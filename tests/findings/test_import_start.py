"""The start of an import: who may use it, and every document it refuses, each with
a message saying why and nothing saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from findings.import_drafts import SESSION_KEY
from tests.findings.import_helpers import (
    NORTHSHIRE_LETTER,
    NORTHSHIRE_REPORT,
    REVIEW,
    START,
    counts,
    landed_on,
    start,
)
from tests.inspections.page_checks import error_messages

pytestmark = pytest.mark.django_db


def encrypted_pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_of(text):
    import docx

    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


BAD_FILES = {
    "empty": (SimpleUploadedFile("letter.txt", b""), "The selected file is empty"),
    "binary garbage": (
        SimpleUploadedFile("letter.pdf", bytes(range(256)) * 40),
        "The selected file is not a valid PDF",
    ),
    "garbage named as text": (
        SimpleUploadedFile("letter.txt", b"\x00\x01\x02\xff" * 500),
        "The selected file must be",
    ),
    "encrypted PDF": (None, "The selected file is password protected"),
    "not from Ofsted": (
        SimpleUploadedFile("minutes.txt", b"Minutes of the parish council meeting.\n" * 20),
        "The selected file is not an Ofsted visit letter or inspection report",
    ),
    "an unsupported kind": (
        SimpleUploadedFile("letter.odt", b"PK\x03\x04 anything"),
        "The selected file must be",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_it_refuses_a_bad_file_with_a_message_and_saves_nothing(team, northshire, case):
    upload, message = BAD_FILES[case]
    if upload is None:
        upload = SimpleUploadedFile("letter.pdf", encrypted_pdf())
    before = counts()
    response = start(team, northshire, document=upload)
    assert any(found.startswith(message) for found in error_messages(response)), error_messages(
        response
    )
    assert counts() == before
    assert SESSION_KEY not in team.session


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(team, northshire, settings):
    settings.IMPORT_MAX_BYTES = 1024
    before = counts()
    upload = SimpleUploadedFile("letter.txt", NORTHSHIRE_LETTER.encode() * 2)
    response = start(team, northshire, document=upload)
    assert error_messages(response) == ["The selected file must be smaller than 1KB"]
    assert counts() == before


def test_it_refuses_pasted_text_that_is_not_from_ofsted(team, northshire):
    response = start(team, northshire, "Dear resident, your bins are collected on Tuesdays.")
    assert error_messages(response) == [
        "The pasted text is not an Ofsted visit letter or inspection report"
    ]
    assert SESSION_KEY not in team.session


def test_it_asks_for_a_document_when_given_none(team, northshire):
    response = start(team, northshire, "   ")
    assert error_messages(response) == ["Upload the letter or report, or paste its text"]


def test_it_asks_for_one_document_not_two(team, northshire):
    upload = SimpleUploadedFile("letter.txt", NORTHSHIRE_LETTER.encode())
    response = start(team, northshire, NORTHSHIRE_LETTER, document=upload)
    assert error_messages(response) == ["Either upload a file or paste its text, not both"]


def test_it_asks_which_authority_the_document_is_about(team):
    response = team.post(reverse(START), {"authority": "", "text": NORTHSHIRE_LETTER})
    assert error_messages(response) == ["Choose the local authority the document is about"]


def test_it_keeps_a_pasted_letter_as_a_draft_and_saves_nothing(team, northshire):
    before = counts()
    response = start(team, northshire, NORTHSHIRE_LETTER)
    assert landed_on(response) == reverse(REVIEW)
    draft = team.session[SESSION_KEY]
    assert (draft["kind"], draft["authority_id"]) == ("letter", northshire.pk)
    assert draft["parsed"]["visit_number"] == 3
    assert counts() == before


def test_it_reads_an_uploaded_word_document(team, northshire):
    upload = SimpleUploadedFile("letter.docx", docx_of(NORTHSHIRE_LETTER))
    response = start(team, northshire, document=upload)
    assert landed_on(response) == reverse(REVIEW), response.content.decode()[:2000]
    draft = team.session[SESSION_KEY]
    assert draft["original_name"] == "letter.docx"
    assert draft["parsed"]["inspectors"] == ["Ann Example", "Ben Sample"]


def test_it_recognises_an_inspection_report(team, northshire):
    start(team, northshire, NORTHSHIRE_REPORT)
    assert team.session[SESSION_KEY]["kind"] == "report"


def test_it_sends_the_review_page_without_a_draft_to_the_start(team):
    response = team.get(reverse(REVIEW))
    assert response.url == reverse(START) + "?draft=missing"
    page = team.get(response.url)
    assert "There is no document waiting for review" in page.content.decode()


def test_it_sends_a_review_of_a_replaced_draft_to_the_start(team, northshire):
    start(team, northshire, NORTHSHIRE_LETTER)
    response = team.post(reverse(REVIEW), {"draft": "an older draft", "action": "confirm"})
    assert response.url == reverse(START) + "?draft=replaced"


@pytest.mark.parametrize("person", ["senior_leader", "scrutiny_member", "action_owner"])
@pytest.mark.parametrize("page", [START, REVIEW])
def test_it_refuses_everyone_but_the_improvement_team(client, request, person, page, northshire):
    client.force_login(request.getfixturevalue(person))
    before = counts()
    assert client.get(reverse(page)).status_code == 403
    response = client.post(
        reverse(page), {"authority": str(northshire.pk), "text": NORTHSHIRE_LETTER}
    )
    assert response.status_code == 403
    assert counts() == before
    assert SESSION_KEY not in client.session


def test_it_sends_people_who_are_not_signed_in_to_sign_in(client):
    response = client.get(reverse(START))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response.url


def test_it_deletes_the_waiting_file_when_another_import_replaces_it(team, northshire):
    from django.core.files.storage import default_storage

    upload = SimpleUploadedFile("letter.txt", NORTHSHIRE_LETTER.encode())
    start(team, northshire, document=upload)
    waiting = team.session[SESSION_KEY]["stored_name"]
    assert default_storage.exists(waiting)
    start(team, northshire, NORTHSHIRE_LETTER)
    assert not default_storage.exists(waiting)
    assert team.session[SESSION_KEY]["stored_name"] == ""
