"""The offline "pay at the clinic / invoice" provider (no Stripe keys): bookings are
confirmed with the payment due, staff record it as received, refunds follow the policy."""

import datetime as dt

import pytest
from django.utils import timezone

from hale.payments import actions, policy, reports
from hale.payments.models import LedgerEntry, Payment, Refund
from hale.payments.tests.conftest import ledger_sum
from hale.scheduling import actions as scheduling
from hale.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.STRIPE_SECRET_KEY = ""


def test_a_paid_booking_is_confirmed_with_the_payment_due_at_the_clinic(
    patient_a, open_specialist, session_type, book, rules_a
):
    appointment = book(patient_a, open_specialist, session_type)
    assert appointment.status == Appointment.Status.CONFIRMED
    payment = Payment.objects.get(appointment=appointment)
    assert (payment.status, payment.provider) == ("due", "offline")
    assert (payment.amount_minor, payment.currency, payment.fee_minor) == (6000, "EUR", 900)
    assert not LedgerEntry.objects.exists()  # nothing moved yet


def test_staff_record_a_due_payment_once_and_the_ledger_balances(
    patient_a,
    open_specialist,
    session_type,
    book,
    rules_a,
    staff_a,
    brand_a,
    django_capture_on_commit_callbacks,
):
    appointment = book(patient_a, open_specialist, session_type)
    payment = appointment.payment
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_received(payment=payment, acting_user=staff_a, brand=brand_a)
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.recorded_by == staff_a
    kinds = dict(LedgerEntry.objects.values_list("kind", "amount_minor"))
    assert kinds == {"payment": 6000, "fee": 900, "payable": 5100}
    with pytest.raises(actions.PaymentError):
        actions.record_received(payment=payment, acting_user=staff_a, brand=brand_a)
    assert LedgerEntry.objects.count() == 3


def test_another_brands_staff_cannot_record_it(
    patient_a, open_specialist, session_type, book, staff_b, brand_b
):
    payment = book(patient_a, open_specialist, session_type).payment
    with pytest.raises(actions.PermissionDenied):
        actions.record_received(payment=payment, acting_user=staff_b, brand=brand_b)


@pytest.mark.parametrize(
    ("hours_before", "expected"),
    [
        (48, 6000),  # exactly the full-refund notice: everything
        (47.99, 3000),  # just inside it: half
        (24, 3000),  # exactly the partial notice: half
        (23.99, 0),  # later: nothing
    ],
)
def test_refund_terms_at_the_policy_boundaries(rules_a, hours_before, expected):
    start = timezone.now() + dt.timedelta(days=5)
    now = start - dt.timedelta(hours=hours_before)
    terms = policy.refund_terms(rules_a, paid_minor=6000, start=start, now=now, by_patient=True)
    assert terms.amount_minor == expected
    by_specialist = policy.refund_terms(
        rules_a, paid_minor=6000, start=start, now=now, by_patient=False
    )
    assert by_specialist.amount_minor == 6000


def test_partial_refunds_round_down_and_commission_rounds_half_up(rules_a):
    rules_a.partial_refund_percent = 33
    start = timezone.now() + dt.timedelta(days=5)
    terms = policy.refund_terms(
        rules_a, paid_minor=999, start=start, now=start - dt.timedelta(hours=30), by_patient=True
    )
    assert terms.amount_minor == 329  # 329.67 → 329
    assert policy.commission(rules_a, 10) == 2  # 1.5 → 2
    assert policy.commission(rules_a, 3) == 0  # 0.45 → 0


def _paid(appointment, staff, brand, capture):
    with capture(execute=True):
        actions.record_received(payment=appointment.payment, acting_user=staff, brand=brand)
    return Payment.objects.get(pk=appointment.payment.pk)


def test_cancelling_early_refunds_in_full_and_tells_the_amount_first(
    patient_a,
    open_specialist,
    session_type,
    book,
    rules_a,
    staff_a,
    brand_a,
    django_capture_on_commit_callbacks,
):
    appointment = book(patient_a, open_specialist, session_type, days_ahead=5)
    payment = _paid(appointment, staff_a, brand_a, django_capture_on_commit_callbacks)
    terms = actions.cancellation_terms(appointment, patient_a.user)
    assert "refunded in full: 60.00 EUR" in terms
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.cancel_appointment(
            appointment=appointment, acting_user=patient_a.user, reason="Away"
        )
    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refunded_minor == 6000
    refund = Refund.objects.get()
    assert refund.status == "succeeded"
    # Money, fee and the specialist's share all come back to zero.
    assert ledger_sum(kind="payment") + ledger_sum(kind="refund") == 0
    assert ledger_sum(kind="fee") == 0 and ledger_sum(kind="payable") == 0
    assert patient_a.user.notifications.filter(kind="payments.refunded").exists()


