"""Payments' background work. Each takes an id, re-reads the row and is idempotent: a hold
is released once, a refund is made once (Stripe idempotency key = the refund's uuid), a
notice is sent once per payment state."""

import logging

from hale.core.tasks import can_defer, retrying_task

logger = logging.getLogger(__name__)


@retrying_task()
def release_lapsed_hold(*, payment_id: int) -> bool:
    from hale.payments import actions

    return actions.release_lapsed_hold(payment_id)


def release_at_hold_end(payment) -> None:
    """Release the booking when its hold ends unpaid (where the backend can run a task
    later; the ``release_lapsed_holds`` sweep catches the rest)."""
    if can_defer(release_lapsed_hold):
        release_lapsed_hold.using(run_after=payment.hold_expires_at).enqueue(payment_id=payment.pk)


@retrying_task()
def release_lapsed_holds() -> int:
    """Every hold past its time (the sweep behind the per-payment tasks, e.g. after the
    worker was down)."""
    from django.utils import timezone

    from hale.payments import actions
    from hale.payments.models import Payment

    ids = Payment.objects.filter(
        status=Payment.Status.PENDING, hold_expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:500]
    return sum(1 for pk in list(ids) if actions.release_lapsed_hold(pk))


@retrying_task()
def expire_checkout(*, payment_id: int) -> None:
    """Close Stripe's payment page of a payment that no longer waits for it (a late payment
    on it would be refunded anyway)."""
    from hale.payments import stripe_api
    from hale.payments.models import Payment

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or not payment.checkout_session_id or payment.is_paid:
        return
    session = stripe_api.retrieve_checkout(payment.checkout_session_id, payment.stripe_account)
    if session.status == "open":
        stripe_api.expire_checkout(payment.checkout_session_id, payment.stripe_account)


@retrying_task()
def send_refund(*, refund_id: int, intent_id: str = "") -> bool:
    from hale.payments import actions

    return actions.send_refund(refund_id, intent_id)


@retrying_task()
def notify_paid(*, payment_id: int, confirmed: bool = True) -> None:
    from hale.payments import notices

    notices.paid(payment_id, confirmed=confirmed)


@retrying_task()
def notify_refunded(*, refund_id: int) -> None:
    from hale.payments import notices

    notices.refunded(refund_id)


@retrying_task()
def notify_released(*, payment_id: int) -> None:
    from hale.payments import notices

    notices.released(payment_id)
