"""Release bookings whose payment hold passed unpaid (safe to run from cron at any interval;
the per-payment tasks do it on time when the worker runs; idempotent)."""

from django.core.management.base import BaseCommand

from hale.payments.tasks import release_lapsed_holds


class Command(BaseCommand):
    help = "Release bookings held for payment whose hold has passed unpaid."

    def handle(self, *args, **options):
        released = release_lapsed_holds.call()
        self.stdout.write(f"{released} hold(s) released")
