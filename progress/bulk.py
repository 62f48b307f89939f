"""A large, realistic synthetic data set, for benchmarks and for tests that must
show a page's cost does not grow with the data (``manage.py seed_bulk``).

What it builds, added to whatever is there already: one inadequate inspection,
``VISITS`` monitoring visits roughly quarterly before ``today``, ``AREAS`` areas of
concern whose ratings rise and fall in waves, a few findings per area per visit,
``actions`` improvement actions over ``actions // 20`` owners, each in one or two
areas and answering a finding, with about five progress updates each.

Rows are written in batches: saving 100,000 actions one by one would take the
best part of an hour. Batch inserts skip ``save()`` and so skip the history rows
simple-history writes on save, so each record still gets its "created" history
row, as real data has:

- the few hundred visits, areas, findings, ratings and owners go through
  simple-history's ``bulk_create_with_history``;
- the actions and their half a million updates are the bulk of the work, and
  building a history object in Python for each row would double its cost; their
  history rows are copied from the new rows in one ``INSERT ... SELECT`` per
  batch instead, and on PostgreSQL the updates go in with ``COPY``.

The links between actions and their areas and findings (the many-to-many
tables) are written without history rows: nothing reads those for synthetic
data, and they would double the largest writes.
"""

import datetime
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from actions.models import (
    REFERENCE_PREFIX,
    ActionUpdate,
    Impact,
    ImprovementAction,
    Priority,
    Status,
)
from findings.models import AreaRating, Finding, RatingChoice
from inspections.models import (
    AreaOfConcern,
    Grade,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)

VISITS = 30
AREAS = 40
AREAS_PER_VISIT = 8
OWNER_SHARE = 20  # one owner per this many actions
MEAN_UPDATES = 5
BATCH = 5_000
AUTHORITY = "Synthetic County Council"
DATA_SET_NOTE = "Synthetic data set"

THEMES = [
    "Help and protection at the front door",
    "Management oversight and supervision",
    "Quality of assessments",
    "Child protection planning",
    "Children in care: stability of homes",
    "Care leavers' pathway plans",
    "Workforce stability and caseloads",
    "Use of performance information",
    "Private fostering arrangements",
    "Children missing from home or care",
]
VERBS = ["Audit", "Review", "Recruit", "Train staff on", "Publish guidance on", "Track"]
NOTES = [
    "Work is on track; the next milestone is agreed.",
    "Audit sample completed and findings shared with team managers.",
    "Recruitment campaign launched; two posts filled.",
    "Delayed by staff absence; a new date is agreed with the owner.",
    "Training delivered to all practice supervisors.",
    "Dip sample shows better recording of management decisions.",
]
# In progress is the usual state of an open action.
OPEN_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.BLOCKED]
RATING_LADDER = [
    RatingChoice.DECLINED,
    RatingChoice.NO_CHANGE,
    RatingChoice.SOME_PROGRESS,
    RatingChoice.IMPROVED,
]


@dataclass
class Built:
    actions: int
    owners: int
    updates: int
    visits: int
    areas: int
    findings: int
    ratings: int


def _bulk(model, objects, batch_size=BATCH):
    """Insert ``objects`` with their "created" history rows (see the module docstring)."""
    if not objects:
        return []
    return bulk_create_with_history(objects, model, batch_size=batch_size)


