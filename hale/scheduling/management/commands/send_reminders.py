"""Send the session reminders that are due (safe to run from cron at any interval; each
reminder is sent once whoever runs first)."""

from django.core.management.base import BaseCommand

from hale.scheduling.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the 24-hour and 1-hour session reminders that are due."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_due_reminders()} reminder(s) sent")
