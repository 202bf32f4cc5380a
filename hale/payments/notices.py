"""What payments tell people (after commit, from tasks), each in their own language."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hale.notifications.actions import notify
from hale.notifications.email import recipient_locale
from hale.payments import hooks
from hale.payments.models import Payment, Refund
from hale.payments.templatetags.money import money


def _patient_url(payment: Payment) -> str:
    return reverse("payments_receipt", urlconf="hale.urls_brand", args=[payment.uuid])


def paid(payment_id: int, *, confirmed: bool) -> None:
    payment = (
        Payment.objects.select_related("patient__user", "brand", "specialist__user", "appointment")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        return
    if payment.appointment_id is None and hooks.payment_notice.first(payment=payment):
        return  # what was paid for (an order) tells the patient itself
    patient = payment.patient
    amount = money(payment.amount_minor, payment.currency)
    if patient.user is not None:
        with recipient_locale(patient.user, payment.brand):
            if confirmed:
                title = _("Payment received: your session is confirmed")
                body = _("We received %(amount)s for %(what)s. Receipt %(number)s.") % {
                    "amount": amount,
                    "what": payment.description,
                    "number": payment.number,
                }
            else:
                title = _("Your payment is being refunded")
                body = _(
                    "We received %(amount)s for %(what)s, but the time was taken while the "
                    "payment was on its way. The full amount is being refunded; please book "
                    "another time."
                ) % {"amount": amount, "what": payment.description}
        notify(
            user=patient.user,
            kind="payments.paid",
            brand=payment.brand,
            title=title,
            body=body,
            url=_patient_url(payment),
        )
    if confirmed and payment.specialist is not None:
        with recipient_locale(payment.specialist.user, None):
            title = _("Payment received")
            body = _("%(patient)s paid %(amount)s for %(what)s.") % {
                "patient": patient.full_name or patient.email,
                "amount": amount,
                "what": payment.description,
            }
        notify(
            user=payment.specialist.user,
            kind="payments.received",
            title=title,
            body=body,
            url=reverse("practice_payments", urlconf="hale.urls_platform"),
        )


def refunded(refund_id: int) -> None:
    refund = (
        Refund.objects.select_related("payment__patient__user", "payment__brand")
        .filter(pk=refund_id)
        .first()
    )
    if refund is None or refund.payment.patient.user is None:
        return
    payment = refund.payment
    user = payment.patient.user
    with recipient_locale(user, payment.brand):
        title = _("Refund of %(amount)s") % {"amount": money(refund.amount_minor, payment.currency)}
        body = _("%(amount)s for %(what)s was refunded. Reason: %(reason)s") % {
            "amount": money(refund.amount_minor, payment.currency),
            "what": payment.description,
            "reason": refund.reason,
        }
    notify(
        user=user,
        kind="payments.refunded",
        brand=payment.brand,
        title=title,
        body=body,
        url=_patient_url(payment),
    )


def released(payment_id: int) -> None:
    payment = Payment.objects.select_related("patient__user", "brand").filter(pk=payment_id).first()
    if payment is None or payment.patient.user is None:
        return
    user = payment.patient.user
    with recipient_locale(user, payment.brand):
        title = _("The time held for you was released")
        body = _(
            "%(what)s was not paid in time, so the time is free again and nothing was charged. "
            "You can book again whenever you like."
        ) % {"what": payment.description}
    notify(
        user=user,
        kind="payments.released",
        brand=payment.brand,
        title=title,
        body=body,
        url=reverse("payments_list", urlconf="hale.urls_brand"),
    )
