"""Scoped reads: a user's notifications on one portal, preferences, announcements, outbox."""

import uuid as uuid_lib

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404

from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind
from hale.notifications.models import (
    Announcement,
    Notification,
    NotificationPreference,
    OutboxEmail,
)


def scope_for_request(request) -> tuple[object | None, str]:
    """(brand, portal) of the notification centre on this host: the brand's patient portal
    on a brand host, the platform on the platform host."""
    if getattr(request, "portal", None) == PATIENT and request.brand is not None:
        return request.brand, PATIENT
    return None, PLATFORM


def notifications_for(user, *, brand, portal: str) -> QuerySet[Notification]:
    """``user``'s notifications shown on ``portal`` (of ``brand`` for the patient portal).

    Platform notifications may name a brand they are about; they show on the platform host
    whatever it is.
    """
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user, portal=portal)
    if portal == PATIENT:
        if brand is None:
            return Notification.objects.none()
        qs = qs.filter(brand=brand)
    return qs


def notification_list(user, *, brand, portal: str) -> QuerySet[Notification]:
    """The centre's list: unread first, then newest first."""
    return (
        notifications_for(user, brand=brand, portal=portal)
        .annotate(
            read_rank=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("read_rank", "-created_at", "-id")
    )


def unread_count(user, *, brand, portal: str) -> int:
    return notifications_for(user, brand=brand, portal=portal).filter(read_at__isnull=True).count()


def unread_counts(user_ids: list[int], *, brand, portal: str) -> dict[int, int]:
    """Unread counts in one scope for many users at once (one query)."""
    qs = Notification.objects.filter(user_id__in=user_ids, portal=portal, read_at__isnull=True)
    if portal == PATIENT:
        qs = qs.filter(brand=brand)
    rows = qs.order_by().values("user_id").annotate(n=Count("id")).values_list("user_id", "n")
    counts = dict(rows)
    return {user_id: counts.get(user_id, 0) for user_id in user_ids}


def access_notification(user, notification_uuid, *, brand, portal: str) -> Notification:
    """One of ``user``'s notifications in this scope; anything else is a 404."""
    if not isinstance(notification_uuid, uuid_lib.UUID):
        try:
            notification_uuid = uuid_lib.UUID(str(notification_uuid))
        except ValueError:
            raise Http404 from None
    notification = (
        notifications_for(user, brand=brand, portal=portal).filter(uuid=notification_uuid).first()
    )
    if notification is None:
        raise Http404
    return notification


def preference_map(user, kinds: list[Kind]) -> dict[tuple[str, str], bool]:
    """Whether each (kind, channel) the kinds offer is on for ``user``, defaults included.

    One query, whatever the number of kinds.
    """
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(
            user=user, kind__in=[k.key for k in kinds]
        ).values_list("kind", "channel", "enabled")
    }
    result = {}
    for kind in kinds:
        for channel in (IN_APP, EMAIL):
            if not kind.offers(channel):
                continue
            if kind.user_can_disable:
                result[(kind.key, channel)] = stored.get(
                    (kind.key, channel), kind.default_for(channel)
                )
            else:
                result[(kind.key, channel)] = kind.default_for(channel)
    return result


def enabled_channels_by_user(user_ids: list[int], kind: Kind) -> dict[int, set[str]]:
    """For each user id, the channels ``kind`` reaches them on. One query."""
    defaults = {c for c in kind.channels if kind.default_for(c)}
    result = {user_id: set(defaults) for user_id in user_ids}
    if not kind.user_can_disable or not user_ids:
        return result
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind.key).values_list(
        "user_id", "channel", "enabled"
    )
    for user_id, channel, enabled in rows:
        if not kind.offers(channel):
            continue
        if enabled:
            result[user_id].add(channel)
        else:
            result[user_id].discard(channel)
    return result


def announcements_for_brand(brand) -> QuerySet[Announcement]:
    """A brand's past announcements, newest first (callers already checked staff access)."""
    return Announcement.objects.filter(brand=brand).select_related("author")


def outbox_emails() -> QuerySet[OutboxEmail]:
    return OutboxEmail.objects.select_related("brand").order_by("-created_at", "-id")


def access_outbox_email(email_uuid) -> OutboxEmail:
    email = outbox_emails().filter(uuid=email_uuid).first()
    if email is None:
        raise Http404
    return email


def unread_count_for_request(request) -> int:
    """The signed-in viewer's unread count on this host, computed once per request."""
    cached = getattr(request, "_hale_unread_count", None)
    if cached is None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        brand, portal = scope_for_request(request)
        cached = unread_count(user, brand=brand, portal=portal)
        request._hale_unread_count = cached
    return cached


def forget_unread_count(request) -> None:
    """Call after changing read state in a request that renders the bell afterwards."""
    request.__dict__.pop("_hale_unread_count", None)
