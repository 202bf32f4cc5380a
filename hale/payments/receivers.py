"""Where payments takes part in scheduling (``hale.scheduling.hooks``, connected in
``apps.py``): what a booking costs and how long it is held, what cancelling gives back, and
the payment section of the patient's appointment page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hale.accounts.hooks import RecordSection
from hale.payments import access, actions
from hale.payments.models import Payment
from hale.scheduling.hooks import Refusal


def booked(*, appointment) -> None:
    actions.start_session_payment(appointment, hold=True)


def booking_hold(*, appointment):
    payment = Payment.objects.filter(appointment=appointment, status=Payment.Status.PENDING).first()
    return payment.hold_expires_at if payment is not None else None


def hold_lapsed(*, appointment) -> None:
    actions.hold_lapsed(appointment)


def accepted(*, appointment) -> None:
    if not Payment.objects.filter(appointment=appointment).exists():
        actions.start_session_payment(appointment, hold=False)


def cancelled(*, appointment) -> None:
    actions.appointment_cancelled(appointment)


def payment_url(*, appointment):
    payment = Payment.objects.filter(
        appointment=appointment, status__in=(Payment.Status.PENDING,)
    ).first()
    if payment is None:
        return None
    return reverse("payments_pay", urlconf="hale.urls_brand", args=[payment.uuid])


def join_refusal(*, appointment, user):
    """Where the brand takes payment up front, an unpaid card payment keeps the patient out
    of the session until paid (a payment due at the clinic does not)."""
    if appointment.patient.user_id != getattr(user, "pk", None):
        return None
    payment = Payment.objects.filter(appointment=appointment, status=Payment.Status.PENDING).first()
    if payment is None or not access.brand_settings(appointment.brand).pay_before_joining:
        return None
    return Refusal(
        message=_("Please pay for this session before joining it."),
        url=reverse("payments_pay", urlconf="hale.urls_brand", args=[payment.uuid]),
        action=_("Pay now"),
    )


def cancellation_terms(*, appointment, user):
    return actions.cancellation_terms(appointment, user)


def appointment_sections(*, appointment, user, next_url=""):
    payment = Payment.objects.filter(appointment=appointment).prefetch_related("refunds").first()
    if payment is None or appointment.patient.user_id != getattr(user, "pk", None):
        return None
    return RecordSection(
        key="payment",
        order=10,
        pending=1 if payment.status == Payment.Status.PENDING else 0,
        title=_("Payment"),
        template="payments/includes/appointment_section.html",
        context={"payment": payment},
    )
