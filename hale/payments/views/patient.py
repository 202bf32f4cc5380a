"""Payments in the patient portal (brand hosts): paying a held booking on Stripe's page (with
the hold's countdown), the return from it, giving a held time up, the transaction history
with receipts, and saved cards with the specialists allowed to charge them."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.core.http import BrandRequest
from hale.core.uploads.serve import generated_pdf_response
from hale.payments import access, actions, reports, stripe_api
from hale.payments.errors import PaymentError
from hale.payments.models import Payment
from hale.payments.views import common


def _absolute(request: BrandRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


@login_required
@require_safe
@common.forms_may_go_to_stripe
def pay(request: BrandRequest, payment_id: uuid.UUID) -> HttpResponse:
    """What is to pay, how long the time is held, and the way to Stripe's page."""
    patient = access.own_patient(request.user, request.brand)
    payment = access.access_patient_payment(patient, payment_id)
    if payment.is_paid:
        return redirect("payments_receipt", payment.uuid)
    if request.GET.get("cancelled"):
        messages.warning(request, _("The payment was not completed. Nothing was charged."))
    return render(
        request,
        "payments/patient/pay.html",
        {"payment": payment, "appointment": payment.appointment, "stripe": stripe_api.enabled()},
    )


@login_required
@require_POST
def checkout(request: BrandRequest, payment_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    payment = access.access_patient_payment(patient, payment_id)
    try:
        url = actions.open_checkout(
            payment=payment,
            acting_user=request.user,
            success_url=_absolute(request, "payments_return", payment.uuid)
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_absolute(request, "payments_pay", payment.uuid) + "?cancelled=1",
        )
    except PaymentError as exc:
        messages.error(request, str(exc.message))
        return redirect("payments_pay", payment.uuid)
    return redirect(url)


@login_required
@require_safe
def checkout_return(request: BrandRequest, payment_id: uuid.UUID) -> HttpResponse:
    """Back from Stripe's page: ask Stripe what happened (the webhook may have told us
    already, or may come later; both end the same)."""
    patient = access.own_patient(request.user, request.brand)
    payment = access.access_patient_payment(patient, payment_id)
    session_id = request.GET.get("session_id", "")[:200]
    if session_id and not payment.is_paid and session_id.startswith("cs_"):
        settled = actions.settle_checkout(session_id, payment.stripe_account)
        if settled is not None and settled.pk != payment.pk:
            return redirect("payments_pay", payment.uuid)
        payment.refresh_from_db()
    return render(
        request,
        "payments/patient/return.html",
        {"payment": payment, "appointment": payment.appointment},
        status=200,
    )


@login_required
@require_POST
def release(request: BrandRequest, payment_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    payment = access.access_patient_payment(patient, payment_id)
    if actions.release(payment=payment, acting_user=request.user):
        messages.success(request, _("The time is released. Nothing was charged."))
    else:
        messages.info(request, _("This booking is no longer held for payment."))
    if payment.appointment is not None:
        return redirect("appointment_detail", payment.appointment.uuid)
    return redirect("payments_list")


@login_required
@require_safe
def payment_list(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    payments = list(access.patient_payments(patient).exclude(status=Payment.Status.CANCELLED)[:200])
    return render(
        request,
        "payments/patient/list.html",
        {
            "payments": payments,
            "cards": list(access.patient_cards(patient)) if stripe_api.enabled() else None,
        },
    )


@login_required
@require_safe
def receipt(request: BrandRequest, payment_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    payment = access.access_patient_payment(patient, payment_id)
    return render(request, "payments/patient/receipt.html", {"payment": payment})


@login_required
@require_safe
def receipt_pdf(request: BrandRequest, payment_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    payment = access.access_patient_payment(patient, payment_id)
    if not payment.is_paid:
        return redirect("payments_receipt", payment.uuid)
    return generated_pdf_response(reports.receipt_pdf(payment), f"receipt-{payment.number}.pdf")


# --- Saved cards ------------------------------------------------------------------------------


@login_required
@require_safe
@common.forms_may_go_to_stripe
def cards(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    if request.GET.get("session_id", "").startswith("cs_"):
        saved = actions.save_card_from_checkout(request.GET["session_id"][:200], patient=patient)
        if saved is not None:
            messages.success(request, _("Your card is saved."))
        return redirect("payments_cards")
    return render(
        request,
        "payments/patient/cards.html",
        {
            "cards": list(access.patient_cards(patient)),
            "specialists": list(access.patient_specialists(patient)),
            "stripe": stripe_api.enabled(),
        },
    )


@login_required
@require_POST
def card_add(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    try:
        url = actions.open_card_setup(
            patient=patient,
            acting_user=request.user,
            success_url=_absolute(request, "payments_cards") + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_absolute(request, "payments_cards"),
        )
    except PaymentError as exc:
        messages.error(request, str(exc.message))
        return redirect("payments_cards")
    return redirect(url)


@login_required
@require_POST
def card_authorize(request: BrandRequest, card_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    card = access.access_patient_card(patient, card_id)
    allowed = {str(s.uuid): s for s in access.patient_specialists(patient)}
    chosen = request.POST.getlist("specialists")
    if any(c not in allowed for c in chosen):
        messages.error(request, _("Choose among your own specialists."))
        return redirect("payments_cards")
    actions.set_card_authorizations(
        card=card, specialists=[allowed[c] for c in chosen], acting_user=request.user
    )
    messages.success(request, _("Saved: who may charge this card."))
    return redirect("payments_cards")


@login_required
@require_POST
def card_remove(request: BrandRequest, card_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    card = access.access_patient_card(patient, card_id)
    try:
        actions.remove_card(card=card, acting_user=request.user)
    except PaymentError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The card is removed; nobody can charge it any more."))
    return redirect("payments_cards")
