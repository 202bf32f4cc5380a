"""Scoped reads of payments. Who is looking comes from ``hale.documents.access`` (the patient
themself, an approved specialist, a brand's staff); anything else answers 404 (``Denied``,
audited by the middleware), exactly like what does not exist.

- A patient sees their own payments and refunds on the brand they are signed in to.
- A specialist sees the payments of their sessions on every brand that lists them.
- Staff see every payment of their brand.
"""

import uuid

from django.db.models import QuerySet

from hale.accounts.models import Patient
from hale.core.access import Denied
from hale.documents.access import own_patient, own_specialist, staff_brand
from hale.payments.models import LedgerEntry, Payment, PaymentSettings, SavedCard
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand

__all__ = ["own_patient", "own_specialist", "staff_brand"]


def brand_settings(brand: Brand) -> PaymentSettings:
    """The brand's money rules (an unsaved row with the defaults when it has none)."""
    found = PaymentSettings.objects.filter(brand=brand).first()
    return found or PaymentSettings(brand=brand)


def _payments() -> QuerySet[Payment]:
    return Payment.objects.select_related("brand", "patient", "specialist", "appointment")


def patient_payments(patient: Patient) -> QuerySet[Payment]:
    return (
        _payments().filter(patient=patient, brand_id=patient.brand_id).prefetch_related("refunds")
    )


def access_patient_payment(patient: Patient, payment_id: uuid.UUID) -> Payment:
    payment = patient_payments(patient).filter(uuid=payment_id).first()
    if payment is None:
        raise Denied(Payment, payment_id)
    return payment


def specialist_payments(specialist: Specialist) -> QuerySet[Payment]:
    return _payments().filter(specialist=specialist)


def access_specialist_payment(specialist: Specialist, payment_id: uuid.UUID) -> Payment:
    payment = specialist_payments(specialist).filter(uuid=payment_id).first()
    if payment is None:
        raise Denied(Payment, payment_id)
    return payment


def brand_payments(brand: Brand) -> QuerySet[Payment]:
    return _payments().filter(brand=brand).prefetch_related("refunds")


def access_brand_payment(brand: Brand, payment_id: uuid.UUID) -> Payment:
    payment = brand_payments(brand).filter(uuid=payment_id).first()
    if payment is None:
        raise Denied(Payment, payment_id)
    return payment


def patient_ledger(patient: Patient) -> QuerySet[LedgerEntry]:
    """What the patient paid and got back (fees and payables are not theirs to see)."""
    return LedgerEntry.objects.select_related("payment").filter(
        patient=patient,
        brand_id=patient.brand_id,
        kind__in=(LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND),
    )


def specialist_ledger(specialist: Specialist) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.select_related("payment", "brand").filter(specialist=specialist)


def brand_ledger(brand: Brand) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.select_related("payment", "specialist").filter(brand=brand)


def patient_cards(patient: Patient) -> QuerySet[SavedCard]:
    return SavedCard.objects.filter(patient=patient).prefetch_related("authorized_specialists")


def access_patient_card(patient: Patient, card_id: uuid.UUID) -> SavedCard:
    card = patient_cards(patient).filter(uuid=card_id).first()
    if card is None:
        raise Denied(SavedCard, card_id)
    return card


def patient_specialists(patient: Patient) -> QuerySet[Specialist]:
    """The specialists the patient is (or was) in care with on their brand."""
    return (
        Specialist.objects.filter(
            care_relationships__patient=patient, care_relationships__brand_id=patient.brand_id
        )
        .distinct()
        .order_by("display_name", "pk")
    )


def card_authorizing(payment: Payment) -> SavedCard | None:
    """A card of the payment's patient that authorises its specialist to charge it."""
    if payment.specialist_id is None:
        return None
    return (
        SavedCard.objects.filter(
            patient_id=payment.patient_id, authorized_specialists=payment.specialist_id
        )
        .order_by("-created_at")
        .first()
    )
