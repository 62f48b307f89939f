"""Uploaded files have no address of their own: an evidence file is handed out only by
the download view, which asks whether the person may see it, whatever the settings
module and even with DEBUG on (as ``make run`` has it)."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse

from actions.models import Evidence, Status

from .. import factories

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def reload_urlconf():
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def debug_on(settings, tmp_path):
    """DEBUG on, with the URLconf built again as it would be at start-up under it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with override_settings(DEBUG=True):
        reload_urlconf()
        yield
    reload_urlconf()


@pytest.fixture
def uploaded(db, debug_on, action_owner):
    """An evidence file uploaded the way an owner uploads one: with a progress update."""
    action = factories.ImprovementActionFactory(owner=action_owner, status=Status.IN_PROGRESS)
    client = Client()
    client.force_login(action_owner)
    response = client.post(
        reverse("actions:action_update", args=[action.pk]),
        {
            "note": "The audit of three teams is done.",
            "evidence_title": "Audit",
            "evidence_file": SimpleUploadedFile("audit-march.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()
    evidence = Evidence.objects.get()
    assert Path(evidence.file.path).read_bytes() == PDF
    return evidence


def media_path(evidence):
    return f"/media/{evidence.file.name}"


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


def test_the_file_is_where_an_address_would_point(uploaded):
    """The path asked for below is the real one: evidence/<yyyy>/<mm>/<name>."""
    parts = uploaded.file.name.split("/")
    assert parts[0] == "evidence" and len(parts) == 4
    assert parts[1].isdigit() and len(parts[1]) == 4 and parts[2].isdigit()
    assert parts[3].startswith("audit-march") and parts[3].endswith(".pdf")


def test_its_media_address_answers_404_to_someone_signed_out(uploaded):
    assert Client().get(media_path(uploaded)).status_code == 404


@pytest.mark.parametrize(
    "role", ["scrutiny_member", "action_owner", "improvement_officer", "superuser"]
)
def test_its_media_address_answers_404_to_everyone_signed_in(request, uploaded, role):
    client = signed_in(request.getfixturevalue(role))
    response = client.get(media_path(uploaded))
    assert response.status_code == 404
    assert PDF not in response.content


@pytest.mark.parametrize("role", ["action_owner", "improvement_officer", "senior_leader"])
def test_the_download_view_still_serves_it_to_those_allowed(request, uploaded, role):
    response = signed_in(request.getfixturevalue(role)).get(
        reverse("actions:evidence_download", args=[uploaded.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_the_download_view_refuses_a_councillor(uploaded, scrutiny_member):
    response = signed_in(scrutiny_member).get(
        reverse("actions:evidence_download", args=[uploaded.pk])
    )
    assert response.status_code == 403


def test_the_download_view_sends_someone_signed_out_to_sign_in(uploaded):
    response = Client().get(reverse("actions:evidence_download", args=[uploaded.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_the_action_page_links_the_checked_view_and_no_media_address(uploaded, action_owner):
    page = signed_in(action_owner).get(uploaded.action.get_absolute_url()).content.decode()
    assert reverse("actions:evidence_download", args=[uploaded.pk]) in page
    assert "/media/" not in page


def test_the_admin_links_the_checked_view_and_no_media_address(uploaded, superuser):
    client = signed_in(superuser)
    page = client.get(reverse("admin:actions_evidence_change", args=[uploaded.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("actions:evidence_download", args=[uploaded.pk])}"' in html
    assert "/media/" not in html


def test_a_past_version_holding_another_file_links_nothing(uploaded, superuser):
    first = uploaded.history.earliest()
    uploaded.file.name = "evidence/2020/01/replaced.pdf"
    uploaded.save()
    client = signed_in(superuser)
    html = client.get(
        reverse("admin:actions_evidence_simple_history", args=[uploaded.pk, first.history_id])
    ).content.decode()
    assert "/media/" not in html
    assert reverse("actions:evidence_download", args=[uploaded.pk]) not in html


# Each settings module, started as it starts on a machine ----------------------------

ASK_FOR_THE_FILE = """
import json, django
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
django.setup()
path = "/media/evidence/2025/03/audit-march.pdf"
try:
    resolve(path)
    resolved = True
except Resolver404:
    resolved = False
response = Client().get(path)
body = b"".join(response.streaming_content) if response.streaming else response.content
print(json.dumps({
    "debug": settings.DEBUG,
    "resolved": resolved,
    "status": response.status_code,
    "served": body.startswith(b"%PDF"),
}))
"""


@pytest.mark.parametrize(
    "module",
    [
        "config.settings.base",
        "config.settings.local",
        "config.settings.production",
        "config.settings.test",
    ],
)
def test_no_settings_module_serves_uploaded_files_by_address(tmp_path, module):
    media = tmp_path / "media"
    (media / "evidence" / "2025" / "03").mkdir(parents=True)
    (media / "evidence" / "2025" / "03" / "audit-march.pdf").write_bytes(PDF)
    ours = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MEDIA_ROOT")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY="only-for-this-test",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(media),
    )
    result = subprocess.run(
        [sys.executable, "-c", ASK_FOR_THE_FILE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    # The test settings switch DEBUG off whatever the environment says; the others
    # take it from DJANGO_DEBUG, which is where the danger was.
    assert answer["debug"] is (module != "config.settings.test")
    assert answer == {**answer, "resolved": False, "status": 404, "served": False}
