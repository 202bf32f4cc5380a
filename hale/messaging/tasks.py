"""Messaging's background work: the unread-message email sweep and the auto-close tidy-up."""

from django.tasks.backends.immediate import ImmediateBackend

from hale.core.tasks import retrying_task


def can_defer() -> bool:
    return not isinstance(send_unread_emails.get_backend(), ImmediateBackend)


@retrying_task()
def send_unread_emails() -> int:
    from hale.messaging import delivery

    return delivery.send_unread_emails()


@retrying_task()
def close_expired_conversations() -> int:
    from hale.messaging import actions

    return actions.close_expired_conversations()
