"""``manage.py load_demo``: load the demo council's story, safely, as often as you like.

What is loaded lives in ``actions.demo``; this command only passes the options in and
prints what happened. Running it again adds nothing and changes nothing, and leaves
existing passwords alone unless ``--reset-passwords`` is given.
"""

import os

from django.core.management.base import BaseCommand

from actions import demo
from config.words import count_of


class Command(BaseCommand):
    help = (
        "Load demo data (inspections, visits, areas of concern, findings, actions, measures "
        "and sign-ins) from the seed documents. Safe to run more than once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts that already exist a new password, and print it.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        report = demo.load(
            password=os.environ.get("DEMO_PASSWORD") or None,
            reset_passwords=reset_passwords,
        )
        for notice in report.notices:
            self.stdout.write(self.style.WARNING(notice))
        self.print_sign_ins(report.sign_ins)
        self.print_counts(report)

    def print_sign_ins(self, sign_ins):
        if not any(sign_in.password for sign_in in sign_ins):
            self.stdout.write(
                "The demo users already exist; their passwords are unchanged "
                "(use --reset-passwords to set new ones)."
            )
            return
        self.stdout.write("Demo sign-ins:")
        rows = [("E-mail", "Name", "Role", "Password")] + [
            (s.email, s.full_name, s.role, s.password or "(exists; unchanged)") for s in sign_ins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))

    def print_counts(self, report):
        for _singular, plural, created, present in report.counts:
            self.stdout.write(f"  {plural}: {created} created, {present} already present")
        loaded = ", ".join(
            count_of(created, singular, plural) for singular, plural, created, _ in report.counts
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo data: {loaded} ({report.total_present} already present)."
            )
        )
