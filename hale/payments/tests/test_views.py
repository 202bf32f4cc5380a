"""Payments pages of the three portals with the offline provider: what each person sees,
the downloads, bad input refused with a message, and other people's payments answering 404."""

import pytest
from django.utils import timezone

from hale.core.models import AuditEvent
from hale.core.pdf import pdf_text
from hale.payments import actions
from hale.payments.models import LedgerEntry, Payment, PaymentSettings

pytestmark = pytest.mark.django_db

CALM = "calm.localhost"


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def paid(
    patient_a,
    open_specialist,
    session_type,
    book,
    staff_a,
    brand_a,
    django_capture_on_commit_callbacks,
):
    appointment = book(patient_a, open_specialist, session_type, days_ahead=5)
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_received(payment=appointment.payment, acting_user=staff_a, brand=brand_a)
    return Payment.objects.get(appointment=appointment)


def test_patient_sees_history_receipt_and_pdf(client_for, patient_a, paid):
    c = client_for(patient_a.user, CALM)
    page = c.get("/payments/").content.decode()
    assert paid.number in page and "60.00 EUR" in page
    assert paid.number in c.get(f"/payments/{paid.uuid}/").content.decode()
    pdf = c.get(f"/payments/{paid.uuid}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert paid.number in text and "60.00 EUR" in text
    detail = c.get(f"/appointments/{paid.appointment.uuid}/").content.decode()
    assert "Receipt " + paid.number in detail


def test_another_patient_or_brand_gets_404_and_it_is_audited(client_for, paid, patient_b, staff_b):
    other = client_for(patient_b.user, "northside.localhost")
    for path in (
        f"/payments/{paid.uuid}/",
        f"/payments/{paid.uuid}/receipt.pdf",
        f"/payments/{paid.uuid}/pay/",
    ):
        assert other.get(path).status_code == 404
    staff = client_for(staff_b)
    assert staff.get(f"/staff/brands/calm/payments/{paid.uuid}/").status_code == 404
    assert staff.get("/staff/brands/calm/payments/").status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_staff_record_a_due_payment_and_refund_by_hand(
    client_for,
    staff_a,
    patient_a,
    open_specialist,
    session_type,
    book,
    django_capture_on_commit_callbacks,
):
    payment = book(patient_a, open_specialist, session_type).payment
    c = client_for(staff_a)
    assert payment.number in c.get("/staff/brands/calm/payments/?status=due").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/staff/brands/calm/payments/{payment.uuid}/received/")
    payment.refresh_from_db()
    assert payment.status == "paid"
    url = f"/staff/brands/calm/payments/{payment.uuid}/"
    bad = c.post(url, {"amount": "70.00", "reason": "Too much"})
    assert bad.status_code == 400 and "more than is left" in bad.content.decode()
    bad = c.post(url, {"amount": "1.234", "reason": "x"})
    assert bad.status_code == 400 and "two decimals" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ok = c.post(url, {"amount": "10,50", "reason": "Goodwill"})
    assert ok.status_code == 302
    payment.refresh_from_db()
    assert payment.refunded_minor == 1050


def test_staff_settings_validate_and_save(client_for, staff_a, brand_a):
    c = client_for(staff_a)
    url = "/staff/brands/calm/payments/settings/"
    assert c.get(url).status_code == 200
    values = {
        "flow": "connect",
        "commission_percent": 20,
        "hold_minutes": 10,
        "pay_before_joining": "on",
        "full_refund_hours": 12,
        "partial_refund_hours": 24,
        "partial_refund_percent": 50,
    }
    bad = c.post(url, values)
    assert bad.status_code == 400 and "at least the partial-refund notice" in bad.content.decode()
    assert not PaymentSettings.objects.exists()
    assert c.post(url, {**values, "full_refund_hours": 72}).status_code == 302
    rules = PaymentSettings.objects.get(brand=brand_a)
    assert (rules.flow, rules.commission_percent, rules.full_refund_hours) == ("connect", 20, 72)


def test_reports_download_as_csv_and_pdf_with_the_ledger_totals(
    client_for, staff_a, paid, open_specialist
):
    month = timezone.localdate().strftime("%Y-%m")
    staff = client_for(staff_a)
    csv = staff.get(f"/staff/brands/calm/payments/report/{month}.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("date,receipt,kind")
    assert len(lines) - 1 == LedgerEntry.objects.count() == 3
    pdf = staff.get(f"/staff/brands/calm/payments/report/{month}.pdf")
    assert "60.00 EUR" in pdf_text(pdf.content)
    assert staff.get("/staff/brands/calm/payments/report/2026-13.csv").status_code == 404
    practice = client_for(open_specialist.user)
    page = practice.get("/practice/payments/").content.decode()
    assert "51.00 EUR" in page  # 60.00 less the 15% commission, this month
    assert paid.number in page
    spec_csv = practice.get(f"/practice/payments/report/{month}.csv").content.decode("utf-8-sig")
    assert paid.number in spec_csv


def test_pages_need_a_specialist_or_the_patient(client_for, patient_a, staff_a):
    assert client_for(patient_a.user).get("/practice/payments/").status_code in (403, 404, 302)
    assert client_for(staff_a, CALM).get("/payments/").status_code in (403, 404, 302)
