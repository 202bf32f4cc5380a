"""What payments holds about a person, for data export and account deletion (see
``hale.core.data_rights``).

Export (a patient, every brand): each payment with its receipt number, amount, status and
refunds, and the cards they saved (brand, last four digits, expiry, who may charge them).

Deletion: saved cards are removed and the person's Stripe customer is deleted at Stripe after
commit (which detaches every card, so nobody can charge them again); every authorisation
ends with them. Payments, refunds and the ledger are the
accounting records the clinic must keep: they stay, attached to the anonymised patient record.
"""

import logging

import stripe
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.data_rights import ExportSection, export_time, register_eraser, register_exporter
from hale.payments import stripe_api
from hale.payments.models import Customer, Payment, SavedCard

logger = logging.getLogger(__name__)

SECTION = "payments"


@register_exporter(
    SECTION,
    label=_("Payments"),
    description=_("What you paid, what was refunded, and the cards you saved."),
)
def export_payments(user) -> ExportSection:
    payments = (
        Payment.objects.filter(patient__user=user)
        .select_related("brand")
        .prefetch_related("refunds")
        .order_by("created_at", "pk")
    )
    rows = [
        {
            "receipt": p.number,
            "service": p.brand.name,
            "description": p.description,
            "amount_minor": p.amount_minor,
            "currency": p.currency,
            "status": p.status,
            "provider": p.provider,
            "paid": export_time(p.paid_at),
            "refunds": [
                {
                    "amount_minor": r.amount_minor,
                    "reason": r.reason,
                    "status": r.status,
                    "when": export_time(r.completed_at or r.created_at),
                }
                for r in p.refunds.all()
            ],
        }
        for p in payments
    ]
    cards = [
        {
            "card": c.card_brand,
            "last4": c.last4,
            "expires": f"{c.exp_month}/{c.exp_year}" if c.exp_month else "",
            "may_charge": [s.display_name for s in c.authorized_specialists.all()],
        }
        for c in SavedCard.objects.filter(patient__user=user).prefetch_related(
            "authorized_specialists"
        )
    ]
    return ExportSection(data={"payments": rows, "saved_cards": cards})


@register_eraser(SECTION, order=62)
def erase_payments(user, *, acting_user) -> None:
    cards = SavedCard.objects.filter(patient__user=user)
    customers = Customer.objects.filter(patient__user=user)
    at_stripe = list(customers.values_list("customer_id", flat=True))
    removed, _by_model = cards.delete()
    customers.delete()

    def forget_at_stripe() -> None:
        for customer_id in at_stripe:
            try:  # deleting the customer detaches every card saved on it
                stripe_api.delete_customer(customer_id)
            except stripe.StripeError:  # forgotten here either way; logged for the operator
                logger.warning("Could not delete a Stripe customer", exc_info=True)

    if at_stripe and stripe_api.enabled():
        transaction.on_commit(forget_at_stripe)
    audit.record(
        acting_user,
        "payments.erased",
        None,
        object_type="accounts.user",
        object_id=str(user.pk),
        cards=removed,
        stripe_customers=len(at_stripe),
    )
