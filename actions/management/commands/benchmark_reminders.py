"""How the reminder sweep scales: build 10,000 and then 100,000 actions over
5,000 owners on PostgreSQL, and a measure for every tenth owner, half of them
without the month's figure that is due, run the whole sweep (write the ledger, then send
every digest) at each size, and print its wall time and number of queries.

    DATABASE_URL=postgres://... python manage.py benchmark_reminders

Not a test: timings depend on the machine. What must hold anywhere is that the
query count does not grow with the number of actions (the sweep works out who
is due in a fixed number of set-based queries, then spends a fixed few per
digest), so the command fails when it does.

Everything is built in a PostgreSQL schema of its own, migrated from scratch
and dropped at the end, so the database's own data is never read or touched.
"""

import datetime as dt
import os
import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from actions import reminders
from actions.models import ActionUpdate, ImprovementAction, ReminderDigest
from actions.working_days import figures_month
from measures.models import Measure, MeasureValue
from measures.trends import months_before

DAY = dt.date(2024, 3, 5)  # a Tuesday; the data is laid out around it
DUE_OFFSETS = (-30, -16, -3, 0, 2, 6, 10, 40, 120, 200)


class QueryCounter:
    """Counts the queries run through Django's connection, cheaply."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Time the reminder sweep over 10,000 and 100,000 actions on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--owners", type=int, default=5_000)
        parser.add_argument(
            "--sizes",
            default="10000,100000",
            help="Numbers of actions to time the sweep at, ascending, comma-separated.",
        )
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, owners, sizes, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
        sizes = sorted(int(size) for size in sizes.split(","))
        if owners > sizes[0]:
            raise CommandError("Give every owner at least one action: --owners <= the first size")
        schema = f"reminders_benchmark_{os.getpid()}"
        original_options = dict(connection.settings_dict.get("OPTIONS", {}))
        self._create_schema(schema)
        try:
            self._use_schema(schema, original_options)
            # Seeded so every run builds the same synthetic data: not a secret.
            results = self._run(owners, sizes, random.Random(seed))  # nosec B311
        finally:
            self._drop_schema(schema, original_options)
        first, last = results[0], results[-1]
        self.stdout.write(
            f"query count at {first[0]:,} actions: {first[1]:,}; at {last[0]:,}: {last[1]:,}"
        )
        if last[1] > first[1]:
            raise CommandError("The sweep's query count grew with the number of actions.")

    # The throwaway schema ------------------------------------------------------------

    def _create_schema(self, schema):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')

    def _use_schema(self, schema, original_options):
        # Every connection from here on, including one Django reopens, sees
        # only the new schema.
        connection.close()
        connection.settings_dict["OPTIONS"] = {
            **original_options,
            "options": f"-c search_path={schema}",
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            if cursor.fetchone()[0] != schema:
                raise CommandError(f"Could not switch to the schema {schema}")
        self.stdout.write(f"migrating a fresh schema {schema} ...")
        call_command("migrate", verbosity=0, interactive=False)

    def _drop_schema(self, schema, original_options):
        connection.close()
        connection.settings_dict["OPTIONS"] = original_options
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self.stdout.write(f"dropped the schema {schema}")

    # The data and the sweep --------------------------------------------------------------

    def _run(self, owner_count, sizes, rng):
        people = self._build_owners(owner_count)
        self._build_measures(people)
        results = []
        built = 0
        for size in sizes:
            started = time.perf_counter()
            self._build_actions(people, built, size, rng)
            built = size
            self.stdout.write(
                f"built {size:,} actions over {owner_count:,} owners "
                f"in {time.perf_counter() - started:.1f}s"
            )
            results.append((size, *self._time_sweep(size)))
        return results

    def _build_owners(self, count):
        """Teams of ten: a manager with no line manager (whose long-overdue
        actions go to the improvement team's mailbox) and nine reports."""
        password = make_password(None)
        # bulk_create skips save() and so skips the history rows every real
        # write has: right only for throwaway benchmark data in its own schema.
        managers = User.objects.bulk_create(
            [
                User(email=f"manager{n}@bench.example", full_name=f"Manager {n}", password=password)
                for n in range(0, count, 10)
            ]
        )
        reports = User.objects.bulk_create(
            [
                User(
                    email=f"owner{n}@bench.example",
                    full_name=f"Owner {n}",
                    password=password,
                    line_manager=managers[n // 10],
                )
                for n in range(count)
                if n % 10
            ],
            batch_size=2_000,
        )
        return [*managers, *reports]

    def _build_measures(self, people, months=24):
        """A measure for every tenth person, with two years of figures up to the
        month the sweep's day asks for, which every other one lacks."""
        asked = figures_month(DAY)
        # Throwaway data in its own schema: no history rows (see above).
        measures = Measure.objects.bulk_create(
            [
                Measure(title=f"Benchmark measure {n}", owner=person)
                for n, person in enumerate(people[::10])
            ]
        )
        values = [
            MeasureValue(measure=measure, period=months_before(asked, ago), value=50)
            for n, measure in enumerate(measures)
            for ago in range(0 if n % 2 else 1, months)
        ]
        MeasureValue.objects.bulk_create(values, batch_size=5_000)
        self.stdout.write(
            f"built {len(measures):,} measures with {len(values):,} monthly figures, "
            f"{len(measures) - len(measures) // 2:,} of them without the month asked for"
        )

    def _build_actions(self, people, start, stop, rng):
        now = timezone.now()
        actions = []
        for n in range(start, stop):
            # Each owner's first action is overdue, so each gets a digest at
            # every size and the digest count stays the same as actions grow.
            due = -20 if n < len(people) else rng.choice(DUE_OFFSETS)
            actions.append(
                ImprovementAction(
                    reference=f"B-{n:06d}",
                    title=f"Benchmark action {n}",
                    owner=people[n % len(people)],
                    due_date=DAY + dt.timedelta(days=due),
                )
            )
        # Throwaway data in its own schema: no history rows (see above).
        actions = ImprovementAction.objects.bulk_create(actions, batch_size=5_000)
        updates = [
            ActionUpdate(
                action=action,
                author_id=action.owner_id,
                note="Progress.",
                created_at=now - dt.timedelta(days=rng.randrange(0, 90)),
            )
            for action in actions
            if rng.random() < 0.4
        ]
        ActionUpdate.objects.bulk_create(updates, batch_size=5_000)
        # A live database's statistics are kept up to date by autovacuum; a
        # freshly loaded one needs telling, or the planner guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _time_sweep(self, size):
        ReminderDigest.objects.all().delete()
        counter = QueryCounter()
        # The mail server is not what is being measured.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            connection.execute_wrapper(counter),
        ):
            started = time.perf_counter()
            plans = reminders.plan_digests(DAY)
            plan_time = time.perf_counter() - started
            plan_queries = counter.count
            result = reminders.run_sweep(DAY)
            elapsed = time.perf_counter() - started
        sweep_queries = counter.count - plan_queries
        per_digest = sweep_queries / result.sent if result.sent else 0
        self.stdout.write(
            f"{size:,} actions: working out {len(plans):,} digests took {plan_time:.2f}s "
            f"and {plan_queries} queries; the whole sweep sent {result.sent:,} digests in "
            f"{elapsed - plan_time:.1f}s with {sweep_queries:,} queries "
            f"({per_digest:.2f} a digest)"
        )
        return (sweep_queries, elapsed - plan_time)
