"""Email delivery of notifications (run by ``tasks.send_notification_email``)."""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from hale.notifications.access import enabled_channels_by_user
from hale.notifications.email import render_notification_email
from hale.notifications.kinds import EMAIL, UnknownKind, get_kind
from hale.notifications.models import EmailDelivery

# How long one worker holds a delivery while it sends it.
EMAIL_CLAIM = timedelta(minutes=5)


def deliver_email(*, delivery_uuid: str) -> str:
    """Send one owed email at most once; returns "sent" or "skipped".

    Not one transaction on purpose: the row is claimed with a conditional UPDATE, the email
    is sent with no transaction or lock held (SMTP can be slow), then marked sent. A failed
    send releases the claim and raises so the task is retried.
    """
    now = timezone.now()
    claimed = (
        EmailDelivery.objects.filter(uuid=delivery_uuid, status=EmailDelivery.Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + EMAIL_CLAIM, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    delivery = EmailDelivery.objects.select_related("user", "brand").get(uuid=delivery_uuid)
    user = delivery.user
    # Re-check: the user may have left or switched this email off since it was queued.
    try:
        kind = get_kind(delivery.kind)
        wanted = EMAIL in enabled_channels_by_user([user.pk], kind)[user.pk]
    except UnknownKind:
        wanted = False
    if not (wanted and user.is_active and user.email):
        _finish(delivery, status=EmailDelivery.Status.SKIPPED)
        return "skipped"
    try:
        message = render_notification_email(
            user=user,
            kind=delivery.kind,
            brand=delivery.brand,
            portal=delivery.portal,
            title=delivery.title,
            body=delivery.body,
            url=delivery.url,
            context=delivery.context,
        )
        message.send()
    except Exception as exc:
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            claimed_until=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    _finish(delivery, status=EmailDelivery.Status.SENT, sent_at=timezone.now())
    return "sent"


def _finish(delivery: EmailDelivery, **fields) -> None:
    EmailDelivery.objects.filter(pk=delivery.pk).update(claimed_until=None, last_error="", **fields)
