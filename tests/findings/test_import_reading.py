"""Reading an import off the request: limits on what a document may hold and how
long it may take, the "Reading the document" page, and a reading that is lost."""

import datetime
import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from findings import document_reading, documents
from findings.documents import Deadline, DocumentError, extract_text
from findings.import_drafts import SESSION_KEY
from findings.import_start_views import READING_KEY
from findings.large_documents import SHORT_PARAGRAPH, docx_of_short_paragraphs
from findings.models import DocumentReading
from tests.findings.document_files import make_pdf
from tests.findings.import_helpers import (
    NORTHSHIRE_LETTER,
    READING,
    REVIEW,
    START,
    counts,
    landed_on,
    start,
)
from tests.inspections.page_checks import error_messages

pytestmark = pytest.mark.django_db

TOO_MANY_PARAGRAPHS = "The selected file must have fewer than 10,000 paragraphs"


@pytest.fixture(scope="module")
def hostile_docx():
    """The shape of the file that once took minutes to refuse: 10 MB of paragraphs
    (the limits stop reading long before its end, however long it is)."""
    data, count = docx_of_short_paragraphs(10 * 1024 * 1024)
    assert len(data) < 100 * 1024 and count > 200_000
    return data


# The limits -----------------------------------------------------------------------------


def test_a_docx_of_very_many_short_paragraphs_is_refused_with_little_memory(hostile_docx):
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError) as refused:
            extract_text("letter.docx", hostile_docx)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.message == TOO_MANY_PARAGRAPHS
    # Streamed and dropped as counted: a few MB, where building it all took 1.5 GB.
    assert peak < 20 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"


def test_a_docx_just_under_the_paragraph_limit_is_read(monkeypatch):
    data, count = docx_of_short_paragraphs(2000 * len(SHORT_PARAGRAPH))
    assert count == 2000
    monkeypatch.setattr(documents, "MAX_DOCX_PARAGRAPHS", count + 1)
    assert extract_text("letter.docx", data).count("Short line.") == count
    monkeypatch.setattr(documents, "MAX_DOCX_PARAGRAPHS", count)
    with pytest.raises(DocumentError, match="fewer than 2,000 paragraphs"):
        extract_text("letter.docx", data)


def test_a_docx_of_too_many_elements_is_refused(monkeypatch):
    data, _count = docx_of_short_paragraphs(500 * len(SHORT_PARAGRAPH))
    monkeypatch.setattr(documents, "MAX_DOCX_ELEMENTS", 1000)
    with pytest.raises(DocumentError, match="too much formatting"):
        extract_text("letter.docx", data)


@pytest.mark.parametrize("name", ["letter.txt", "letter.pdf"])
def test_text_past_the_character_limit_is_refused(monkeypatch, name):
    monkeypatch.setattr(documents, "MAX_TEXT_CHARACTERS", 500)
    line = "Inspectors found that plans are reviewed regularly and well."
    data = (
        make_pdf([[line] * 5 for _page in range(3)])
        if name.endswith(".pdf")
        else (line + "\n").encode() * 20
    )
    with pytest.raises(DocumentError, match="fewer than 500 characters of text"):
        extract_text(name, data)


def test_a_reading_past_its_deadline_stops_between_pages():
    data = make_pdf([["Page one."], ["Page two."]])
    with pytest.raises(DocumentError) as refused:
        extract_text("letter.pdf", data, deadline=Deadline(seconds=-1))
    assert refused.value.message == (
        "The selected file took longer than -1 seconds to read: paste its text instead"
    )


# The pages ------------------------------------------------------------------------------


def test_an_uploaded_docx_of_very_many_paragraphs_is_refused_on_the_start_page(
    team, northshire, hostile_docx
):
    before = counts()
    response = start(team, northshire, document=SimpleUploadedFile("letter.docx", hostile_docx))
    assert landed_on(response) == reverse(START)
    assert error_messages(response) == [TOO_MANY_PARAGRAPHS]
    assert counts() == before
    assert not DocumentReading.objects.exists()
    assert SESSION_KEY not in team.session and READING_KEY not in team.session


def test_a_document_past_the_time_limit_is_refused_with_a_clear_message(team, northshire, settings):
    settings.IMPORT_READ_SECONDS = -1
    upload = SimpleUploadedFile("letter.pdf", make_pdf([NORTHSHIRE_LETTER.splitlines()]))
    response = start(team, northshire, document=upload)
    assert error_messages(response) == [
        "The selected file took longer than -1 seconds to read: paste its text instead"
    ]


