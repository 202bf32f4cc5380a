"""Stripe's webhooks: verified, kept once by event id, applied by reading the object from
Stripe again (so events may arrive twice, late or out of order and the outcome is the same:
a payment that Stripe says succeeded is paid; nothing else changes a paid one)."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from hale.payments import actions
from hale.payments.models import WebhookEvent

logger = logging.getLogger(__name__)


def _get(obj, key, default=None):
    try:
        return obj[key]
    except (KeyError, TypeError):
        return getattr(obj, key, default)


def receive(event) -> bool:
    """Apply a verified event once. False when it was applied before (a replay)."""
    event_id = _get(event, "id")
    account = _get(event, "account") or ""
    try:
        with transaction.atomic():
            record, _created = WebhookEvent.objects.get_or_create(
                event_id=event_id, defaults={"type": _get(event, "type"), "account": account}
            )
    except IntegrityError:  # the same event delivered twice at once
        record = WebhookEvent.objects.get(event_id=event_id)
    if record.processed_at is not None:
        return False
    apply(event)
    WebhookEvent.objects.filter(pk=record.pk, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
    return True


def apply(event) -> None:
    kind = _get(event, "type")
    obj = _get(_get(event, "data"), "object")
    account = _get(event, "account") or ""
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if _get(obj, "mode") == "setup":
            actions.save_card_from_checkout(_get(obj, "id"))
        else:
            actions.settle_checkout(_get(obj, "id"), account)
    elif kind == "checkout.session.expired":
        # The page closed: if the hold has passed too, let the time go now.
        payment = actions.payment_of_session(_get(obj, "id"))
        if payment is not None:
            actions.release_lapsed_hold(payment.pk)
    elif kind == "payment_intent.succeeded":
        actions.settle_intent(_get(obj, "id"), account)
    elif kind == "account.updated":
        actions.refresh_account(_get(obj, "id"))
    else:
        logger.debug("Stripe event %s ignored", kind)
