"""benchmark_progress runs end to end and reports every page (no timing is asserted)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from actions.models import ImprovementAction

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("benchmark_progress", *args, stdout=out)
    return out.getvalue()


def test_it_tops_the_data_up_and_reports_each_page_and_the_admin_ratio(roles_exist):
    output = run("--any-database", "--actions", "40", "--requests", "2")
    assert ImprovementAction.objects.count() == 40
    pages = ("dashboard", "action list, filtered", "scrutiny matrix", "CSV export")
    for page in (*pages, "dashboard, just after a change", "dashboard refresh task"):
        assert any(line.startswith(page) for line in output.splitlines()), page
    assert "action list / admin changelist (p50):" in output
    assert "dashboard p95" in output


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for other databases")
def test_it_refuses_a_database_other_than_postgresql_unless_asked():
    with pytest.raises(CommandError, match="PostgreSQL"):
        run("--actions", "1")
