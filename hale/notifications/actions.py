"""State changes for notifications: notify, read state, preferences, announcements, email.

Other apps call ``notify`` (or ``notify_many`` for a crowd) with a registered kind::

    from hale.notifications.actions import notify

    notify(user=patient.user, kind="appointment.confirmed", brand=appointment.brand,
           title=_("Your appointment is confirmed"), body=..., url=appointment_path)

Lazy strings (``gettext_lazy``) in ``title``/``body`` are rendered in each recipient's
language. ``context`` (plain JSON values) is passed to the kind's email templates.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.tasks import enqueue_on_commit
from hale.notifications import realtime
from hale.notifications.access import enabled_channels_by_user, unread_counts
from hale.notifications.email import recipient_language, recipient_locale
from hale.notifications.kinds import (
    EMAIL,
    IN_APP,
    PATIENT,
    PLATFORM,
    Kind,
    all_kinds,
    get_kind,
)
from hale.notifications.models import (
    Announcement,
    EmailDelivery,
    Notification,
    NotificationPreference,
)
from hale.notifications.tasks import send_notification_email
from hale.tenancy.access import staff_brands

logger = logging.getLogger(__name__)

TITLE_MAX = 200
# How long one worker may hold an email before another may try it (a crashed send).


class NotificationError(Exception):
    """A request we refuse, with a message the user can read."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Sending --------------------------------------------------------------------------------


def _portal_for(kind: Kind, brand, portal: str | None) -> str:
    if portal is None:
        if len(kind.portals) == 1:
            portal = kind.portals[0]
        else:
            portal = PATIENT if brand is not None else PLATFORM
    if portal not in kind.portals:
        raise ValueError(f"Kind {kind.key} is not shown on the {portal} portal")
    if portal == PATIENT and brand is None:
        raise ValueError(f"Kind {kind.key} is for a brand's patients: pass brand=")
    return portal


def _check_url(url: str) -> str:
    """Links are paths on the portal's host or http(s) addresses, nothing else (they are
    rendered as links: no ``javascript:``, no protocol-relative ``//host``)."""
    if not url:
        return ""
    if (url.startswith("/") and not url.startswith("//")) or url.startswith(
        ("https://", "http://")
    ):
        return url
    raise ValueError(f"Notification url must be a path or an http(s) URL, got {url!r}")


def _in_language(value: Any, language: str) -> str:
    if isinstance(value, Promise):
        with translation.override(language):
            return str(value)
    return str(value)


def notify(
    *,
    user,
    kind: str,
    brand=None,
    title: str | Promise,
    body: str | Promise,
    url: str = "",
    context: dict | None = None,
    portal: str | None = None,
) -> Notification | None:
    """Tell ``user`` something, on the channels they keep on for ``kind``.

    Creates the in-app notification (if in-app is on) and, after commit, pushes it to the
    user's open pages and enqueues the email (if email is on). ``portal`` defaults to the
    kind's only portal, else patient with a brand and platform without. Returns the in-app
    notification, or None when the user has in-app off for this kind.
    """
    created = notify_many(
        users=[user],
        kind=kind,
        brand=brand,
        title=title,
        body=body,
        url=url,
        context=context,
        portal=portal,
    )
    return created.get(user.pk)


@transaction.atomic
def notify_many(
    *,
    users: Iterable,
    kind: str,
    brand=None,
    title: str | Promise,
    body: str | Promise,
    url: str = "",
    context: dict | None = None,
    portal: str | None = None,
) -> dict[int, Notification]:
    """``notify`` for many users with a constant number of queries (announcements)."""
    kind_obj = get_kind(kind)
    portal = _portal_for(kind_obj, brand, portal)
    url = _check_url(url)
    recipients = [u for u in users if u.is_active]
    channels = enabled_channels_by_user([u.pk for u in recipients], kind_obj)
    now = timezone.now()
    texts: dict[str, tuple[str, str]] = {}
    notifications: list[Notification] = []
    deliveries: list[EmailDelivery] = []
    for user in recipients:
        language = recipient_language(user, brand)
        if language not in texts:
            texts[language] = (
                _in_language(title, language)[:TITLE_MAX],
                _in_language(body, language),
            )
        user_title, user_body = texts[language]
        if IN_APP in channels[user.pk]:
            notifications.append(
                Notification(
                    user=user,
                    brand=brand,
                    portal=portal,
                    kind=kind,
                    title=user_title,
                    body=user_body,
                    url=url,
                    created_at=now,
                )
            )
        if EMAIL in channels[user.pk] and user.email:
            deliveries.append(
                EmailDelivery(
                    user=user,
                    brand=brand,
                    portal=portal,
                    kind=kind,
                    title=user_title,
                    body=user_body,
                    url=url,
                    context=context or {},
                    created_at=now,
                )
            )
    Notification.objects.bulk_create(notifications, batch_size=500)
    EmailDelivery.objects.bulk_create(deliveries, batch_size=500)

    if notifications:
        brand_id = brand.pk if brand is not None else None
        pushed = [(n.user_id, str(n.uuid), n.title, n.url) for n in notifications]
        transaction.on_commit(
            lambda: _push_created(pushed, brand=brand, brand_id=brand_id, portal=portal)
        )
    if deliveries:
        for delivery in deliveries:
            enqueue_on_commit(send_notification_email, str(delivery.uuid))
    return {n.user_id: n for n in notifications}


