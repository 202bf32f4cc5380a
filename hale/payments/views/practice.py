"""Payments for specialists (/practice/payments/): revenue at a glance across every brand
that lists them (this month, last month, 12 months charted), their transactions, monthly
reports, their Stripe Connect account, and charging a saved card a patient authorised."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.core import audit
from hale.payments import access, actions, reports, stripe_api
from hale.payments.errors import PaymentError
from hale.payments.models import ConnectedAccount, Payment
from hale.payments.views import common


@login_required
@require_safe
@common.forms_may_go_to_stripe
def overview(request: HttpRequest) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    ledger = access.specialist_ledger(specialist)
    glance = reports.glance(ledger)
    entries = list(ledger.order_by("-at", "-pk")[:100])
    due = list(
        access.specialist_payments(specialist)
        .filter(status__in=(Payment.Status.PENDING, Payment.Status.DUE), appointment__isnull=False)
        .order_by("appointment__start")[:50]
    )
    chargeable = {p.pk for p in due if access.card_authorizing(p) is not None}
    return render(
        request,
        "payments/practice/overview.html",
        {
            "glance": glance,
            "chart": _chart(glance),
            "entries": entries,
            "due": [(p, p.pk in chargeable) for p in due],
            "months": common.recent_months(),
            "account": ConnectedAccount.objects.filter(specialist=specialist).first(),
            "stripe": stripe_api.enabled(),
        },
    )


def _chart(glance: reports.Glance) -> list[dict]:
    """Bars of the 12-month chart (an SVG drawn by the template), one series per currency."""
    charts = []
    for currency, values in sorted(glance.series.items()):
        peak = max([1, *(abs(v) for v in values)])
        bars = []
        for i, (month, value) in enumerate(zip(glance.months, values, strict=True)):
            height = round(100 * max(value, 0) / peak, 1)
            bars.append(
                {
                    "month": month,
                    "value": value,
                    "height": height,
                    "y": 110 - height,
                    "x": i * 40 + 10,
                }
            )
        charts.append({"currency": currency, "bars": bars})
    return charts


@login_required
@require_safe
def report(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    day = common.parse_month(month)
    audit.record(request.user, "payments.report_downloaded", specialist, month=month, format=fmt)
    return common.report_response(
        access.specialist_ledger(specialist),
        month=day,
        fmt=fmt,
        title=_("Sales report: %(name)s") % {"name": specialist.display_name},
        name="sales",
    )


@login_required
@require_POST
def connect(request: HttpRequest) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    back = request.build_absolute_uri(reverse("practice_payments_connected"))
    try:
        url = actions.connect_link(
            specialist=specialist,
            acting_user=request.user,
            refresh_url=back,
            return_url=back,
        )
    except PaymentError as exc:
        messages.error(request, str(exc.message))
        return redirect("practice_payments")
    return redirect(url)


@login_required
@require_safe
def connected(request: HttpRequest) -> HttpResponse:
    """Back from Stripe's onboarding: ask Stripe where the account stands."""
    specialist = access.own_specialist(request.user)
    account = ConnectedAccount.objects.filter(specialist=specialist).first()
    if account is not None:
        account = actions.refresh_account(account.account_id)
    if account is not None and account.charges_enabled:
        messages.success(request, _("Your Stripe account is connected: you can take payments."))
    else:
        messages.warning(
            request, _("Stripe still needs some details before you can take payments.")
        )
    return redirect("practice_payments")


@login_required
@require_POST
def charge(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    payment = access.access_specialist_payment(specialist, payment_id)
    try:
        actions.charge_saved_card(payment=payment, acting_user=request.user)
    except PaymentError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The saved card was charged."))
    return redirect("practice_payments")
