"""The dev outbox: an email backend for the embedded setup (no mail server).

Every message is stored as an OutboxEmail, listed at /dev/outbox/ in debug mode, and a
one-line summary is printed to the console so a newcomer sees where it went.
"""

import sys
import threading

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import NoReverseMatch, reverse

from hale.notifications.models import OutboxEmail


def _bodies(message) -> tuple[str, str]:
    text = html = ""
    if getattr(message, "content_subtype", "plain") == "html":
        html = str(message.body)
    else:
        text = str(message.body)
    for alternative in getattr(message, "alternatives", []) or []:
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html" and not html:
            html = content.decode() if isinstance(content, bytes) else str(content)
    return text, html


def _brand_id(message) -> int | None:
    """The brand an email belongs to: set by Hale's renderer, else the brand of the request
    allauth is handling (sign-in codes, password resets)."""
    brand_id = getattr(message, "hale_brand_id", None)
    if brand_id is not None:
        return brand_id
    from allauth.core import context as allauth_context

    brand = getattr(allauth_context.request, "brand", None)
    return brand.pk if brand is not None else None


class OutboxEmailBackend(BaseEmailBackend):
    """Stores every message in the database and prints a one-line summary."""

    def __init__(self, *, stream=None, fail_silently=False, **kwargs):
        super().__init__(**kwargs)
        self.fail_silently = fail_silently
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            text, html = _bodies(message)
            stored = OutboxEmail.objects.create(
                brand_id=_brand_id(message),
                from_email=str(message.from_email or ""),
                to=", ".join(recipients),
                subject=str(message.subject)[:998],
                text=text,
                html=html,
            )
            self._announce(stored)
            sent += 1
        return sent

    def _announce(self, stored: OutboxEmail) -> None:
        try:
            path = reverse("dev_outbox_email", urlconf="hale.urls_platform", args=[stored.uuid])
        except NoReverseMatch:  # the outbox pages are off (DEV_OUTBOX=0)
            link = ""
        else:
            link = f" → {settings.PLATFORM_URL.rstrip('/')}{path}"
        line = f"[outbox] to {stored.to}: {stored.subject}{link}\n"
        with self._lock:
            try:
                self.stream.write(line)
                self.stream.flush()
            except Exception:
                if not self.fail_silently:
                    raise
