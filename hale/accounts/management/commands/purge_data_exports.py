"""Clean up data exports: run from cron (e.g. hourly). Expiry never depends on it."""

from django.core.management.base import BaseCommand

from hale.accounts.data_rights import purge_expired_exports


class Command(BaseCommand):
    help = (
        "Delete the files of expired data exports, mark builds that never finished as failed "
        "and forget old export rows."
    )

    def handle(self, *args, **options):
        result = purge_expired_exports()
        self.stdout.write(
            "{expired} expired, {failed} failed, {forgotten} forgotten".format(**result)
        )
