"""benchmark_pages times every page at two sizes and flags growth (no timing is asserted)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actions.models import ImprovementAction
from inspections.models import AreaOfConcern
from progress import bulk
from progress.management.commands.benchmark_pages import busiest_area, busiest_owner

pytestmark = pytest.mark.django_db

PAGES = (
    "home, leader",
    "home, team",
    "home, councillor",
    "home, owner",
    "dashboard",
    "dashboard, not cached",
    "action list",
    "scrutiny matrix",
    "councillor's area page",
    "area page",
    "visit page",
    "my actions",
    "owner's person page",
    "committee pack",
)


def run(*args):
    out = StringIO()
    call_command("benchmark_pages", *args, stdout=out)
    return out.getvalue()


def test_it_times_every_page_at_each_size_and_reports_the_growth(roles_exist):
    output = run("--sizes", "20,60", "--requests", "1")
    assert ImprovementAction.objects.count() == 60
    # Grown into the same areas, so an area's page has more rows at the larger size.
    assert AreaOfConcern.objects.count() == bulk.AREAS
    timings, growth = output.split("Growth from 20 to 60 actions")
    for page in PAGES:
        timed = [line for line in timings.splitlines() if line.startswith(f"{page} ")]
        assert len(timed) == 2, page
        assert "answered" not in " ".join(timed), page
        assert any(line.startswith(f"{page} ") for line in growth.splitlines()), page
    assert "dashboard, not cached, p95 at 60 actions" in output


def test_it_refuses_a_database_larger_than_the_first_size(roles_exist):
    bulk.build(30)
    with pytest.raises(CommandError, match="more than the first size"):
        run("--sizes", "20,60")


@pytest.mark.parametrize("sizes", ["60,20", "20", "20,lots"])
def test_it_refuses_sizes_it_cannot_use(sizes):
    with pytest.raises(CommandError, match="--sizes"):
        run("--sizes", sizes)


def test_the_busiest_records_are_those_with_the_most_actions(roles_exist):
    bulk.build(80, seed=3)
    area_pk, area_actions = busiest_area()
    assert area_actions == max(
        AreaOfConcern.objects.get(pk=pk).actions.count()
        for pk in AreaOfConcern.objects.values_list("pk", flat=True)
    )
    assert AreaOfConcern.objects.get(pk=area_pk).actions.count() == area_actions
    owner_pk, owner_actions = busiest_owner()
    assert ImprovementAction.objects.filter(owner_id=owner_pk).count() == owner_actions
