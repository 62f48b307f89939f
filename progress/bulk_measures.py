"""Synthetic measures and their monthly values in bulk, for the benchmark of the
measures' pages (``manage.py benchmark_measures``).

``grow(measures, months)`` tops the synthetic measures up to ``measures`` and
gives every one of them a figure for each of the ``months`` months up to last
month, adding only what is missing, so a benchmark can time the pages at one
size, grow the data and time them again. The measures belong to the areas of
concern of the synthetic data set ``progress.bulk`` built last (one is built,
with no actions, where there is none), one or two areas each; most have a
target, most figures have England and statistical neighbour comparators, and
three in five are shared with councillors. Each names a few of its area's
actions, as an action names the measures that will show it has worked.

A figure depends only on its measure and month, not on the order they were
made in, so growing 20 measures to 200, or six months to sixty, gives the same
figures as making them at once. They rise and fall in waves around the target,
so some measures are off target and some are moving the wrong way, as the
dashboard and the RAG ratings need.

As in ``progress.bulk``, rows go in with batch inserts and each still gets its
"created" history row, naming ``by``, the person the figures are entered as:
the measures (a few hundred) and their areas through simple-history's
``bulk_create_with_history`` and the history table of their areas; the values
(12,000 at 200 measures over 60 months) with one ``INSERT ... SELECT`` copying
the new rows into their history table. The links from actions to measures go in
without history rows, as ``progress.bulk`` writes the actions' other links.
"""

import datetime
import math
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from actions.models import ImprovementAction
from measures.models import Measure, MeasureValue, Unit, this_month
from measures.trends import months_before

from . import bulk

SOURCE = "Synthetic data set for benchmarks"
MEASURES_PER_OWNER = 10
ACTIONS_PER_MEASURE = 3
# Of every five measures, this many are shared with councillors.
SHARED_OF_FIVE = 3

# (title, unit, higher is better, target): kinds of figure a council reports,
# numbered to make as many measures as are wanted.
KINDS = [
    ("Children seen alone during their assessment", Unit.PERCENTAGE, True, 90),
    ("Assessments completed within 45 working days", Unit.PERCENTAGE, True, 85),
    ("Average caseload of a social worker", Unit.NUMBER, False, 18),
    ("Referrals within a year of the last one", Unit.PERCENTAGE, False, 22),
    ("Case file audits graded good or better", Unit.PERCENTAGE, True, 60),
    ("Care leavers the council is in touch with", Unit.PERCENTAGE, True, 92),
    ("Children in need", Unit.RATE_PER_10000, False, None),
    ("Days between entering care and moving in with adopters", Unit.DAYS, False, 420),
    ("Child protection conferences held on time", Unit.PERCENTAGE, True, 95),
    ("Children in care who moved home three times in a year", Unit.PERCENTAGE, False, 10),
]
# Where a measure has no target, its figures wander around this.
USUAL_FIGURE = {
    Unit.PERCENTAGE: 70,
    Unit.NUMBER: 20,
    Unit.RATE_PER_10000: 330,
    Unit.DAYS: 400,
}


@dataclass
class Grown:
    measures: int
    values: int
    links: int


def synthetic_measures():
    return Measure.objects.filter(source=SOURCE)


def grow(measures, months, *, by, today=None, seed=2024, stdout=None):
    """Top the synthetic measures up to ``measures``, each with a figure for
    each of the last ``months`` months; returns what was added."""

    def say(message):
        if stdout is not None:
            stdout.write(message)

    latest = bulk._latest_data_set()
    if latest is None:
        say("no synthetic areas of concern yet: building them, with no actions")
        bulk.build(0, today=today, seed=seed)
        latest = bulk._latest_data_set()
    areas = latest[0]
    with transaction.atomic():
        made, links = _add_measures(measures, areas, by, seed)
        values = _add_values(months, by, today, seed)
    bulk.refresh_statistics([Measure, MeasureValue, ImprovementAction.measures.through])
    say(f"{made} measures and {values:,} monthly values added, {links} actions linked")
    return Grown(measures=made, values=values, links=links)


