"""Whether every page stays as fast when the actions grow: each page timed at two
(or more) sizes of the data set, with the growth between them.

    python manage.py benchmark_pages --sizes 2000,20000
    DATABASE_URL=postgres://... python manage.py benchmark_pages --sizes 10000,100000

For each size, smallest first, the configured database is topped up to that many
actions with ``progress.bulk`` (as seed_bulk does, which leaves the tables
vacuumed and analysed) and every page is asked for ``--requests`` times through
Django's test client, as the person who reads it, printing the median (p50) and
95th percentile (p95) of the server time, the queries per request and the size of
the page. Then, for each page, the growth from the smallest size to the largest:
a p50 that grows more than ``GROWTH_LIMIT`` times, or a number of queries that
changes, is flagged.

The pages about one record (an area, a visit, an owner) are asked about the
busiest one at each size, the record with the most actions, so their rows grow
with the data as the others' do; how many each has is printed beside it. A
committee pack is frozen at each size, as the improvement team would.

Not a test: timings depend on the machine. The database must hold no more
actions than the first size: start from an empty one (or a copy of one).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER
from actions.models import ImprovementAction
from inspections.models import AreaOfConcern
from progress import bulk, dashboard, packs
from progress.models import CommitteePack

from ._page_timing import (
    Page,
    add_timing_arguments,
    benchmark_people,
    measure_pages,
    only_pages,
    quiet_server,
    url_or_none,
    write_dashboard_goal,
    write_report,
)


def busiest_area():
    """The area of concern scrutiny may read with the most actions, and how many."""
    area = (
        AreaOfConcern.objects.visible_to(None)
        .annotate(action_count=Count("actions"))
        .order_by("-action_count", "pk")
        .first()
    )
    return (area.pk, area.action_count) if area else (None, 0)


def busiest_visit():
    """The visit whose findings the most actions answer, and how many links."""
    links = ImprovementAction.findings.through.objects
    row = (
        links.values("finding__visit_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "finding__visit_id")
        .first()
    )
    return (row["finding__visit_id"], row["count"]) if row else (None, 0)


def busiest_owner():
    """The person who owns the most actions, and how many."""
    row = (
        ImprovementAction.objects.filter(owner__isnull=False)
        .values("owner_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner_id")
        .first()
    )
    return (row["owner_id"], row["count"]) if row else (None, 0)


class Command(BaseCommand):
    help = "Time every page at two sizes of the data set and flag any that grows with it."

    def add_arguments(self, parser):
        add_timing_arguments(
            parser,
            "10000,100000",
            "Numbers of actions to time the pages at, comma-separated, smallest first.",
        )

    def handle(self, *args, sizes, requests, only, **options):
        try:
            wanted_sizes = [int(size.replace("_", "")) for size in sizes.split(",")]
        except ValueError as error:
            raise CommandError("--sizes takes whole numbers such as 2000,20000") from error
        if len(wanted_sizes) < 2 or wanted_sizes != sorted(set(wanted_sizes)):
            raise CommandError("--sizes takes two or more numbers of actions, smallest first")
        present = ImprovementAction.objects.count()
        if present > wanted_sizes[0]:
            raise CommandError(
                f"The database holds {present:,} actions, more than the first size: "
                "start from an empty database or a copy of a smaller one."
            )
        people = benchmark_people(
            {"leader": SENIOR_LEADER, "team": IMPROVEMENT_TEAM, "councillor": SCRUTINY_MEMBER}
        )
        results = {}
        with quiet_server():
            for size in wanted_sizes:
                self._top_up(size)
                pages = only_pages(self._pages(people), only)
                results[size] = measure_pages(pages, people, requests, self.stdout)
        self._report(results, wanted_sizes, requests)

    def _top_up(self, size):
        present = ImprovementAction.objects.count()
        if present < size:
            self.stdout.write(f"{present:,} actions present; adding {size - present:,} ...")
            bulk.build(size - present, grow=True)

    def _pages(self, people):
        area, area_rows = busiest_area()
        visit, visit_rows = busiest_visit()
        owner, owner_rows = busiest_owner()
        total = ImprovementAction.objects.count()
        if owner is not None:
            people["owner"] = User.objects.get(pk=owner)
        pack = self._freeze_pack(people["team"])
        return [
            Page("home, leader", url_or_none("home"), "leader"),
            Page("home, team", url_or_none("home"), "team"),
            Page("home, councillor", url_or_none("home"), "councillor"),
            Page("home, owner", url_or_none("home"), "owner", owner_rows),
            Page("dashboard", url_or_none("progress:dashboard"), "leader", total),
            Page(
                "dashboard, not cached",
                url_or_none("progress:dashboard"),
                "leader",
                total,
                before=dashboard.forget_figures,
            ),
            Page("action list", url_or_none("actions:action_list"), "leader", total),
            Page("scrutiny matrix", url_or_none("progress:scrutiny_matrix"), "councillor"),
            Page(
                "councillor's area page",
                url_or_none("progress:scrutiny_area", pk=area),
                "councillor",
                area_rows,
            ),
            Page("area page", url_or_none("findings:area_detail", pk=area), "team", area_rows),
            Page("visit page", url_or_none("findings:visit_detail", pk=visit), "team", visit_rows),
            Page("my actions", url_or_none("actions:my_actions"), "owner", owner_rows),
            Page(
                "owner's person page",
                url_or_none("accounts:person_detail", pk=owner),
                "team",
                owner_rows,
            ),
            Page(
                "committee pack",
                url_or_none("progress:pack_detail", pk=pack.pk),
                "councillor",
                pack.action_count,
            ),
        ]

    def _freeze_pack(self, team):
        count = ImprovementAction.objects.count()
        self.stdout.write(f"freezing a committee pack of {count:,} actions ...")
        pack = CommitteePack(
            title=f"Benchmark pack, {count:,} actions", committee_date=timezone.localdate()
        )
        return packs.freeze(pack, team)

    def _report(self, results, sizes, requests):
        first, last = sizes[0], sizes[-1]
        write_report(
            self.stdout.write,
            results,
            sizes,
            requests,
            "actions",
            lambda size: f"{size:,}",
            f"from {first:,} to {last:,} actions",
        )
        write_dashboard_goal(self.stdout.write, results[last], f"{last:,} actions")
