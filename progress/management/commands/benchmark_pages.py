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

from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER
from actions.models import ImprovementAction
from inspections.models import AreaOfConcern
from progress import bulk, dashboard, packs
from progress.models import CommitteePack

from ._page_timing import (
    DASHBOARD_P95_GOAL_MS,
    benchmark_user,
    measure,
    quiet_server,
    url_or_none,
)

GROWTH_LIMIT = 2.5
EMAIL = "benchmark-{}@synthetic.example"


@dataclass
class Page:
    label: str
    url: str | None
    who: str
    # How many actions stand behind the page, where it is about one record.
    rows: int | None = None
    uncached: bool = False


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


def growth(small, large):
    return large / small if small else float("inf")


class Command(BaseCommand):
    help = "Time every page at two sizes of the data set and flag any that grows with it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="10000,100000",
            help="Numbers of actions to time the pages at, comma-separated, smallest first.",
        )
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument(
            "--only",
            default="",
            help="Time only the pages whose names start with these, comma-separated.",
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
        people = {
            "leader": benchmark_user(EMAIL.format("leader"), SENIOR_LEADER),
            "team": benchmark_user(EMAIL.format("team"), IMPROVEMENT_TEAM),
            "councillor": benchmark_user(EMAIL.format("councillor"), SCRUTINY_MEMBER),
        }
        only_pages = [name.strip() for name in only.split(",") if name.strip()]
        results = {}
        with quiet_server():
            for size in wanted_sizes:
                self._top_up(size)
                pages = self._pages(people)
                if only_pages:
                    pages = [p for p in pages if any(p.label.startswith(n) for n in only_pages)]
                results[size] = self._measure_all(pages, people, requests)
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
                uncached=True,
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
                len(pack.snapshot["actions"]),
            ),
        ]

    def _freeze_pack(self, team):
        count = ImprovementAction.objects.count()
        self.stdout.write(f"freezing a committee pack of {count:,} actions ...")
        pack = CommitteePack(
            title=f"Benchmark pack, {count:,} actions", committee_date=timezone.localdate()
        )
        return packs.freeze(pack, team)

    def _measure_all(self, pages, people, requests):
        clients = {}
        for who, user in people.items():
            clients[who] = Client()
            clients[who].force_login(user)
        results = {}
        for page in pages:
            if page.url is None or page.who not in clients:
                results[page.label] = (page, {"error": "not built"})
                continue
            self.stdout.write(f"timing {page.label}: {page.url}")
            before = dashboard.forget_figures if page.uncached else None
            results[page.label] = (page, measure(clients[page.who], page.url, requests, before))
        return results

    def _report(self, results, sizes, requests):
        write = self.stdout.write
        write("")
        write(
            f"{'page':26} {'actions':>9} {'rows':>7} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'queries':>7} {'KiB':>7}"
        )
        for size in sizes:
            for label, (page, result) in results[size].items():
                rows = f"{page.rows:,}" if page.rows is not None else "-"
                if "error" in result:
                    write(f"{label:26} {size:9,} {rows:>7} {result['error']}")
                    continue
                write(
                    f"{label:26} {size:9,} {rows:>7} {result['p50']:8.1f} {result['p95']:8.1f} "
                    f"{result['queries']:7} {result['bytes'] / 1024:7.0f}"
                )
        write(f"({requests} requests each, after a warm-up)")
        first, last = sizes[0], sizes[-1]
        write("")
        write(f"Growth from {first:,} to {last:,} actions (flagged: p50 over x{GROWTH_LIMIT}")
        write("or a different number of queries):")
        write(f"{'page':26} {'p50 x':>7} {'p95 x':>7} {'queries':>9}")
        flagged = 0
        for label, (_page, small) in results[first].items():
            large = results[last].get(label, (None, {"error": "not timed"}))[1]
            if "error" in small or "error" in large:
                write(f"{label:26} {small.get('error') or large.get('error')}")
                continue
            p50, p95 = growth(small["p50"], large["p50"]), growth(small["p95"], large["p95"])
            flags = []
            if p50 > GROWTH_LIMIT:
                flags.append("GROWS")
            if small["queries"] != large["queries"]:
                flags.append("QUERIES DIFFER")
            flagged += bool(flags)
            queries = f"{small['queries']}->{large['queries']}"
            write(f"{label:26} {p50:7.2f} {p95:7.2f} {queries:>9}  {' '.join(flags)}")
        write("")
        if flagged:
            write(f"{flagged} of {len(results[first])} pages flagged")
        else:
            write(f"No page grew more than x{GROWTH_LIMIT}, and every query count held")
        timing = results[last].get("dashboard, not cached", (None, {}))[1]
        if "p95" in timing:
            met = timing["p95"] < DASHBOARD_P95_GOAL_MS
            write(
                f"dashboard, not cached, p95 at {last:,} actions: {timing['p95']:.1f} ms "
                f"(goal under {DASHBOARD_P95_GOAL_MS} ms {'met' if met else 'MISSED'})"
            )
