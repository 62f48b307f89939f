"""Whether the pages that show measures stay as fast when the measures and their
months grow: each page timed at two (or more) sizes, with the growth between them.

    python manage.py benchmark_measures --sizes 20x60,200x60
    DATABASE_URL=postgres://... python manage.py benchmark_measures --sizes 200x6,200x60

A size is a number of measures and a number of months. For each size, smallest
first, the synthetic measures are topped up with ``progress.bulk_measures`` to
that many measures, each with a figure for each of that many months up to last
month, on top of whatever actions the database holds (``seed_bulk --actions
100000`` for the figures the README gives; the measures belong to the areas of
the synthetic data set it built, or to one built here with no actions). Then the
list of measures, a measure's page, an area's page (``/areas/<pk>/``), the
councillor's page of the same area (``/progress/areas/<pk>/``), each as the
improvement team and as a councillor, and the dashboard with nothing cached, as
the improvement team (councillors may not see it), are asked for ``--requests``
times, printing p50, p95, queries and size, and each page's growth from the
first size to the last, flagged as ``benchmark_pages`` flags it (a p50 that
grows more than ``GROWTH_LIMIT`` times, or a number of queries that changes).
Like ``benchmark_pages``, it only reports: a flag does not change how it exits.

The default grows the number of measures tenfold at five years of months: the
list of measures and the dashboard read every measure a person may see, and an
area's pages its measures, so that is the growth those pages must take; a
measure's page is asked about the same measure at both sizes, and should not
notice the others. Growing the months tenfold instead (``200x6,200x60``) shows
what five years of figures cost a measure's page and the summaries of the rest.

The pages about one record are asked about the busiest: the measure shared with
councillors that has the most monthly values, and the area councillors may read
that has the most measures, the number beside each being its rows. Not a test:
timings depend on the machine.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Max

from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER
from inspections.models import AreaOfConcern
from measures.models import Measure
from progress import bulk_measures, dashboard

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

SIZE = re.compile(r"^(\d+)x(\d+)$")


def parse_sizes(text):
    """``"20x60,200x60"`` as ``[(20, 60), (200, 60)]``, or a CommandError: two or
    more sizes, each as large as the one before in measures and months, and larger
    in one of them."""
    sizes = []
    for part in text.split(","):
        found = SIZE.match(part.strip().replace("_", ""))
        if not found or int(found[1]) < 1 or int(found[2]) < 1:
            raise CommandError("--sizes takes measures x months such as 20x60,200x60")
        sizes.append((int(found[1]), int(found[2])))
    if len(sizes) < 2:
        raise CommandError("--sizes takes two or more sizes, smallest first")
    for smaller, larger in zip(sizes, sizes[1:], strict=False):
        if larger == smaller or larger[0] < smaller[0] or larger[1] < smaller[1]:
            raise CommandError("--sizes takes sizes smallest first, each larger than the last")
    return sizes


def size_in_words(size):
    measures, months = size
    return f"{measures:,} measures of {months} months"


def busiest_measure():
    """The measure shared with councillors that has the most monthly values, and how many."""
    measure = (
        Measure.objects.filter(shareable_with_scrutiny=True)
        .annotate(value_count=Count("values"))
        .order_by("-value_count", "pk")
        .first()
    )
    return (measure.pk, measure.value_count) if measure else (None, 0)


def busiest_area():
    """The area councillors may read with the most measures: its key, and how
    many measures it has and how many of them are shared with councillors."""
    area = (
        AreaOfConcern.objects.visible_to(None)
        .annotate(measure_count=Count("measures"))
        .order_by("-measure_count", "pk")
        .first()
    )
    if area is None:
        return None, 0, 0
    shared = area.measures.filter(shareable_with_scrutiny=True).count()
    return area.pk, area.measure_count, shared


class Command(BaseCommand):
    help = "Time the pages that show measures at two sizes and flag any that grows with them."

    def add_arguments(self, parser):
        add_timing_arguments(
            parser,
            "20x60,200x60",
            "Measures x months to time the pages at, comma-separated, smallest first.",
        )

    def handle(self, *args, sizes, requests, only, **options):
        wanted = parse_sizes(sizes)
        self._refuse_a_larger_start(wanted[0])
        people = benchmark_people({"team": IMPROVEMENT_TEAM, "councillor": SCRUTINY_MEMBER})
        results = {}
        with quiet_server():
            for size in wanted:
                self.stdout.write(f"growing to {size_in_words(size)} ...")
                bulk_measures.grow(*size, by=people["team"], stdout=self.stdout)
                pages = only_pages(self._pages(), only)
                results[size] = measure_pages(pages, people, requests, self.stdout)
        first, last = wanted[0], wanted[-1]
        write_report(
            self.stdout.write,
            results,
            wanted,
            requests,
            "size",
            lambda size: f"{size[0]}x{size[1]}",
            f"from {size_in_words(first)} to {size_in_words(last)}",
        )
        write_dashboard_goal(self.stdout.write, results[last], size_in_words(last))

    def _refuse_a_larger_start(self, first):
        synthetic = bulk_measures.synthetic_measures()
        present = synthetic.count()
        months = synthetic.annotate(months=Count("values")).aggregate(most=Max("months"))["most"]
        if present > first[0] or (months or 0) > first[1]:
            raise CommandError(
                f"The database holds {present:,} synthetic measures of up to {months or 0} "
                "months, more than the first size: start from a database without them "
                "(or a copy of one)."
            )

    def _pages(self):
        measure, months = busiest_measure()
        area, area_measures, area_shared = busiest_area()
        everyone = Measure.objects.count()
        shared = Measure.objects.filter(shareable_with_scrutiny=True).count()
        measure_url = url_or_none("measures:measure_detail", pk=measure)
        area_url = url_or_none("findings:area_detail", pk=area)
        scrutiny_url = url_or_none("progress:scrutiny_area", pk=area)
        return [
            Page("measure list, team", url_or_none("measures:measure_list"), "team", everyone),
            Page(
                "measure list, councillor",
                url_or_none("measures:measure_list"),
                "councillor",
                shared,
            ),
            Page("measure page, team", measure_url, "team", months),
            Page("measure page, councillor", measure_url, "councillor", months),
            Page("area page, team", area_url, "team", area_measures),
            Page("area page, councillor", area_url, "councillor", area_shared),
            Page("councillor's area page, team", scrutiny_url, "team", area_measures),
            Page("councillor's area page, councillor", scrutiny_url, "councillor", area_shared),
            Page(
                "dashboard, not cached",
                url_or_none("progress:dashboard"),
                "team",
                everyone,
                before=dashboard.forget_figures,
            ),
        ]
