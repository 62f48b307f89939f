"""A committee pack keeps each action's progress as rows of its own: its page lists
them 25 at a time in order of reference, with GOV.UK pagination (any page number,
good or bad, gives a page rather than an error), and costs the same queries
however many actions the pack holds; its PDF lists every one of them."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ImprovementAction
from progress.models import CommitteePack, PackAction
from progress.packs import all_actions, freeze
from tests import factories

pytestmark = pytest.mark.django_db

COMMITTEE_DAY = datetime.date(2024, 6, 20)


def add_actions(count, first=1):
    """``count`` actions, inserted in one go: the pack only reads them."""
    owner = factories.UserFactory(job_title="Head of Service")
    ImprovementAction.objects.bulk_create(
        ImprovementAction(
            reference=f"A-{number:03d}",
            title=f"Pack action {number}",
            owner=owner,
            due_date=COMMITTEE_DAY + datetime.timedelta(days=number),
        )
        for number in range(first, first + count)
    )


def freeze_pack(user, title="June committee"):
    return freeze(CommitteePack(title=title, committee_date=COMMITTEE_DAY), user)


def references(response):
    return re.findall(r'<th scope="row" class="govuk-table__header">(A-\d{3}) ', response.text)


@pytest.fixture
def pack(improvement_officer):
    add_actions(30)
    return freeze_pack(improvement_officer)


def url_of(pack):
    return reverse("progress:pack_detail", args=[pack.pk])


def test_it_keeps_every_actions_progress_as_a_row_in_order(pack):
    assert pack.action_count == 30
    assert "actions" not in pack.snapshot
    positions = list(pack.actions.values_list("position", flat=True))
    assert positions == list(range(30))
    assert [row["reference"] for row in all_actions(pack)] == [f"A-{n:03d}" for n in range(1, 31)]
    assert "@" not in str(all_actions(pack))  # owners by job title, never an e-mail


def test_its_page_shows_the_first_25_actions(councillor, pack):
    response = councillor.get(url_of(pack))
    assert references(response) == [f"A-{n:03d}" for n in range(1, 26)]
    assert "Showing 1 to 25 of 30 actions, in order of reference. The PDF lists every one." in (
        response.text
    )
    assert 'href="?page=2#actions"' in response.text
    assert "(actions, page 1 of 2)" in response.text


def test_its_next_page_shows_the_rest(councillor, pack):
    response = councillor.get(url_of(pack), {"page": "2"})
    assert references(response) == [f"A-{n:03d}" for n in range(26, 31)]
    # The rest of the pack is on every page.
    assert 'id="rag-summary"' in response.text and 'id="matrix"' in response.text


@pytest.mark.parametrize(
    ("page", "first"),
    [("abc", "A-001"), ("0", "A-026"), ("99", "A-026"), ("-3", "A-026"), ("1e9", "A-001")],
)
def test_it_answers_a_bad_page_number_with_a_page_not_an_error(councillor, pack, page, first):
    response = councillor.get(url_of(pack), {"page": page})
    assert response.status_code == 200
    assert references(response)[0] == first


def test_a_pack_without_actions_says_so(councillor, improvement_officer):
    pack = freeze_pack(improvement_officer)
    response = councillor.get(url_of(pack), {"page": "2"})
    assert response.status_code == 200
    assert "No improvement action yet." in response.text
    assert "govuk-pagination" not in response.text


def test_later_edits_change_no_page_of_the_pack(councillor, pack, improvement_officer):
    ImprovementAction.objects.filter(reference="A-030").update(title="Renamed later")
    response = councillor.get(url_of(pack), {"page": "2"})
    assert "Pack action 30" in response.text
    assert "Renamed later" not in response.text


def test_the_pdf_lists_every_action(client, scrutiny_member, pack):
    client.force_login(scrutiny_member)
    response = client.get(reverse("progress:pack_pdf", args=[pack.pk]))
    assert response.status_code == 200
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "A-001" in text and "A-026" in text and "A-030" in text


def test_a_pack_frozen_before_keeps_its_actions_when_moved_to_rows(improvement_officer):
    """What migration 0003 does to a pack frozen with its actions in the snapshot."""
    from importlib import import_module

    from django.apps import apps

    moved = import_module("progress.migrations.0003_pack_actions")
    old = CommitteePack.objects.create(
        title="Frozen before",
        committee_date=COMMITTEE_DAY,
        frozen_by=improvement_officer,
        snapshot={"version": 2, "actions": [{"reference": "A-007"}, {"reference": "A-008"}]},
    )
    moved.move_actions_out(apps, None)
    old.refresh_from_db()
    assert old.action_count == 2 and "actions" not in old.snapshot
    assert all_actions(old) == [{"reference": "A-007"}, {"reference": "A-008"}]
    moved.move_actions_back(apps, None)
    old.refresh_from_db()
    assert old.snapshot["actions"] == [{"reference": "A-007"}, {"reference": "A-008"}]
    assert "action_count" not in old.snapshot


# Constant queries ------------------------------------------------------------------------


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("page", ["1", "2"])
def test_its_page_runs_the_same_queries_at_30_and_300_actions(
    councillor, improvement_officer, page
):
    add_actions(30)
    small_pack = freeze_pack(improvement_officer, "Small")
    councillor.get(url_of(small_pack))  # the first request fills per-process caches
    small, _ = queries_for(councillor, f"{url_of(small_pack)}?page={page}")
    add_actions(270, first=31)
    large_pack = freeze_pack(improvement_officer, "Large")
    assert PackAction.objects.filter(pack=large_pack).count() == 300
    large, response = queries_for(councillor, f"{url_of(large_pack)}?page={page}")
    assert f"(actions, page {page} of 12)" in response.text
    assert large == small
