"""Measures' monthly figures from a CSV or XLSX file, for a scheduled job.

Without --commit it says what saving the file would change and saves nothing;
with --commit it saves every figure or, if anything in the file is wrong, none,
each change recorded in history as made by the person --as names.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.access import may
from accounts.identity import normalise_email
from accounts.models import User
from measures.figures_cells import month_label
from measures.figures_file import FileRefused, check_size
from measures.figures_import import plan_from_file
from measures.figures_plan import CHANGED, NEW, change_words
from measures.figures_save import save_plan
from measures.models import Measure


class Command(BaseCommand):
    help = "Read measures' monthly figures from a CSV or XLSX file; save them with --commit."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .csv or .xlsx file, in the long or the wide shape")
        parser.add_argument(
            "--commit", action="store_true", help="save the figures (all of them or none)"
        )
        parser.add_argument(
            "--as",
            dest="email",
            metavar="EMAIL",
            help="the person entering the figures, whom history names; needed with --commit",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if options["commit"] and not options["email"]:
            raise CommandError(
                "--commit needs --as EMAIL: the person whose figures these are, for history"
            )
        user = person(options["email"]) if options["email"] else None
        data = read_file(path)
        try:
            if options["commit"]:
                with transaction.atomic():
                    plan = save_plan(
                        plan_from_file(data, user, lock=True), user, reason=f"From {path.name}"
                    )
            else:
                plan = plan_from_file(data, user)
        except FileRefused as refused:
            lines = [f"{path}: nothing was saved, because:"]
            lines += [f"  {message}" for message in refused.shown]
            if refused.not_shown:
                lines.append(f"  ... {refused.not_shown}")
            raise CommandError("\n".join(lines)) from None
        self.report(plan, saved=options["commit"])

    def report(self, plan, saved):
        counts = plan.counts
        verb = "Saved" if saved else "Would save"
        self.stdout.write(
            f"{verb} {counts[NEW]} new, {counts[CHANGED]} changed; "
            f"{counts['unchanged']} unchanged ({plan.shape} shape)."
        )
        for line in plan.changed + plan.new:
            kind = "changed" if line.kind == CHANGED else "new"
            self.stdout.write(
                f"  {kind}: {line.measure.title}, {month_label(line.period)}: {change_words(line)}"
            )
        if not saved and (counts[NEW] or counts[CHANGED]):
            self.stdout.write("Nothing was saved: run again with --commit --as EMAIL to save.")


def person(email):
    user = User.objects.filter(email=normalise_email(email), is_active=True).first()
    if user is None:
        raise CommandError(f"Nobody active has the e-mail address {email}")
    if not may(user, "enter_figures", Measure):
        raise CommandError(f"{user} may not enter measures' figures")
    return user


def read_file(path):
    try:
        check_size(path.stat().st_size)
        return path.read_bytes()
    except FileRefused as refused:
        raise CommandError(f"{path}: {refused.messages[0]}") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from None