def _add_measures(wanted, areas, by, seed):
    present = synthetic_measures().count()
    if present >= wanted:
        return 0, 0
    # Synthetic records for benchmarks, the same on every run: not a secret.
    rng = random.Random(f"{seed}:measures:{present}")  # nosec B311
    # A run of its own keeps the owners' e-mails unique when run again.
    run = uuid.uuid4().hex[:8]
    owners = bulk._build_owners(max((wanted - present) // MEASURES_PER_OWNER, 1), run)
    measures = []
    for n in range(present, wanted):
        title, unit, higher_is_better, target = KINDS[n % len(KINDS)]
        measures.append(
            Measure(
                title=f"{title} (synthetic {n // len(KINDS) + 1})",
                description="Synthetic measure for load testing.",
                unit=unit,
                higher_is_better=higher_is_better,
                target=None if target is None else Decimal(target),
                source=SOURCE,
                owner=owners[n % len(owners)],
                shareable_with_scrutiny=n % 5 < SHARED_OF_FIVE,
            )
        )
    measures = bulk_create_with_history(measures, Measure, batch_size=bulk.BATCH, default_user=by)
    chosen = {measure.pk: rng.sample(areas, rng.choice((1, 1, 2))) for measure in measures}
    _link_areas(measures, chosen)
    return len(measures), _link_actions(measures, chosen, rng)


def _link_areas(measures, chosen):
    """The measures' areas, and the same links in the history rows just written,
    so each measure's first history row says which areas it belonged to."""
    AreaLink = Measure.areas.through
    links = AreaLink.objects.bulk_create(
        [
            AreaLink(measure_id=measure.pk, areaofconcern_id=area.pk)
            for measure in measures
            for area in chosen[measure.pk]
        ]
    )
    history = Measure.history.model
    HistoryLink = history._meta.get_field("historicalmeasure_areas").related_model
    created = dict(
        history.objects.filter(id__in=chosen, history_type="+").values_list("id", "history_id")
    )
    HistoryLink.objects.bulk_create(
        [
            HistoryLink(
                id=link.pk,
                measure_id=link.measure_id,
                areaofconcern_id=link.areaofconcern_id,
                history_id=created[link.measure_id],
            )
            for link in links
        ]
    )


def _link_actions(measures, chosen, rng):
    """A few actions of each measure's first area name it: enough for a measure's
    page to list some, the same few however many actions there are."""
    first_areas = {areas[0].pk for areas in chosen.values()}
    by_area = {
        area_pk: list(
            ImprovementAction.objects.filter(areas=area_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[: ACTIONS_PER_MEASURE * 10]
        )
        for area_pk in first_areas
    }
    Link = ImprovementAction.measures.through
    links = []
    for measure in measures:
        candidates = by_area[chosen[measure.pk][0].pk]
        for action_pk in rng.sample(candidates, min(ACTIONS_PER_MEASURE, len(candidates))):
            links.append(Link(improvementaction_id=action_pk, measure_id=measure.pk))
    Link.objects.bulk_create(links)
    return len(links)


def _add_values(months, by, today, seed):
    last = months_before(this_month(today), 1)
    wanted = [months_before(last, count) for count in range(months)]
    have = set(
        MeasureValue.objects.filter(measure__source=SOURCE, period__in=wanted).values_list(
            "measure_id", "period"
        )
    )
    values = [
        _value(measure, period, by, seed)
        for measure in synthetic_measures().select_related("owner")
        for period in wanted
        if (measure.pk, period) not in have
    ]
    if not values:
        return 0
    newest_before = MeasureValue.objects.order_by("-pk").values_list("pk", flat=True).first()
    MeasureValue.objects.bulk_create(values, batch_size=bulk.BATCH)
    bulk._write_created_history(MeasureValue, "id > %s", [newest_before or 0], user=by)
    return len(values)


def _value(measure, period, by, seed):
    """The measure's figure for the month: a wave of about a year and a half around
    its target, a little noise on top, kept inside what its unit allows."""
    rng = random.Random(f"{seed}:{measure.title}:{period:%Y-%m}")  # nosec B311
    centre = float(measure.target if measure.target is not None else USUAL_FIGURE[measure.unit])
    phase = random.Random(f"{seed}:{measure.title}").uniform(0, 2 * math.pi)  # nosec B311
    month = period.year * 12 + period.month
    figure = centre * (1 + 0.08 * math.sin(month * math.pi / 9 + phase) + rng.uniform(-0.03, 0.03))
    if measure.unit == Unit.PERCENTAGE:
        figure = min(figure, 100.0)
    comparators = rng.random() < 0.9
    return MeasureValue(
        measure=measure,
        period=period,
        value=_figure(figure),
        england=_figure(centre * 1.02) if comparators else None,
        neighbours=_figure(centre * 0.98 + rng.uniform(-1, 1)) if comparators else None,
        entered_by=measure.owner or by,
        entered_at=datetime.datetime.combine(
            months_before(period, -1) + datetime.timedelta(days=9),
            datetime.time(10),
            tzinfo=datetime.UTC,
        ),
    )


def _figure(number):
    # A figure cannot fall below nothing, and a percentage cannot pass 100.
    return Decimal(str(round(max(number, 0.0), 1)))
