"""A real Celery worker, on the real PostgreSQL and Redis, reads an uploaded document
and refuses a hostile one, writing the outcome the reading page collects."""

import pytest
from django.conf import settings

from accounts.models import User
from findings import document_reading
from findings.large_documents import docx_of_short_paragraphs
from findings.models import DocumentReading
from tests import factories
from tests.actions.reminder_processes import QUEUE, Worker, clear_queue, wait_for
from tests.findings.import_helpers import NORTHSHIRE_LETTER


def send_reading(reading):
    import warnings

    from celery.exceptions import AlwaysEagerIgnored

    from config.celery_app import app

    with warnings.catch_warnings():
        # The test settings run tasks eagerly; send_task never does, which is the point.
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task("findings.tasks.read_document", args=[reading.pk], queue=QUEUE)


def finished(reading):
    def check():
        reading.refresh_from_db()
        return reading.state in (DocumentReading.State.READY, DocumentReading.State.REFUSED)

    return check


@pytest.mark.requires_postgres
@pytest.mark.requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_reads_a_letter_and_refuses_a_docx_of_very_many_paragraphs(tmp_path):
    clear_queue()
    worker = Worker(
        tmp_path,
        "django.core.mail.backends.locmem.EmailBackend",
        WORKER_TEST_MEDIA_ROOT=settings.MEDIA_ROOT,
    )
    try:
        person = User.objects.create_user("reader@council.example", full_name="Rea Der")
        authority = factories.LocalAuthorityFactory(name="Northshire County Council")
        letter = document_reading.ask_for_reading(
            person, authority, data=NORTHSHIRE_LETTER.encode(), original_name="letter.txt"
        )
        hostile, _count = docx_of_short_paragraphs(10 * 1024 * 1024)
        refused = document_reading.ask_for_reading(
            person, authority, data=hostile, original_name="letter.docx"
        )
        send_reading(letter)
        send_reading(refused)
        wait_for(finished(letter), 60, lambda: f"the letter to be read\n{worker.log()}")
        wait_for(finished(refused), 60, lambda: f"the docx to be refused\n{worker.log()}")
        assert letter.state == DocumentReading.State.READY
        assert letter.parsed["visit_number"] == 3 and letter.kind == "letter"
        assert refused.state == DocumentReading.State.REFUSED
        assert refused.refusal == "The selected file must have fewer than 10,000 paragraphs"
        assert refused.refused_field == "document"
    finally:
        worker.kill()
        clear_queue()
