"""Background work for notifications."""

from hale.core.tasks import retrying_task
from hale.notifications.delivery import deliver_email


@retrying_task(queue_name="email")
def send_notification_email(delivery_uuid: str) -> str:
    """Send one notification email; safe to run more than once (see delivery.deliver_email)."""
    return deliver_email(delivery_uuid=delivery_uuid)
