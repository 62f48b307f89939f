"""An import reviewed but never confirmed: its uploaded file is swept away once no
live session holds the draft, and never while one still might."""

import datetime
import os

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from findings import tasks
from findings.import_drafts import DRAFT_FOLDER, SESSION_KEY
from tests.findings.import_helpers import NORTHSHIRE_LETTER, REVIEW, start

pytestmark = pytest.mark.django_db

IDLE_LIMIT = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def age(name, by):
    """Make the stored file ``name`` look as if it was written ``by`` ago."""
    when = (timezone.now() - by).timestamp()
    os.utime(default_storage.path(name), (when, when))


def uploaded_draft(team, northshire):
    upload = SimpleUploadedFile("letter.txt", NORTHSHIRE_LETTER.encode())
    start(team, northshire, document=upload)
    name = team.session[SESSION_KEY]["stored_name"]
    assert default_storage.exists(name)
    return name


def test_a_draft_whose_session_has_ended_loses_its_file(team, northshire):
    name = uploaded_draft(team, northshire)
    age(name, IDLE_LIMIT * 2)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    assert name in tasks.remove_abandoned_drafts()
    assert not default_storage.exists(name)


def test_a_draft_still_under_review_keeps_its_file_however_old(team, northshire):
    name = uploaded_draft(team, northshire)
    age(name, datetime.timedelta(days=3))
    assert name not in tasks.remove_abandoned_drafts()
    assert default_storage.exists(name)
    # The review goes on, with the file still there to keep when it is confirmed.
    assert team.get(reverse(REVIEW)).status_code == 200


def test_a_file_just_written_is_left_alone_before_its_session_is_saved(db):
    """The request storing a file saves its session only as it ends."""
    name = default_storage.save(f"{DRAFT_FOLDER}/fresh.txt", ContentFile(b"letter"))
    assert name not in tasks.remove_abandoned_drafts()
    assert default_storage.exists(name)
    age(name, IDLE_LIMIT + datetime.timedelta(minutes=1))
    assert name in tasks.remove_abandoned_drafts()


def test_the_nightly_task_removes_them_and_counts_them(db):
    names = [
        default_storage.save(f"{DRAFT_FOLDER}/left-{n}.pdf", ContentFile(b"%PDF")) for n in range(3)
    ]
    for name in names:
        age(name, datetime.timedelta(days=1))
    # Files other tests left in the shared folder are swept too: at least these.
    assert tasks.remove_abandoned_import_drafts.delay().get() >= 3
    assert not any(default_storage.exists(name) for name in names)


def test_the_beat_sweeps_them_each_night():
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["imports: abandoned drafts' files removed at 03:00"]
    assert entry["task"] == "findings.tasks.remove_abandoned_import_drafts"
    assert entry["schedule"] == crontab(minute=0, hour=3)


def test_the_command_says_what_it_removed(db):
    from io import StringIO

    from django.core.management import call_command

    name = default_storage.save(f"{DRAFT_FOLDER}/by-hand.docx", ContentFile(b"PK"))
    age(name, datetime.timedelta(days=2))
    out = StringIO()
    call_command("remove_abandoned_drafts", stdout=out)
    assert f"removed {name}" in out.getvalue()
    assert "1 abandoned import file removed" in out.getvalue()
    assert not default_storage.exists(name)
