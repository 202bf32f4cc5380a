from django.core.management.base import BaseCommand

from hale.matching.actions import refresh_match_profiles


class Command(BaseCommand):
    help = "Recompute smart-matching profiles (next free slot, hours, load). Run from cron."

    def handle(self, *args, **options):
        count = refresh_match_profiles()
        self.stdout.write(f"refreshed {count} match profiles")
