"""What the notifications app holds about a person, for data export and account deletion
(see ``hale.core.data_rights``)."""

from django.utils.translation import gettext_lazy as _

from hale.core.data_rights import register_eraser, register_exporter
from hale.notifications.models import EmailDelivery, Notification, NotificationPreference


@register_exporter(
    "notifications",
    label=_("Notifications"),
    description=_("Notifications shown to you, emails we sent you, and your notification choices."),
)
def export_notifications(user) -> dict:
    notifications = Notification.objects.filter(user=user).select_related("brand")
    emails = EmailDelivery.objects.filter(user=user).select_related("brand")
    return {
        "notifications": [
            {
                "uuid": n.uuid,
                "service": n.brand.name if n.brand else "",
                "portal": n.portal,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "link": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in notifications.order_by("created_at", "pk")
        ],
        "emails": [
            {
                "uuid": e.uuid,
                "service": e.brand.name if e.brand else "",
                "kind": e.kind,
                "title": e.title,
                "status": e.status,
                "created_at": e.created_at,
                "sent_at": e.sent_at,
            }
            for e in emails.order_by("created_at", "pk")
        ],
        "preferences": [
            {"kind": p.kind, "channel": p.channel, "enabled": p.enabled, "updated_at": p.updated_at}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind", "channel")
        ],
    }


@register_eraser("notifications")
def erase_notifications(user, *, acting_user) -> None:
    """Notifications, queued and sent email records and preferences go entirely (nothing
    here is a record we must keep). Announcements the person wrote as staff are the brand's
    and stay."""
    Notification.objects.filter(user=user).delete()
    EmailDelivery.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
