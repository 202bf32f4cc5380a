"""Minting and sending sign-in links: the email task's work (see ``hale.authn.actions`` for
the rules). The raw token exists only here, between minting and the email."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hale.accounts.models import User
from hale.authn.models import MagicLink
from hale.core import audit
from hale.core.tokens import hash_token, new_token
from hale.tenancy.models import Brand

MAGIC_LINK_TTL = timedelta(minutes=15)


def find_account(email: str) -> User | None:
    """The active account signed in with ``email`` (case-insensitive), or None."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def mint_magic_link(
    *, brand: Brand, user: User, email: str, next_url: str, request_id: str
) -> tuple[MagicLink, str] | None:
    """Create (or, on a retried task, reuse) the link for one request and give it a fresh
    token; None when that request's link was already emailed."""
    with transaction.atomic():
        link, created = MagicLink.objects.select_for_update().get_or_create(
            uuid=request_id,
            defaults={"brand": brand, "user": user, "email": email, "next_url": next_url},
        )
        if link.email_sent_at is not None or link.used_at is not None:
            return None
        token = new_token()
        link.token_hash = hash_token(token)
        link.expires_at = timezone.now() + MAGIC_LINK_TTL
        link.save(update_fields=["token_hash", "expires_at"])
        if created:
            # Asked for by someone not signed in: no actor.
            audit.record(None, "authn.magic_link_sent", link, brand=brand, user_id=user.pk)
    return link, token


def mark_magic_link_sent(link: MagicLink) -> None:
    MagicLink.objects.filter(pk=link.pk).update(email_sent_at=timezone.now())
