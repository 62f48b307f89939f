"""Send the day's reminder digests in this process, without Celery: the embedded
default's way and cron's. The same sweep as the ``send_reminders`` task, and as
safe to run twice or alongside it: each digest goes once.

    python manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions import reminders
from config.dates import long_date
from config.words import count_of


def _date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must look like 2024-03-05, not {value!r}") from error


class Command(BaseCommand):
    help = "Send today's reminder digests (or another day's with --date)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=str,
            help="The day to send digests for, YYYY-MM-DD; today (London time) if left out.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the digests that would be sent; send and record nothing.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        # Without --date, today: before 07:00 too, when someone runs it by hand.
        day = _date(date) if date else timezone.localdate()
        if not reminders.is_working_day(day):
            self.stderr.write(f"{day:%A} {long_date(day)} is not a working day: no reminders.")
        result = reminders.run_sweep(day, dry_run=dry_run)
        if dry_run:
            for plan in result.would_send:
                self.stdout.write(
                    f"would send to {plan.address}: {len(plan.overdue)} overdue, "
                    f"{len(plan.due_soon)} due soon, {len(plan.stale)} stale, "
                    f"{len(plan.escalated)} escalated, "
                    f"{count_of(len(plan.missing_figures), 'measure')} without a figure"
                )
            self.stdout.write(
                f"dry run: {len(result.would_send)} digests would be sent; nothing was sent"
            )
        if result.failed:
            self.stderr.write(
                f"{result.failed} digests were refused by the mail server and will be tried again"
            )
        self.stdout.write(result.summary)
