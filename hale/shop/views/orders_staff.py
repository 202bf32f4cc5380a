"""Orders in the back office (/staff/brands/<slug>/shop/orders/): the brand's queue with a
status filter, approving or declining orders with restricted items, moving orders through
their statuses (the patient is told at each), cancelling with a full refund, the invoice."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from hale.core.uploads.serve import generated_pdf_response
from hale.shop import access, actions, invoice
from hale.shop.errors import ShopError
from hale.shop.models import Order
from hale.tenancy.access import require_plan_feature
from hale.tenancy.models import PlanFeature


def _brand(request: HttpRequest, brand_slug: str):
    brand = access.staff_brand(request.user, brand_slug)
    require_plan_feature(brand, PlanFeature.SHOP)
    return brand


FILTERS = [
    ("", gettext_lazy("All")),
    ("approval", gettext_lazy("Awaiting approval")),
    *Order.Status.choices,
]


@login_required
@require_safe
def order_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = _brand(request, brand_slug)
    status = request.GET.get("status", "")
    orders = access.brand_orders(brand, status=status)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "shop/staff/orders.html",
        {
            "managed_brand": brand,
            "page": page,
            "orders": page.object_list,
            "status": status,
            "filters": [(value, str(label)) for value, label in FILTERS],
            "to_approve": access.brand_orders(brand, status="approval").count(),
        },
    )


@login_required
@require_safe
def order_detail(request: HttpRequest, brand_slug: str, order_id: uuid.UUID) -> HttpResponse:
    brand = _brand(request, brand_slug)
    order = access.access_brand_order(brand, order_id)
    return render(
        request,
        "shop/staff/order.html",
        {
            "managed_brand": brand,
            "order": order,
            "totals": actions.explain(order),
            "events": list(order.events.all()),
            "next_statuses": [
                (value, Order.Status(value).label)
                for value in actions.NEXT_STATUSES.get(order.status, ())
            ],
        },
    )


def _apply(request: HttpRequest, brand_slug: str, order_id: uuid.UUID, change, done: str):
    brand = _brand(request, brand_slug)
    order = access.access_brand_order(brand, order_id)
    try:
        change(
            order=order, brand=brand, acting_user=request.user, version=request.POST.get("version")
        )
    except ShopError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("staff_shop_order", brand.slug, order.uuid)


@login_required
@require_POST
def approve(request: HttpRequest, brand_slug: str, order_id: uuid.UUID) -> HttpResponse:
    return _apply(
        request,
        brand_slug,
        order_id,
        actions.approve_order,
        _("The order is approved; the patient is told they can pay."),
    )


@login_required
@require_POST
def decline(request: HttpRequest, brand_slug: str, order_id: uuid.UUID) -> HttpResponse:
    reason = request.POST.get("reason", "")

    def change(**kwargs):
        return actions.decline_order(reason=reason, **kwargs)

    return _apply(
        request, brand_slug, order_id, change, _("The order is declined; the patient is told why.")
    )


@login_required
@require_POST
def set_status(request: HttpRequest, brand_slug: str, order_id: uuid.UUID) -> HttpResponse:
    status = request.POST.get("status", "")

    def change(**kwargs):
        return actions.set_status(status=status, **kwargs)

    return _apply(
        request,
        brand_slug,
        order_id,
        change,
        _("The order status is changed; the patient is told."),
    )


@login_required
@require_POST
def cancel(request: HttpRequest, brand_slug: str, order_id: uuid.UUID) -> HttpResponse:
    reason = request.POST.get("reason", "")

    def change(**kwargs):
        return actions.cancel_order(reason=reason, **kwargs)

    return _apply(
        request,
        brand_slug,
        order_id,
        change,
        _("The order is cancelled and its stock is back; a paid order is refunded in full."),
    )


@login_required
@require_safe
def invoice_pdf(request: HttpRequest, brand_slug: str, order_id: uuid.UUID) -> HttpResponse:
    brand = _brand(request, brand_slug)
    order = access.access_brand_order(brand, order_id)
    return generated_pdf_response(invoice.invoice_pdf(order), f"invoice-{order.number}.pdf")
