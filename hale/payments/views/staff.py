"""Payments in the back office (/staff/brands/<slug>/payments/): every payment of the brand
with a status filter, recording a due payment as received, refunding by hand with a reason,
the brand's money rules, and monthly reports."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core import audit
from hale.payments import access, actions, reports, stripe_api
from hale.payments.errors import PaymentError
from hale.payments.forms import RefundForm, SettingsForm
from hale.payments.models import Payment
from hale.payments.views import common


@login_required
@require_safe
def payment_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    status = request.GET.get("status", "")
    payments = access.brand_payments(brand)
    if status in Payment.Status.values:
        payments = payments.filter(status=status)
    return render(
        request,
        "payments/staff/list.html",
        {
            "managed_brand": brand,
            "payments": list(payments[:200]),
            "status": status,
            "statuses": Payment.Status.choices,
            "months": common.recent_months(),
            "glance": reports.glance(access.brand_ledger(brand)),
            "stripe": stripe_api.enabled(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def payment_detail(request: HttpRequest, brand_slug: str, payment_id: uuid.UUID) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    payment = access.access_brand_payment(brand, payment_id)
    form = RefundForm(request.POST or None, payment=payment)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.refund_by_hand(
                    payment=payment,
                    amount_minor=form.cleaned_data["amount_minor"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                    brand=brand,
                )
            except PaymentError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The refund is on its way."))
                return redirect("staff_payment", brand.slug, payment.uuid)
        status = 400
    return render(
        request,
        "payments/staff/detail.html",
        {
            "managed_brand": brand,
            "payment": payment,
            "form": form,
            "refunds": list(payment.refunds.all()),
            "ledger": list(payment.ledger.order_by("at", "pk")),
        },
        status=status,
    )


@login_required
@require_POST
def record_received(request: HttpRequest, brand_slug: str, payment_id: uuid.UUID) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    payment = access.access_brand_payment(brand, payment_id)
    try:
        actions.record_received(payment=payment, acting_user=request.user, brand=brand)
    except PaymentError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Recorded as received."))
    return redirect("staff_payment", brand.slug, payment.uuid)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    rules = access.brand_settings(brand)
    form = SettingsForm(request.POST or None, instance=rules)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.save_settings(
                    brand=brand,
                    acting_user=request.user,
                    values={f: form.cleaned_data[f] for f in SettingsForm.Meta.fields},
                )
            except PaymentError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Payment settings saved."))
                return redirect("staff_payment_settings", brand.slug)
    return render(
        request,
        "payments/staff/settings.html",
        {"managed_brand": brand, "form": form, "stripe": stripe_api.enabled()},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def report(request: HttpRequest, brand_slug: str, month: str, fmt: str) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    day = common.parse_month(month)
    audit.record(request.user, "payments.report_downloaded", brand, brand=brand, month=month)
    return common.report_response(
        access.brand_ledger(brand),
        month=day,
        fmt=fmt,
        title=_("Sales report: %(name)s") % {"name": brand.name},
        name=f"sales-{brand.slug}",
    )