def test_a_late_cancellation_refunds_nothing(
    patient_a,
    open_specialist,
    session_type,
    book,
    rules_a,
    staff_a,
    brand_a,
    free_slots,
    django_capture_on_commit_callbacks,
):
    slot = next(
        s
        for s in free_slots(open_specialist, session_type, days_ahead=0, days=2)
        if s.start - timezone.now() < dt.timedelta(hours=23)
    )
    appointment = book(patient_a, open_specialist, session_type, slot)
    _paid(appointment, staff_a, brand_a, django_capture_on_commit_callbacks)
    assert "not refunded" in actions.cancellation_terms(appointment, patient_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.cancel_appointment(
            appointment=appointment, acting_user=patient_a.user, reason="x"
        )
    assert not Refund.objects.exists()
    assert ledger_sum(kind="payment") == 6000


def test_staff_refund_by_hand_up_to_what_is_left(
    patient_a,
    open_specialist,
    session_type,
    book,
    rules_a,
    staff_a,
    brand_a,
    django_capture_on_commit_callbacks,
):
    payment = _paid(
        book(patient_a, open_specialist, session_type),
        staff_a,
        brand_a,
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.refund_by_hand(
            payment=payment,
            amount_minor=2500,
            reason="Goodwill",
            acting_user=staff_a,
            brand=brand_a,
        )
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 2500)
    assert ledger_sum(kind="fee") == 900 - 375  # the fee comes back in proportion
    with pytest.raises(actions.PaymentError):
        actions.refund_by_hand(
            payment=payment,
            amount_minor=3501,
            reason="Too much",
            acting_user=staff_a,
            brand=brand_a,
        )
    with pytest.raises(actions.PaymentError):
        actions.refund_by_hand(
            payment=payment, amount_minor=100, reason="  ", acting_user=staff_a, brand=brand_a
        )
    assert Refund.objects.count() == 1


def test_report_totals_equal_the_ledger(
    patient_a,
    open_specialist,
    session_type,
    book,
    rules_a,
    staff_a,
    brand_a,
    free_slots,
    django_capture_on_commit_callbacks,
):
    slots = free_slots(open_specialist, session_type, days_ahead=5, days=3)
    for slot in slots[:3:2]:
        _paid(
            book(patient_a, open_specialist, session_type, slot),
            staff_a,
            brand_a,
            django_capture_on_commit_callbacks,
        )
    payment = Payment.objects.filter(status="paid").first()
    with django_capture_on_commit_callbacks(execute=True):
        actions.refund_by_hand(
            payment=payment, amount_minor=1000, reason="Part", acting_user=staff_a, brand=brand_a
        )
    entries = reports.in_month(LedgerEntry.objects.filter(brand=brand_a), timezone.localdate())
    (t,) = reports.totals(entries)
    assert t.paid == ledger_sum(kind="payment") == 12000
    assert t.refunded == ledger_sum(kind="refund") == -1000
    assert t.fees == ledger_sum(kind="fee")
    assert t.net == 12000 - 1000 - ledger_sum(kind="fee")
    rows = reports.report_rows(entries)
    assert sum(r[7] for r in rows if r[2] in ("payment", "refund")) == t.paid + t.refunded
    glance = reports.glance(LedgerEntry.objects.filter(specialist=open_specialist))
    assert glance.this_month[0].net == t.net
    assert glance.series["EUR"][-1] == t.net


def test_the_ledger_is_append_only(
    patient_a,
    open_specialist,
    session_type,
    book,
    staff_a,
    brand_a,
    django_capture_on_commit_callbacks,
):
    _paid(
        book(patient_a, open_specialist, session_type),
        staff_a,
        brand_a,
        django_capture_on_commit_callbacks,
    )
    entry = LedgerEntry.objects.first()
    entry.amount_minor = 1
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.update(amount_minor=0)


def test_the_data_export_lists_payments_and_deletion_keeps_them(
    patient_a,
    open_specialist,
    session_type,
    book,
    staff_a,
    brand_a,
    django_capture_on_commit_callbacks,
):
    from hale.core.data_rights import exporters
    from hale.payments.data_rights import erase_payments, export_payments
    from hale.payments.models import SavedCard

    payment = _paid(
        book(patient_a, open_specialist, session_type),
        staff_a,
        brand_a,
        django_capture_on_commit_callbacks,
    )
    SavedCard.objects.create(patient=patient_a, payment_method_id="pm_x", last4="4242")
    assert "payments" in {e.name for e in exporters()}
    section = export_payments(patient_a.user)
    (row,) = section.data["payments"]
    assert (row["receipt"], row["amount_minor"], row["status"]) == (payment.number, 6000, "paid")
    assert section.data["saved_cards"][0]["last4"] == "4242"
    erase_payments(patient_a.user, acting_user=patient_a.user)
    assert not SavedCard.objects.exists()
    assert Payment.objects.filter(pk=payment.pk).exists()  # accounting records stay
