"""Add a large synthetic data set to the configured database, for benchmarks.

    python manage.py seed_bulk --actions 100000

Adds N actions over N/20 owners (about five updates each), 30 visits, 40 areas of
concern with their ratings and findings, and "created" history rows for all of
them (see ``progress.bulk``). It only adds: running it twice doubles the data.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from progress import bulk


class Command(BaseCommand):
    help = "Add N synthetic improvement actions and the records around them."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, required=True, help="How many actions to add.")
        parser.add_argument("--seed", type=int, default=2024, help="Random seed, for repeat runs.")

    def handle(self, *args, actions, seed, **options):
        if actions < 1:
            raise CommandError("--actions must be 1 or more")
        started = time.perf_counter()
        built = bulk.build(actions, seed=seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {built.actions:,} actions, {built.owners:,} owners, "
                f"{built.updates:,} updates, {built.visits} visits, {built.areas} areas, "
                f"{built.findings} findings and {built.ratings} ratings "
                f"in {time.perf_counter() - started:.1f}s."
            )
        )
