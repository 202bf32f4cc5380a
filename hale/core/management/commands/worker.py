"""The production task worker: processes every queue of the configured django.tasks backend."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the background task worker for every queue (Ctrl-C or SIGTERM to stop)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait between polls when idle."
        )
        parser.add_argument(
            "--batch", action="store_true", help="Process what is queued now, then exit."
        )

    def handle(self, *args, interval: float, batch: bool, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_db.DatabaseBackend":
            raise CommandError(f"The worker runs the database backend; TASKS uses {backend}.")
        extra = ["--batch"] if batch else []
        call_command(
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            str(interval),
            "--no-reload",
            *extra,
            verbosity=options["verbosity"],
        )