def _push_created(pushed, *, brand, brand_id, portal) -> None:
    try:
        counts = unread_counts([user_id for user_id, *_rest in pushed], brand=brand, portal=portal)
    except Exception:
        logger.warning("Could not count unread notifications to push", exc_info=True)
        return
    for user_id, uuid, title, url in pushed:
        realtime.push(
            user_id,
            realtime.event(
                realtime.CREATED,
                portal=portal,
                brand_id=brand_id,
                unread=counts[user_id],
                uuid=uuid,
                title=title,
                url=url,
            ),
        )


def _push_count(user, *, brand, portal) -> None:
    def push():
        count = unread_counts([user.pk], brand=brand, portal=portal)[user.pk]
        realtime.push(
            user.pk,
            realtime.event(
                realtime.COUNT,
                portal=portal,
                brand_id=brand.pk if brand else None,
                unread=count,
            ),
        )

    transaction.on_commit(push)


# --- Read state -----------------------------------------------------------------------------


@transaction.atomic
def mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of ``user``'s notifications read (again is harmless)."""
    if notification.user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now
        )
        notification.read_at = now
        if updated:
            _push_count(user, brand=notification.brand, portal=notification.portal)
    return notification


@transaction.atomic
def mark_all_read(*, user, brand, portal: str) -> int:
    """Mark every unread notification of ``user`` in this portal (and brand) read."""
    from hale.notifications.access import notifications_for

    updated = (
        notifications_for(user, brand=brand, portal=portal)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if updated:
        _push_count(user, brand=brand, portal=portal)
    return updated


# --- Preferences ----------------------------------------------------------------------------


@transaction.atomic
def set_preferences(*, user, portal: str, enabled: Iterable[tuple[str, str]]) -> None:
    """Save the preferences page of ``portal``: every (kind, channel) the user may switch on
    or off there is on exactly when it is in ``enabled``. Other portals' kinds are left alone;
    kinds the user may not switch off are not stored."""
    chosen = set(enabled)
    rows = [
        NotificationPreference(
            user=user, kind=kind.key, channel=channel, enabled=(kind.key, channel) in chosen
        )
        for kind in all_kinds(portal)
        if kind.user_can_disable
        for channel in (IN_APP, EMAIL)
        if kind.offers(channel)
    ]
    if rows:
        NotificationPreference.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "kind", "channel"],
            update_fields=["enabled", "updated_at"],
        )


@transaction.atomic
def set_preference(*, user, kind: str, channel: str, enabled: bool) -> None:
    """Switch one kind on or off on one channel (e.g. from an email's unsubscribe link)."""
    kind_obj = get_kind(kind)
    if not kind_obj.offers(channel):
        raise ValueError(f"Kind {kind} has no {channel} channel")
    if not kind_obj.user_can_disable:
        raise NotificationError(_("These notifications cannot be switched off."))
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
    )


# --- Announcements and welcome --------------------------------------------------------------


@transaction.atomic
def send_announcement(*, acting_user, brand, title: str, body: str) -> Announcement:
    """Staff of ``brand`` tell every patient of the brand who has an account something.

    Each patient gets it as a ``brand.announcement`` notification according to their own
    preferences. Recorded in the audit trail.
    """
    if not staff_brands(acting_user).filter(pk=brand.pk).exists():
        raise PermissionDenied
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise NotificationError(_("An announcement needs a title and a message."))
    if len(title) > TITLE_MAX:
        raise NotificationError(_("The title is too long."))
    recipients = list(
        get_user_model()
        .objects.filter(patients__brand=brand, patients__portal_enabled=True, is_active=True)
        .distinct()
    )
    announcement = Announcement.objects.create(
        brand=brand, author=acting_user, title=title, body=body, recipient_count=len(recipients)
    )
    notify_many(
        users=recipients,
        kind="brand.announcement",
        brand=brand,
        title=title,
        body=body,
        context={"announcement": str(announcement.uuid)},
    )
    audit.record(
        acting_user,
        "notifications.announcement_sent",
        announcement,
        brand=brand,
        recipients=len(recipients),
    )
    return announcement


def send_welcome(*, user, brand=None) -> Notification | None:
    """Welcome a user who just signed up, on the brand's portal or on the platform."""
    with recipient_locale(user, brand):
        site = brand.name if brand is not None else "Hale"
        title = gettext("Welcome to %(site)s") % {"site": site}
        body = gettext("Your account is ready. You can sign in at any time with %(email)s.") % {
            "email": user.email
        }
    home = reverse("home", urlconf="hale.urls_brand" if brand is not None else "hale.urls_platform")
    return notify(
        user=user,
        kind="account.welcome",
        brand=brand,
        title=title,
        body=body,
        url=home,
        portal=PATIENT if brand is not None else PLATFORM,
        context={"site_name": site},
    )