def test_pasted_text_refused_after_reading_is_given_back_beside_its_message(team, northshire):
    pasted = "Dear resident, your bins are collected on Tuesdays."
    response = start(team, northshire, pasted)
    assert error_messages(response) == [
        "The pasted text is not an Ofsted visit letter or inspection report"
    ]
    assert pasted in response.content.decode()
    # The message is shown once: the start page is clean when opened again.
    assert "There is a problem" not in team.get(reverse(START)).content.decode()


def waiting_reading(user, authority, **changes):
    reading = document_reading.ask_for_reading(user, authority, text=NORTHSHIRE_LETTER)
    DocumentReading.objects.filter(pk=reading.pk).update(**changes)
    return reading


def hold(client, reading):
    session = client.session
    session[READING_KEY] = reading.token
    session.save()


def test_while_the_document_is_read_the_page_says_so_and_looks_again(
    team, improvement_officer, northshire
):
    reading = waiting_reading(improvement_officer, northshire)
    hold(team, reading)
    response = team.get(reverse(READING))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Reading the document</h1>' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'data-module="app-wait-for-reading"' in page
    asked = team.get(reverse(READING), headers={"Accept": "application/json"})
    assert asked.json() == {"done": False}

    document_reading.read(reading.pk)
    assert team.get(reverse(READING), headers={"Accept": "application/json"}).json() == {
        "done": True
    }
    response = team.get(reverse(READING))
    assert response.url == reverse(REVIEW)
    assert team.session[SESSION_KEY]["parsed"]["visit_number"] == 3
    assert not DocumentReading.objects.exists()


def test_a_reading_nobody_finished_is_given_up_with_a_message(
    team, improvement_officer, northshire, settings
):
    reading = waiting_reading(
        improvement_officer,
        northshire,
        state=DocumentReading.State.READING,
        requested_at=timezone.now()
        - datetime.timedelta(seconds=settings.IMPORT_GIVE_UP_SECONDS + 1),
    )
    hold(team, reading)
    response = team.get(reverse(READING), follow=True)
    assert error_messages(response) == [
        "The pasted text took too long to read: try again, or paste its text instead"
    ]


def test_another_persons_reading_is_not_shown(team, action_owner, northshire):
    reading = waiting_reading(action_owner, northshire)
    hold(team, reading)
    response = team.get(reverse(READING))
    assert response.url == reverse(START) + "?draft=missing"


def test_a_reading_is_read_once_however_often_its_task_runs(improvement_officer, northshire):
    reading = waiting_reading(improvement_officer, northshire)
    assert document_reading.read(reading.pk).state == DocumentReading.State.READY
    assert document_reading.read(reading.pk) is None


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_document_is_read(client, northshire, monkeypatch):
    from django.apps import apps

    from accounts.roles import IMPROVEMENT_TEAM, sync_role_permissions
    from tests import factories

    # The roles are made by a migration: an earlier test's flush may have removed them.
    sync_role_permissions(apps)
    improvement_officer = factories.UserFactory(role=IMPROVEMENT_TEAM)
    seen = []
    real = document_reading.extract_text

    def watched(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(document_reading, "extract_text", watched)
    client.force_login(improvement_officer)
    upload = SimpleUploadedFile("letter.txt", NORTHSHIRE_LETTER.encode())
    response = start(client, northshire, document=upload)
    assert landed_on(response) == reverse(REVIEW)
    assert seen == [False]


def test_the_nightly_sweep_removes_readings_nobody_collected(
    improvement_officer, northshire, settings
):
    from findings.tasks import remove_abandoned_drafts

    reading = document_reading.ask_for_reading(
        improvement_officer, northshire, data=io.BytesIO(b"x").getvalue(), original_name="a.txt"
    )
    remove_abandoned_drafts()
    assert DocumentReading.objects.filter(pk=reading.pk).exists()
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    remove_abandoned_drafts(now=later)
    assert not DocumentReading.objects.exists()


def test_the_benchmark_prints_the_time_and_memory_of_the_refusal():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("benchmark_import", megabytes=1, baseline=True, stdout=out)
    printed = out.getvalue()
    assert "streamed count:" in printed and f"refused: {TOO_MANY_PARAGRAPHS}" in printed
    assert "built in memory:" in printed and "23,831 paragraphs" in printed
