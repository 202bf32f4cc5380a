"""Background work for notifications."""

from hale.core.tasks import retrying_task


@retrying_task(queue_name="email")
def send_notification_email(delivery_uuid: str) -> str:
    """Send one notification email; safe to run more than once (see actions.deliver_email)."""
    from hale.notifications.actions import deliver_email

    return deliver_email(delivery_uuid=delivery_uuid)
