"""Send owed unread-message emails and record auto-closed conversations (safe to run from
cron at any interval; both are idempotent)."""

from django.core.management.base import BaseCommand

from hale.messaging.actions import close_expired_conversations
from hale.messaging.delivery import send_unread_emails


class Command(BaseCommand):
    help = "Email people about messages waiting unread; record reply-only conversations closed."

    def handle(self, *args, **options):
        emailed = send_unread_emails()
        closed = close_expired_conversations()
        self.stdout.write(f"{emailed} unread email(s), {closed} conversation(s) closed")
