"""Posting a progress update: who may, what it changes on the action, its evidence,
and a refused upload that says why and leaves nothing behind."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionUpdate, Evidence, Impact, ImprovementAction, Status

from .. import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def url(action):
    return reverse("actions:action_update", args=[action.pk])


def history_counts():
    return (
        ImprovementAction.history.count(),
        ActionUpdate.history.count(),
        Evidence.history.count(),
    )


def row_counts():
    return ActionUpdate.objects.count(), Evidence.objects.count()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(root):
    root = Path(root)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def own_action(action_owner):
    return factories.ImprovementActionFactory(owner=action_owner, status=Status.IN_PROGRESS)


@pytest.fixture
def owner_client(client, action_owner):
    client.force_login(action_owner)
    return client


def post(client, action, **data):
    data.setdefault("note", "Audits done in three teams.")
    return client.post(url(action), data)


def test_it_is_named_action_update_for_the_reminder_emails(own_action):
    assert url(own_action) == f"/actions/{own_action.pk}/update/"


def test_it_shows_the_form_to_the_owner(owner_client, own_action):
    response = owner_client.get(url(own_action))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_it_lets_the_owner_post_an_update_on_their_own_action(
    owner_client, own_action, action_owner
):
    response = post(owner_client, own_action)
    assert response.status_code == 302
    assert response.url == own_action.get_absolute_url()
    update = ActionUpdate.objects.get()
    assert (update.action, update.author, update.note) == (
        own_action,
        action_owner,
        "Audits done in three teams.",
    )


def test_it_names_the_owner_in_the_updates_history(owner_client, own_action, action_owner):
    post(owner_client, own_action)
    assert ActionUpdate.history.get().history_user == action_owner


def test_it_refuses_the_owner_on_someone_elses_action(owner_client, media_root):
    other = factories.ImprovementActionFactory()
    before_history, before_rows = history_counts(), row_counts()
    response = post(
        owner_client,
        other,
        new_status=Status.COMPLETED,
        evidence_title="Audit",
        evidence_file=SimpleUploadedFile("audit.pdf", PDF),
    )
    assert response.status_code == 403
    assert history_counts() == before_history
    assert row_counts() == before_rows
    assert files_in(media_root) == []


def test_it_refuses_the_owner_the_form_on_someone_elses_action(owner_client):
    other = factories.ImprovementActionFactory()
    assert owner_client.get(url(other)).status_code == 403


def test_it_lets_the_improvement_team_post_on_any_action(client, improvement_officer, own_action):
    client.force_login(improvement_officer)
    assert post(client, own_action).status_code == 302
    assert ActionUpdate.objects.get().author == improvement_officer


def test_it_refuses_a_senior_leader_who_does_not_own_the_action(client, senior_leader, own_action):
    client.force_login(senior_leader)
    before = history_counts()
    assert post(client, own_action).status_code == 403
    assert history_counts() == before


def test_it_refuses_a_scrutiny_member_even_on_an_action_they_own(client, scrutiny_member):
    action = factories.ImprovementActionFactory(owner=scrutiny_member)
    client.force_login(scrutiny_member)
    before = history_counts()
    assert post(client, action).status_code == 403
    assert client.get(url(action)).status_code == 403
    assert history_counts() == before


def test_it_sends_anonymous_people_to_sign_in(client, own_action):
    response = post(client, own_action)
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response.url
    assert ActionUpdate.objects.count() == 0


def test_it_answers_404_for_an_action_that_does_not_exist(owner_client):
    assert owner_client.get("/actions/999999/update/").status_code == 404


def test_it_sets_completed_on_when_the_update_completes_the_action(
    owner_client, own_action, action_owner
):
    post(owner_client, own_action, new_status=Status.COMPLETED)
    own_action.refresh_from_db()
    assert own_action.status == Status.COMPLETED
    assert own_action.completed_on == timezone.localdate()
    assert ImprovementAction.history.latest("history_id").history_user == action_owner
    assert ActionUpdate.objects.get().new_status == Status.COMPLETED


def test_it_clears_completed_on_when_the_update_reopens_the_action(owner_client, action_owner):
    action = factories.ImprovementActionFactory(
        owner=action_owner,
        status=Status.COMPLETED,
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    post(owner_client, action, new_status=Status.IN_PROGRESS)
    action.refresh_from_db()
    assert (action.status, action.completed_on) == (Status.IN_PROGRESS, None)


def test_it_changes_the_impact(owner_client, own_action):
    post(owner_client, own_action, new_impact=Impact.EMERGING)
    own_action.refresh_from_db()
    assert own_action.impact == Impact.EMERGING


def test_it_leaves_the_action_alone_when_nothing_changes(owner_client, own_action):
    before = ImprovementAction.history.count()
    post(owner_client, own_action, new_status=Status.IN_PROGRESS)
    assert ImprovementAction.history.count() == before
    assert ActionUpdate.objects.get().new_status == ""


def test_it_keeps_updates_from_scrutiny_unless_ticked(owner_client, own_action):
    post(owner_client, own_action)
    assert ActionUpdate.objects.get().shareable_with_scrutiny is False


def test_it_shares_an_update_with_scrutiny_when_ticked(owner_client, own_action):
    post(owner_client, own_action, shareable_with_scrutiny="on")
    assert ActionUpdate.objects.get().shareable_with_scrutiny is True


def test_it_saves_a_link_as_evidence_of_the_update(owner_client, own_action, action_owner):
    post(
        owner_client, own_action, evidence_title="Audit report", evidence_link="https://x.example/a"
    )
    evidence = Evidence.objects.get()
    assert (evidence.update, evidence.action, evidence.title, evidence.url) == (
        ActionUpdate.objects.get(),
        own_action,
        "Audit report",
        "https://x.example/a",
    )
    assert Evidence.history.get().history_user == action_owner


def test_it_saves_an_uploaded_file_as_evidence(owner_client, own_action, media_root):
    response = post(
        owner_client,
        own_action,
        evidence_title="Audit",
        evidence_file=SimpleUploadedFile("audit.pdf", PDF),
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.file.read() == PDF
    assert [path.name for path in files_in(media_root)] == ["audit.pdf"]


def test_it_accepts_a_word_document(owner_client, own_action, media_root):
    response = post(
        owner_client,
        own_action,
        evidence_title="Plan",
        evidence_file=SimpleUploadedFile("plan.docx", docx_bytes()),
    )
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


def assert_refused(response, message, before_history, before_rows, media_root):
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "<title>Error: " in content
    assert message in content
    assert history_counts() == before_history
    assert row_counts() == before_rows
    assert files_in(media_root) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "tool.exe",
            EXE,
            "The selected file must be a PDF, DOCX, XLSX, PPTX, CSV, TXT, PNG or JPEG",
        ),
        ("report.pdf", EXE, "The selected file is called report.pdf but it is not a PDF"),
        ("plan.docx", PDF, "The selected file is called plan.docx but it is not a Word document"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "but it is not a PNG image"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
    ids=["wrong-type", "fake-pdf", "fake-docx", "jpeg-called-png", "empty"],
)
def test_it_refuses_an_upload_saying_why_and_saves_nothing(
    owner_client, own_action, media_root, name, content, message
):
    before_history, before_rows = history_counts(), row_counts()
    response = post(
        owner_client,
        own_action,
        new_status=Status.COMPLETED,
        evidence_title="Audit",
        evidence_file=SimpleUploadedFile(name, content),
    )
    assert_refused(response, message, before_history, before_rows, media_root)
    own_action.refresh_from_db()
    assert own_action.status == Status.IN_PROGRESS


def test_it_refuses_a_file_over_the_size_limit_saying_why(
    owner_client, own_action, media_root, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    before_history, before_rows = history_counts(), row_counts()
    response = post(
        owner_client,
        own_action,
        evidence_title="Audit",
        evidence_file=SimpleUploadedFile("audit.pdf", PDF + b"x" * 2048),
    )
    assert_refused(
        response,
        "The selected file must be smaller than 1KB",
        before_history,
        before_rows,
        media_root,
    )


def test_it_writes_no_file_when_the_rest_of_the_form_is_wrong(owner_client, own_action, media_root):
    before_history, before_rows = history_counts(), row_counts()
    response = post(
        owner_client,
        own_action,
        note="",
        evidence_title="Audit",
        evidence_file=SimpleUploadedFile("audit.pdf", PDF),
    )
    assert_refused(response, "Enter a note about progress", before_history, before_rows, media_root)


def test_it_refuses_a_file_and_a_link_together(owner_client, own_action, media_root):
    before_history, before_rows = history_counts(), row_counts()
    response = post(
        owner_client,
        own_action,
        evidence_title="Audit",
        evidence_file=SimpleUploadedFile("audit.pdf", PDF),
        evidence_link="https://x.example/a",
    )
    assert_refused(
        response, "Give either a file or a link, not both", before_history, before_rows, media_root
    )


def test_it_asks_for_a_title_for_evidence(owner_client, own_action, media_root):
    before_history, before_rows = history_counts(), row_counts()
    response = post(owner_client, own_action, evidence_link="https://x.example/a")
    assert_refused(
        response, "Enter a title for the evidence", before_history, before_rows, media_root
    )


def test_it_asks_for_the_evidence_when_only_a_title_is_given(owner_client, own_action, media_root):
    before_history, before_rows = history_counts(), row_counts()
    response = post(owner_client, own_action, evidence_title="Audit")
    assert_refused(
        response,
        "Choose a file or give a link for the evidence",
        before_history,
        before_rows,
        media_root,
    )


def test_it_refuses_an_unknown_status(owner_client, own_action, media_root):
    before_history, before_rows = history_counts(), row_counts()
    response = post(owner_client, own_action, new_status="finished")
    assert_refused(response, "Select a valid choice", before_history, before_rows, media_root)


def test_it_refuses_completing_an_action_before_its_start_date(
    owner_client, action_owner, media_root
):
    later = timezone.localdate() + datetime.timedelta(days=10)
    action = factories.ImprovementActionFactory(
        owner=action_owner, start_date=later, due_date=later + datetime.timedelta(days=30)
    )
    before_history, before_rows = history_counts(), row_counts()
    response = post(owner_client, action, new_status=Status.COMPLETED)
    assert_refused(
        response,
        "An action cannot be completed before it started.",
        before_history,
        before_rows,
        media_root,
    )


def test_it_refuses_changing_the_impact_of_a_signed_off_action(
    owner_client, action_owner, senior_leader, media_root
):
    action = factories.ImprovementActionFactory(
        owner=action_owner,
        status=Status.COMPLETED,
        completed_on=timezone.localdate(),
        impact=Impact.EVIDENCED,
        signed_off_by=senior_leader,
        signed_off_at=timezone.now(),
    )
    before_history, before_rows = history_counts(), row_counts()
    response = post(owner_client, action, new_impact=Impact.EMERGING)
    assert_refused(response, "impact has been signed off", before_history, before_rows, media_root)


def test_it_shortens_a_very_long_file_name_to_fit(owner_client, own_action, media_root):
    response = post(
        owner_client,
        own_action,
        evidence_title="Audit",
        evidence_file=SimpleUploadedFile("a" * 240 + ".pdf", PDF),
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert len(evidence.file.name) <= 100
    assert evidence.file.name.endswith(".pdf")
    assert evidence.file.read() == PDF


def test_it_removes_the_file_and_keeps_nothing_when_saving_fails_midway(
    owner_client, own_action, media_root, monkeypatch
):
    original_save = Evidence.save

    def save_then_fail(self, *args, **kwargs):
        original_save(self, *args, **kwargs)  # the file is on disk by now
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Evidence, "save", save_then_fail)
    before_history, before_rows = history_counts(), row_counts()
    with pytest.raises(RuntimeError):
        post(
            owner_client,
            own_action,
            new_status=Status.COMPLETED,
            evidence_title="Audit",
            evidence_file=SimpleUploadedFile("audit.pdf", PDF),
        )
    assert history_counts() == before_history
    assert row_counts() == before_rows
    assert files_in(media_root) == []
