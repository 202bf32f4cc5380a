"""Record expired proposals and availability requests and send their notices (safe to run
from cron at any interval)."""

from django.core.management.base import BaseCommand

from hale.scheduling.expiry import expire_availability_requests, expire_proposals


class Command(BaseCommand):
    help = "Mark proposals and availability requests past their expiry as expired; notify."

    def handle(self, *args, **options):
        count = expire_proposals()
        requests = expire_availability_requests()
        self.stdout.write(f"{count} proposal(s) expired, {requests} request(s) expired")
