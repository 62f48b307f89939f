"""manage.py seed_bulk: a large synthetic data set that looks like the real thing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import User
from actions.models import ActionUpdate, ImprovementAction, Status
from findings.models import AreaRating, Finding
from inspections.models import AreaOfConcern, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_bulk", actions=400, stdout=StringIO())


def test_it_adds_the_actions_asked_for(seeded):
    assert ImprovementAction.objects.count() == 400


def test_it_spreads_the_actions_over_one_owner_per_twenty(seeded):
    owners = User.objects.filter(owned_actions__isnull=False).distinct().count()
    assert 15 <= owners <= 20


def test_it_gives_actions_about_five_updates_each(seeded):
    assert 4 <= ActionUpdate.objects.count() / 400 <= 6


def test_it_adds_thirty_visits_and_forty_areas_with_ratings_and_findings(seeded):
    assert Visit.objects.count() == 30
    assert AreaOfConcern.objects.count() == 40
    assert AreaRating.objects.count() == 30 * 8
    assert Finding.objects.filter(area__isnull=False).count() >= 30 * 8


def test_it_writes_a_history_row_for_each_action_and_update(seeded):
    assert ImprovementAction.history.filter(history_type="+").count() == 400
    assert ActionUpdate.history.count() == ActionUpdate.objects.count()


def test_it_mixes_statuses_including_overdue_and_completed(seeded):
    statuses = dict(ImprovementAction.objects.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == {s.value for s in Status}
    assert ImprovementAction.objects.overdue().exists()


def test_it_puts_every_action_in_an_area(seeded):
    assert not ImprovementAction.objects.filter(areas__isnull=True).exists()


def test_it_adds_to_what_is_there_when_run_again(seeded):
    call_command("seed_bulk", actions=20, stdout=StringIO())
    assert ImprovementAction.objects.count() == 420
    assert ImprovementAction.objects.values("reference").distinct().count() == 420


def test_it_refuses_a_number_of_actions_below_one():
    with pytest.raises(CommandError):
        call_command("seed_bulk", actions=0, stdout=StringIO())


def test_it_brings_the_planners_statistics_up_to_date(seeded):
    """Without them the planner takes the new tables for empty ones (PostgreSQL's
    autovacuum may be off, as on this project's CI machine)."""
    from django.db import connection

    from progress.bulk import filled_tables

    assert "actions_improvementaction" in filled_tables()
    assert "actions_historicalactionupdate" in filled_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Set by ANALYZE, in the catalogue, so seen inside the test's transaction.
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s",
                ["actions_improvementaction"],
            )
            assert cursor.fetchone()[0] == ImprovementAction.objects.count()
        else:
            cursor.execute(
                # A row per index, each starting with the rows it covers: the
                # table's count, or fewer for a partial index.
                "SELECT MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = %s",
                ["actions_improvementaction"],
            )
            assert cursor.fetchone()[0] == ImprovementAction.objects.count()


def test_growing_adds_actions_to_the_areas_and_findings_built_before(seeded):
    from progress import bulk

    built = bulk.build(200, grow=True)
    assert (built.visits, built.areas, built.findings) == (0, 0, 0)
    assert ImprovementAction.objects.count() == 600
    assert Visit.objects.count() == 30
    assert AreaOfConcern.objects.count() == 40
    assert not ImprovementAction.objects.filter(areas__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_it_leaves_the_tables_vacuumed_as_autovacuum_would():
    """Committed, as seed_bulk's batches are, the new rows' pages are marked
    all-visible, so index-only scans read no table pages for them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    call_command("seed_bulk", actions=200, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s",
            ["actions_improvementaction"],
        )
        pages, all_visible = cursor.fetchone()
        cursor.execute(
            "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = %s",
            ["actions_actionupdate"],
        )
        (last_vacuum,) = cursor.fetchone()
    assert pages > 0 and all_visible == pages
    assert last_vacuum is not None
