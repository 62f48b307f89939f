"""The audit log names a committee pack's changes without reading its snapshot,
which at a large council runs to megabytes and which no description shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.history import AuditFilters, AuditLog, changes_for
from progress import packs
from progress.models import CommitteePack
from tests import factories

pytestmark = pytest.mark.django_db


def freeze(title, user, **kwargs):
    return packs.freeze(
        CommitteePack(title=title, committee_date=datetime.date(2025, 6, 1), **kwargs), user
    )


def snapshot_reads(queries):
    return [query["sql"] for query in queries if '"snapshot"' in query["sql"]]


def test_it_describes_a_packs_changes_without_reading_a_snapshot(improvement_officer):
    factories.ImprovementActionFactory()
    first = freeze("June committee", improvement_officer)
    later = freeze("July committee", improvement_officer, previous=first)
    later.title = "July committee, revised"
    later.save()
    first.delete()
    with CaptureQueriesContext(connection) as queries:
        changes = list(AuditLog(AuditFilters(model=CommitteePack)))
    assert snapshot_reads(queries.captured_queries) == []
    described = {(change.record, change.kind) for change in changes}
    assert ("July committee, revised (1 June 2025)", "changed") in described
    assert ("June committee (1 June 2025)", "deleted") in described
    fields = [
        (field.label, field.before, field.after) for change in changes for field in change.fields
    ]
    assert ("Title", "July committee", "July committee, revised") in fields


def test_a_pack_read_for_itself_still_has_its_snapshot(improvement_officer):
    factories.ImprovementActionFactory()
    pack = freeze("June committee", improvement_officer)
    assert CommitteePack.objects.get(pk=pack.pk).action_count == 1
    history = CommitteePack.history.model
    assert changes_for(history.objects.filter(id=pack.pk))[0].kind == "created"
    assert history.objects.get(id=pack.pk).snapshot["action_count"] == 1
