"""Downloading an evidence file: officers and the action's owner may; scrutiny
members and other people may not; always as a download, never shown inline."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(settings, tmp_path, action_owner):
    settings.MEDIA_ROOT = tmp_path
    action = factories.ImprovementActionFactory(owner=action_owner)
    evidence = factories.EvidenceFactory.build(action=action, url="", added_by=action_owner)
    evidence.file.save("audit.pdf", ContentFile(b"%PDF-1.4 audit"), save=False)
    evidence.save()
    return evidence


def url(evidence):
    return reverse("actions:evidence_download", args=[evidence.pk])


@pytest.mark.parametrize("role", ["improvement_officer", "senior_leader", "action_owner"])
def test_it_lets_officers_and_the_owner_download(client, request, evidence, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 audit"
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_refuses_scrutiny_members(client, scrutiny_member, evidence):
    client.force_login(scrutiny_member)
    assert client.get(url(evidence)).status_code == 403


def test_it_refuses_someone_who_does_not_own_the_action(client, evidence):
    client.force_login(factories.UserFactory())
    assert client.get(url(evidence)).status_code == 403


def test_it_answers_404_when_the_file_is_missing(client, improvement_officer, evidence):
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(improvement_officer)
    assert client.get(url(evidence)).status_code == 404


def test_it_answers_404_for_a_link(client, improvement_officer):
    link = factories.EvidenceFactory()
    client.force_login(improvement_officer)
    assert client.get(url(link)).status_code == 404
