"""State changes for sign-in links ("magic links").

Rules kept here (views only parse and render):

- Asking for a link does the same thing whatever the email: it queues one task. Whether an
  account exists is looked at only by the task, so neither the response nor its timing
  tells the asker anything.
- Tokens are ``secrets.token_urlsafe(32)`` (256 bits), minted by the email task as it sends
  the email; the database keeps only their SHA-256, and the raw token is never stored, not
  even in the task queue's arguments.
- A link is for one brand, works once and expires 15 minutes after it was sent (worked out
  from ``expires_at``, so no worker has to run). Opening it reads; only :func:`use_magic_link`
  (the confirming POST) spends it, and it spends the user's other open links on that brand.
"""

import uuid

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import User
from hale.authn.models import MagicLink
from hale.authn.tasks import send_magic_link_email
from hale.core import audit
from hale.core.tasks import enqueue_on_commit
from hale.core.tokens import hash_token, plausible_token
from hale.tenancy.models import Brand


class MagicLinkError(Exception):
    """A sign-in link that cannot be used, with a message for the person holding it and a
    stable ``code`` ("invalid", "used" or "expired")."""

    MESSAGES = {
        "invalid": _(
            "This sign-in link is not valid. Check that you copied the whole link, or ask for "
            "a new one."
        ),
        "used": _("This sign-in link has already been used. Ask for a new one to sign in."),
        "expired": _("This sign-in link has expired. Ask for a new one to sign in."),
    }

    def __init__(self, code: str):
        self.code = code
        self.message = str(self.MESSAGES[code])
        super().__init__(self.message)


def request_magic_link(*, brand: Brand, email: str, next_url: str = "", base_url: str = "") -> None:
    """Email a sign-in link for ``brand`` to ``email`` if an active account has it (and a
    note that there is no account otherwise). Reveals nothing: the work happens in a task.

    ``base_url`` (``scheme://host[:port]`` of the brand domain the request came to) is where
    the link points, like allauth's own emails; empty means the brand's primary domain."""
    enqueue_on_commit(
        send_magic_link_email,
        brand_id=brand.pk,
        email=email.strip(),
        next_url=next_url,
        base_url=base_url,
        request_id=str(uuid.uuid4()),
    )


@transaction.atomic
def use_magic_link(*, brand: Brand, token: str) -> MagicLink:
    """Spend the link ``token`` belongs to on ``brand`` and return it (its ``user`` is the
    person to sign in). Raises MagicLinkError, changing nothing, when the link is unknown,
    altered, another brand's, used, expired or its account is inactive.

    The row is locked, so of two simultaneous confirmations exactly one wins. Using a link
    proves the person reads that mailbox, so the address counts as verified."""
    if not plausible_token(token):
        raise MagicLinkError("invalid")
    link = (
        MagicLink.objects.select_for_update()
        .filter(token_hash=hash_token(token), brand=brand)
        .first()
    )
    if link is None:
        raise MagicLinkError("invalid")
    user = User.objects.get(pk=link.user_id)
    if not user.is_active:
        raise MagicLinkError("invalid")
    if link.used_at is not None:
        raise MagicLinkError("used")
    now = timezone.now()
    if link.is_expired(now):
        raise MagicLinkError("expired")
    link.used_at = now
    link.save(update_fields=["used_at"])
    # Older links in the inbox stop working once the person has signed in.
    MagicLink.objects.filter(user=user, brand=brand, used_at__isnull=True).update(used_at=now)
    EmailAddress.objects.filter(user=user, email__iexact=link.email, verified=False).update(
        verified=True
    )
    audit.record(user, "authn.magic_link_used", link, brand=brand)
    link.user = user
    return link
