"""Brand-themed email rendering, in the recipient's language and time zone.

Notification emails are subject / text / HTML triplets under ``emails/<kind>/`` (falling back
to ``emails/notification/``) that extend ``emails/base.html`` and ``emails/base.txt``. The
base templates read the theme from ``email_theme`` (colours inline: mail clients ignore CSS
variables and most stylesheets). allauth's emails use the same bases through
``account/email/base_message.*``; ``render_brand_context`` feeds them.
"""

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from hale.notifications.kinds import PATIENT
from hale.tenancy.models import Brand

# The platform's own look (matches the defaults in hale.css).
PLATFORM_THEME = {
    "name": "Hale",
    "primary": "#2f4f6f",
    "accent": "#d98f3c",
    "background": "#f6f7f9",
    "text": "#1b2330",
    "logo_url": "",
}
GENERIC_TEMPLATE_DIR = "emails/notification"


# --- Recipient locale -----------------------------------------------------------------------


def recipient_language(user, brand=None) -> str:
    """The language to write to ``user`` in: their saved language, the brand's default, then
    the site default."""
    supported = dict(settings.LANGUAGES)
    for code in (getattr(user, "language", ""), getattr(brand, "default_language", "")):
        if code and code in supported:
            return code
    return settings.LANGUAGE_CODE


def recipient_time_zone(user, brand=None) -> zoneinfo.ZoneInfo:
    """The zone to show times to ``user`` in: theirs, the brand's default, then UTC."""
    for name in (getattr(user, "time_zone", ""), getattr(brand, "default_time_zone", "")):
        if not name:
            continue
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


@contextmanager
def recipient_locale(user, brand=None) -> Iterator[None]:
    """Render (templates, gettext, times) as ``user`` should read it."""
    with (
        translation.override(recipient_language(user, brand)),
        timezone.override(recipient_time_zone(user, brand)),
    ):
        yield


# --- Absolute links -------------------------------------------------------------------------


def public_port() -> str:
    """The port public links carry: ``settings.PUBLIC_PORT`` if set, else the port of
    ``PLATFORM_URL`` (so the embedded setup on :8000 links to calm.localhost:8000); a
    default port for the scheme is left out."""
    explicit = getattr(settings, "PUBLIC_PORT", None)
    if explicit is not None:
        return str(explicit)
    parsed = urlsplit(settings.PLATFORM_URL)
    if parsed.port in (None, 80, 443):
        return ""
    return str(parsed.port)


def public_base_url(brand=None) -> str:
    """``scheme://host[:port]`` of the brand's primary domain, or PLATFORM_URL for the
    platform (and for a brand without a primary domain)."""
    domain = brand.primary_domain if brand is not None else None
    if not domain:
        return settings.PLATFORM_URL.rstrip("/")
    scheme = "http" if settings.DEBUG else "https"
    port = public_port()
    return f"{scheme}://{domain}{':' + port if port else ''}"


def absolute_url(url: str, brand=None) -> str:
    """Make ``url`` (a path on the portal's host, or already absolute) absolute."""
    if not url:
        return ""
    if urlsplit(url).scheme in ("http", "https"):
        return url
    return urljoin(public_base_url(brand) + "/", url.lstrip("/"))


def portal_url(name: str, brand=None, *args) -> str:
    """An absolute link to a named URL on the brand's host (or the platform host)."""
    urlconf = "hale.urls_brand" if brand is not None else "hale.urls_platform"
    return absolute_url(reverse(name, urlconf=urlconf, args=args), brand)


# --- Theme ----------------------------------------------------------------------------------


def email_theme(brand=None) -> dict[str, str]:
    if brand is None:
        return dict(PLATFORM_THEME)
    logo_url = absolute_url(brand.logo.url, brand) if brand.logo else ""
    return {
        "name": brand.name,
        "primary": brand.colour_primary,
        "accent": brand.colour_accent,
        "background": brand.colour_background,
        "text": brand.colour_text,
        "logo_url": logo_url,
    }


def brand_email_context(brand=None) -> dict[str, Any]:
    """What the email base templates need: the brand, its theme and its public address."""
    return {
        "brand": brand,
        "email_theme": email_theme(brand),
        "site_url": public_base_url(brand),
        "sent_at": timezone.now(),
    }


def render_brand_context(brand=None, *, request=None) -> dict[str, Any]:
    """Context for allauth's emails (see AccountAdapter.send_mail).

    allauth rarely passes the request in the mail context, so when no brand is given we look
    at the request allauth is handling: on a brand host its emails wear that brand's theme
    and link to its domain; on the platform host, Hale's.
    """
    if brand is None:
        if request is None:
            from allauth.core import context as allauth_context

            request = allauth_context.request
        brand = getattr(request, "brand", None)
    return brand_email_context(brand)


def from_address(brand=None) -> str:
    """DEFAULT_FROM_EMAIL, shown under the brand's name for brand emails."""
    if brand is None:
        return settings.DEFAULT_FROM_EMAIL
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((brand.name, address)) if address else settings.DEFAULT_FROM_EMAIL


# --- Notification emails --------------------------------------------------------------------


def _templates(kind: str, name: str) -> list[str]:
    return [f"emails/{kind}/{name}", f"{GENERIC_TEMPLATE_DIR}/{name}"]


def render_notification_email(
    *,
    user,
    kind: str,
    brand,
    portal: str,
    title: str,
    body: str,
    url: str = "",
    context: dict | None = None,
) -> EmailMultiAlternatives:
    """Build the email for one notification, themed by the brand for patient-portal kinds,
    in the recipient's language and time zone, with absolute links."""
    theme_brand = brand if portal == PATIENT else None
    with recipient_locale(user, brand):
        ctx = {
            **(context or {}),
            **brand_email_context(theme_brand),
            "user": user,
            "recipient_name": user.get_short_name(),
            "kind": kind,
            "title": title,
            "body": body,
            "url": absolute_url(url, theme_brand),
            "notifications_url": portal_url("notification_list", theme_brand),
            "preferences_url": portal_url("notification_preferences", theme_brand),
        }
        subject = " ".join(render_to_string(_templates(kind, "subject.txt"), ctx).split())
        ctx["subject"] = subject
        text = render_to_string(_templates(kind, "body.txt"), ctx).strip() + "\n"
        html = render_to_string(_templates(kind, "body.html"), ctx)
    return branded_message(theme_brand, to=user.email, subject=subject, text=text, html=html)


def branded_message(
    brand: Brand | None, *, to: str, subject: str, text: str, html: str
) -> EmailMultiAlternatives:
    """An automatic email from ``brand`` (the platform's sender when None): its From and
    Reply-To, a text and an HTML part, marked auto-generated and tagged for the dev outbox."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_address(brand),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
        reply_to=[brand.support_email] if brand is not None and brand.support_email else [],
    )
    message.attach_alternative(html, "text/html")
    # Read by the dev outbox (never sent anywhere): which brand this email belongs to.
    message.hale_brand_id = brand.pk if brand is not None else None  # type: ignore[attr-defined]
    return message
