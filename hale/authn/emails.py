"""The sign-in link emails, themed for the brand, in the recipient's language and zone."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from hale.authn.methods import local_signup_open
from hale.authn.models import MagicLink
from hale.notifications.email import (
    brand_email_context,
    branded_message,
    portal_url,
    recipient_locale,
)
from hale.tenancy.models import Brand


def _message(*, brand: Brand, to: str, folder: str, ctx: dict) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"emails/{folder}/subject.txt", ctx).split())
    ctx["subject"] = subject
    text = render_to_string(f"emails/{folder}/body.txt", ctx).strip() + "\n"
    html = render_to_string(f"emails/{folder}/body.html", ctx)
    return branded_message(brand, to=to, subject=subject, text=text, html=html)


def _url(name: str, brand: Brand, base_url: str, *args) -> str:
    """An absolute link on the host the request came to, or on the brand's primary domain."""
    if not base_url:
        return portal_url(name, brand, *args)
    return base_url.rstrip("/") + reverse(name, urlconf="hale.urls_brand", args=args)


def render_magic_link_email(
    link: MagicLink, token: str, *, base_url: str = ""
) -> EmailMultiAlternatives:
    """The email carrying the sign-in link (the only place the raw token ever exists)."""
    brand, user = link.brand, link.user
    with recipient_locale(user, brand):
        ctx = {
            **brand_email_context(brand),
            "recipient_name": user.get_short_name() if user.full_name else "",
            "link_url": _url("authn_magic_link", brand, base_url, token),
            "expires_at": link.expires_at,
            "time_zone": timezone.get_current_timezone_name(),
        }
        return _message(brand=brand, to=link.email, folder="magic_link", ctx=ctx)


def render_no_account_email(
    brand: Brand, email: str, *, base_url: str = ""
) -> EmailMultiAlternatives:
    """Sent instead of a link when no account has ``email``: tells the owner of the mailbox
    (and only them) that there is no account, and where to create one."""
    with recipient_locale(None, brand):
        ctx = {
            **brand_email_context(brand),
            "recipient_name": "",
            "email": email,
            "signup_url": _url("account_signup", brand, base_url)
            if local_signup_open(brand)
            else "",
        }
        return _message(brand=brand, to=email, folder="magic_link_no_account", ctx=ctx)
