from django.core.management.base import BaseCommand

from config.words import count_of
from findings.tasks import remove_abandoned_drafts


class Command(BaseCommand):
    help = (
        "Delete uploaded documents left waiting for review by imports whose session "
        "has ended (the beat does this at 03:00; run it from cron without Redis)."
    )

    def handle(self, *args, **options):
        removed = remove_abandoned_drafts()
        for name in removed:
            self.stdout.write(f"removed {name}")
        self.stdout.write(f"{count_of(len(removed), 'abandoned import file')} removed")
