"""Where apps above payments take part in payments that are not for a session (an order).

Each hook runs inside the payments action's transaction (see ``hale.core.hooks``)."""

from hale.core.hooks import Hook

payment_paid = Hook(
    "payment_paid",
    """``first(payment=)`` inside ``record_paid`` / ``record_received`` for a payment without
    an appointment, the payment locked and marked paid: False when what it paid for can no
    longer be had (an order cancelled meanwhile), so the money goes straight back.""",
)

payment_refunded = Hook(
    "payment_refunded",
    """``call(payment=, refund=)`` inside ``record_refunded`` once a refund is recorded.""",
)

payment_notice = Hook(
    "payment_notice",
    """``first(payment=)``: True when the owner of a payment without an appointment tells
    the patient itself (an order's confirmation), so payments sends no notice of its own.""",
)
