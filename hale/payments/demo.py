"""Demo payments (the embedded default has no Stripe keys, so the offline "pay at the
clinic / invoice" provider runs): Calm Minds takes payment through the platform with a 15%
commission; Northside pays specialists directly through Stripe Connect once they connect
(until then, through the platform). The past sessions were paid when they took place (so the
specialists' revenue charts have history), one was partly refunded as a goodwill gesture,
and the upcoming bookings are due at the clinic. Idempotent: a session with a payment is
left alone."""

import datetime as dt

from django.db import transaction

from hale.payments import actions
from hale.payments.models import Payment, PaymentSettings
from hale.scheduling.models import Appointment
from hale.tenancy.models import BrandMembership

RULES = {
    "calm": {"flow": PaymentSettings.Flow.PLATFORM, "commission_percent": 15},
    "northside": {
        "flow": PaymentSettings.Flow.CONNECT,
        "commission_percent": 10,
        "pay_before_joining": False,
        "full_refund_hours": 24,
        "partial_refund_hours": 12,
    },
}


@transaction.atomic
def seed_demo_payments(brands) -> None:
    for slug, values in RULES.items():
        brand = brands.get(slug)
        if brand is not None:
            PaymentSettings.objects.update_or_create(brand=brand, defaults=values)
    past = (
        Appointment.objects.filter(status=Appointment.Status.COMPLETED, payment__isnull=True)
        .select_related("brand", "specialist", "patient")
        .order_by("start")
    )
    refunded_one = Payment.objects.filter(refunds__isnull=False).exists()
    for appointment in past:
        payment = actions.start_session_payment(appointment, hold=False)
        if payment is None or payment.status not in (Payment.Status.DUE, Payment.Status.PENDING):
            continue
        paid_at = appointment.start - dt.timedelta(days=2)
        Payment.objects.filter(pk=payment.pk).update(provider=Payment.Provider.OFFLINE)
        payment.refresh_from_db()
        actions.record_paid(
            payment=payment,
            intent_id=f"offline-{payment.uuid}",
            amount=None,
            paid_at=paid_at,
        )
        if not refunded_one and appointment.brand.slug == "calm":
            staff = BrandMembership.objects.filter(brand=appointment.brand).first()
            payment.refresh_from_db()
            actions.create_refund(
                payment=payment,
                amount_minor=payment.amount_minor // 5,
                reason="Goodwill: the session started late.",
                acting_user=staff.user if staff else None,
            )
            refunded_one = True