def _copy_rows(model, objects):
    """Insert ``objects`` without reading their primary keys back: with COPY on
    PostgreSQL (many times faster than INSERT for this many rows), else in batches."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row(
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            )


def _write_created_history(model, where, params, user=None):
    """A "created" history row for each row of ``model`` matching ``where``, copied
    in SQL, naming ``user`` as who made it where one is given."""
    history = model.history.model
    tracked = [
        connection.ops.quote_name(f.column)
        for f in history._meta.concrete_fields
        if not f.name.startswith("history_")
    ]
    columns = ", ".join(tracked)
    quote = connection.ops.quote_name
    # Table and column names come from the models, and ``where`` from this
    # module's own callers, never from input.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608  # nosec B608
        f"({columns}, history_date, history_type, history_user_id) "
        f"SELECT {columns}, %s, '+', %s FROM {quote(model._meta.db_table)} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), getattr(user, "pk", None), *params])


def _next_reference_number():
    reference = ImprovementAction.next_reference()
    return int(reference[len(REFERENCE_PREFIX) :])


def build(actions, *, today=None, seed=2024, stdout=None, grow=False):
    """Add ``actions`` synthetic actions and the records around them; returns counts.

    With ``grow``, the new actions answer the areas and findings of the data set
    built last, if there is one, instead of a new inspection's: the actions grow
    and the visits and areas stay as they were, as a page timed at two sizes needs."""
    today = today or timezone.localdate()
    # Synthetic records for benchmarks, the same on every run: not a secret.
    rng = random.Random(seed)  # nosec B311
    run = uuid.uuid4().hex[:8]  # keeps e-mails and titles unique when run again

    def say(message):
        if stdout is not None:
            stdout.write(message)

    with transaction.atomic():
        latest = _latest_data_set() if grow else None
        if latest is not None:
            areas, findings = latest
            added = Built(0, 0, 0, visits=0, areas=0, findings=0, ratings=0)
            say(f"adding to the {len(areas)} areas and {len(findings)} findings built before")
        else:
            _inspection, areas, visits = _build_inspection_areas_visits(today, rng, run)
            findings, ratings = _build_findings_and_ratings(visits, areas, rng)
            added = Built(0, 0, 0, len(visits), len(areas), len(findings), len(ratings))
            say(f"{len(visits)} visits, {len(areas)} areas, {len(findings)} findings")
        owners = _build_owners(max(actions // OWNER_SHARE, 1), run)
        say(f"{len(owners)} owners")
    made_actions = made_updates = 0
    first_number = _next_reference_number()
    # One transaction per batch, so a large run shows progress and holds no
    # giant transaction open; each batch is whole or absent.
    for start in range(0, actions, BATCH):
        size = min(BATCH, actions - start)
        with transaction.atomic():
            batch = _build_actions(size, first_number + start, owners, today, rng)
            _link_actions(batch, areas, findings, rng)
            made_updates += _build_updates(batch, today, rng)
        made_actions += size
        say(f"{made_actions:,} actions, {made_updates:,} updates")
    refresh_statistics()
    say("the tables vacuumed (on PostgreSQL) and the planner's statistics brought up to date")
    return Built(
        actions=made_actions,
        owners=len(owners),
        updates=made_updates,
        visits=added.visits,
        areas=added.areas,
        findings=added.findings,
        ratings=added.ratings,
    )


# The models whose tables ``build`` fills.
FILLED = (
    User,
    Inspection,
    Judgement,
    AreaOfConcern,
    Visit,
    VisitArea,
    Finding,
    AreaRating,
    ImprovementAction,
    ActionUpdate,
)


def filled_tables(models=FILLED):
    """The tables ``build`` writes to (or ``models``'): the models', their
    history's and their links'."""
    tables = set()
    for model in models:
        tables.add(model._meta.db_table)
        if hasattr(model, "history"):
            tables.add(model.history.model._meta.db_table)
        tables.update(
            field.remote_field.through._meta.db_table for field in model._meta.many_to_many
        )
    return sorted(tables)


def refresh_statistics(models=FILLED):
    """ANALYZE the tables just filled (those of ``models``), so the query planner
    knows their size, and on PostgreSQL VACUUM them too, leaving them as
    autovacuum keeps a live database.

    After a bulk load the planner's statistics still describe the tables as they
    were, often empty. PostgreSQL's autovacuum brings them up to date in its own
    time, or never where it is switched off, and meanwhile plans chosen for
    empty tables (a nested loop over half a million updates, say) make the
    pages and exports look many times slower than they are. And until a VACUUM
    has marked the new rows' pages all-visible, an index-only scan (the
    dashboard's counts) must still read the table for every row, so the figures
    timed would be those of a database nobody runs."""
    tables = [connection.ops.quote_name(table) for table in filled_tables(models)]
    # VACUUM cannot run inside a transaction; within one (a test's) the new rows
    # are not committed, so there is nothing for it to mark yet: ANALYZE alone.
    # SQLite has no visibility map to set, and its VACUUM rewrites the whole file.
    vacuum = connection.vendor == "postgresql" and connection.get_autocommit()
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            # Names from the models' own metadata, quoted: nothing from outside.
            cursor.execute(f"{command} {table}")  # nosec B608


def _latest_data_set():
    """The areas and findings of the synthetic data set built last, or None."""
    inspection = (
        Inspection.objects.filter(authority__name=AUTHORITY, notes__startswith=DATA_SET_NOTE)
        .order_by("-pk")
        .first()
    )
    if inspection is None:
        return None
    areas = list(AreaOfConcern.objects.filter(identified_at=inspection).order_by("pk"))
    findings = list(Finding.objects.filter(visit__follows=inspection).order_by("pk"))
    return areas, findings


def _build_inspection_areas_visits(today, rng, run):
    authority, _ = LocalAuthority.objects.get_or_create(name=AUTHORITY)
    first_visit = today - datetime.timedelta(days=91 * VISITS)
    inspection = Inspection(
        authority=authority,
        kind=Inspection.Kind.ILACS_STANDARD,
        start_date=first_visit - datetime.timedelta(days=120),
        end_date=first_visit - datetime.timedelta(days=109),
        published_on=first_visit - datetime.timedelta(days=60),
        notes=f"{DATA_SET_NOTE} {run}",
    )
    inspection.save()
    Judgement(inspection=inspection, area=Judgement.Area.OVERALL, grade=Grade.INADEQUATE).save()
    areas = _bulk(
        AreaOfConcern,
        [
            AreaOfConcern(
                identified_at=inspection,
                title=f"{THEMES[n % len(THEMES)]} ({n // len(THEMES) + 1})",
                description="Identified at the inspection.",
            )
            for n in range(AREAS)
        ],
    )
    visits = []
    for number in range(1, VISITS + 1):
        start = first_visit + datetime.timedelta(days=91 * (number - 1) + rng.randint(0, 20))
        # The latest visit's letter is not out yet, as usually happens.
        published = number < VISITS
        visits.append(
            Visit(
                authority=authority,
                follows=inspection,
                kind=Visit.Kind.MONITORING,
                number=number,
                start_date=start,
                end_date=start + datetime.timedelta(days=1),
                letter_date=start + datetime.timedelta(days=21),
                is_published=published,
                published_on=start + datetime.timedelta(days=35) if published else None,
                inspectors="First Inspector\nSecond Inspector",
            )
        )
    return inspection, areas, _bulk(Visit, visits)


def _build_findings_and_ratings(visits, areas, rng):
    links, findings, ratings = [], [], []
    # Each area's rating walks up and down the ladder from visit to visit.
    level = {area.pk: rng.randrange(len(RATING_LADDER)) for area in areas}
    for visit in visits:
        covered = rng.sample(areas, AREAS_PER_VISIT)
        for position, area in enumerate(covered, start=1):
            links.append(VisitArea(visit=visit, area=area, position=position))
            step = rng.choice((-1, 0, 1, 1))
            level[area.pk] = min(max(level[area.pk] + step, 0), len(RATING_LADDER) - 1)
            ratings.append(AreaRating(visit=visit, area=area, rating=RATING_LADDER[level[area.pk]]))
            for index in range(rng.randint(1, 3)):
                findings.append(
                    Finding(
                        visit=visit,
                        area=area,
                        kind=rng.choice(list(Finding.Kind)),
                        section=Finding.Section.DETAILED,
                        summary=f"{area.title}: observation {index + 1}",
                        evidence="Inspectors found practice was variable.",
                        position=position * 10 + index,
                    )
                )
    _bulk(VisitArea, links)
    return _bulk(Finding, findings), _bulk(AreaRating, ratings)


def _build_owners(count, run):
    # One hash for everyone: hashing a password is deliberately slow.
    password = make_password(None)
    people = [
        User(
            email=f"owner-{run}-{n}@synthetic.example",
            full_name=f"Owner {run} {n:05d}",
            job_title=_job_title(n),
            password=password,
        )
        for n in range(count)
    ]
    return _bulk(User, people)


def _job_title(n):
    return ["Service manager", "Team manager", "Head of service", "Practice lead"][n % 4]


def _build_actions(count, first_number, owners, today, rng):
    actions = []
    for n in range(count):
        start = today - datetime.timedelta(days=rng.randint(30, 720))
        due = start + datetime.timedelta(days=rng.randint(30, 540))
        status, completed_on, impact = _progress(start, due, today, rng)
        actions.append(
            ImprovementAction(
                reference=f"{REFERENCE_PREFIX}{first_number + n:03d}",
                title=f"{rng.choice(VERBS)} {rng.choice(THEMES).lower()}",
                description="Synthetic action for load testing.",
                owner=owners[rng.randrange(len(owners))] if rng.random() > 0.02 else None,
                priority=rng.choice(list(Priority)),
                status=status,
                impact=impact,
                start_date=start,
                due_date=due,
                completed_on=completed_on,
                success_measure="Audits show a sustained improvement.",
            )
        )
    actions = ImprovementAction.objects.bulk_create(actions, batch_size=BATCH)
    pks = [action.pk for action in actions]
    _write_created_history(ImprovementAction, "id BETWEEN %s AND %s", [min(pks), max(pks)])
    return actions


def _progress(start, due, today, rng):
    """A status, completion date and impact that fit the dates."""
    if start < today and rng.random() < 0.35:
        latest = min(today, due + datetime.timedelta(days=30))
        completed_on = start + datetime.timedelta(days=rng.randint(0, (latest - start).days))
        impact = rng.choice([Impact.NOT_EVIDENCED, Impact.EMERGING, Impact.EVIDENCED])
        return Status.COMPLETED, completed_on, impact
    status = rng.choice(OPEN_STATUSES)
    return status, None, Impact.NOT_EVIDENCED


def _link_actions(actions, areas, findings, rng):
    area_links, finding_links = [], []
    AreaLink = ImprovementAction.areas.through
    FindingLink = ImprovementAction.findings.through
    findings_by_area = {}
    for finding in findings:
        findings_by_area.setdefault(finding.area_id, []).append(finding)
    for action in actions:
        chosen = rng.sample(areas, rng.choice((1, 1, 2)))
        for area in chosen:
            area_links.append(AreaLink(improvementaction_id=action.pk, areaofconcern_id=area.pk))
        answered = findings_by_area.get(chosen[0].pk)
        if answered:
            finding_links.append(
                FindingLink(improvementaction_id=action.pk, finding_id=rng.choice(answered).pk)
            )
    _copy_rows(AreaLink, area_links)
    _copy_rows(FindingLink, finding_links)


def _build_updates(actions, today, rng):
    updates = []
    for action in actions:
        author_id = action.owner_id
        if author_id is None:
            continue
        # Between the start and the completion (or today), at some time in the working day.
        span = max((min(today, action.completed_on or today) - action.start_date).days, 0)
        # 0 to 10 updates, 5 on average.
        for _ in range(rng.randint(0, 2 * MEAN_UPDATES)):
            updates.append(
                ActionUpdate(
                    action_id=action.pk,
                    author_id=author_id,
                    created_at=datetime.datetime.combine(
                        action.start_date + datetime.timedelta(days=rng.randint(0, span)),
                        datetime.time(rng.randint(8, 17), rng.randint(0, 59)),
                        tzinfo=datetime.UTC,
                    ),
                    note=rng.choice(NOTES),
                    shareable_with_scrutiny=rng.random() < 0.5,
                )
            )
    newest_before = ActionUpdate.objects.order_by("-pk").values_list("pk", flat=True).first()
    _copy_rows(ActionUpdate, updates)
    first, last = actions[0].pk, actions[-1].pk
    _write_created_history(
        ActionUpdate, "id > %s AND action_id BETWEEN %s AND %s", [newest_before or 0, first, last]
    )
    return len(updates)
