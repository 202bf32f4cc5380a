"""Payments personas: the scheduling ones (a specialist open every day, a 60 EUR session
type, ``book``), a brand with payment rules, and helpers to read the ledger."""

import pytest

from hale.payments.models import LedgerEntry, PaymentSettings
from hale.scheduling.tests.conftest import (  # noqa: F401  (fixtures)
    _personas_listed,
    book,
    free_slots,
    open_specialist,
    propose,
    session_type,
)


@pytest.fixture
def rules_a(brand_a):
    return PaymentSettings.objects.create(
        brand=brand_a,
        commission_percent=15,
        full_refund_hours=48,
        partial_refund_hours=24,
        partial_refund_percent=50,
    )


def ledger_sum(**filters) -> int:
    return sum(LedgerEntry.objects.filter(**filters).values_list("amount_minor", flat=True))


@pytest.fixture
def patient_a2(brand_a):
    from conftest import make_user
    from hale.accounts.models import Patient

    user = make_user("patient.a2@example.com", full_name="Ada Second")
    return Patient.objects.create(
        brand=brand_a, user=user, email=user.email, full_name=user.full_name
    )
