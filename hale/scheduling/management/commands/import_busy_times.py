"""Fetch the external calendars that are due (safe to run from cron at any interval)."""

from django.core.management.base import BaseCommand

from hale.scheduling.tasks import refresh_due_busy_sources


class Command(BaseCommand):
    help = "Import busy times from specialists' external calendars (ICS) that are due."

    def handle(self, *args, **options):
        counts = refresh_due_busy_sources()
        self.stdout.write(
            f"{counts['ok']} imported, {counts['failed']} failed, {counts['skipped']} skipped"
        )
