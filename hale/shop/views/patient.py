"""The shop in the patient portal (brand hosts, only where the brand's plan includes it): the
product grid with search and categories, product pages, the cart (page, and a drawer on
htmx requests), checkout, and the patient's orders with paying, cancelling and the invoice."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core.http import BrandRequest
from hale.core.uploads import serve_upload
from hale.core.uploads.serve import generated_pdf_response
from hale.payments import actions as payments
from hale.payments import stripe_api
from hale.payments.errors import PaymentError
from hale.payments.models import Payment
from hale.payments.views.common import forms_may_go_to_stripe
from hale.shop import access, actions, invoice
from hale.shop.errors import ShopError
from hale.tenancy.access import plan_feature_required
from hale.tenancy.models import PlanFeature

PAGE_SIZE = 24

shop_page = plan_feature_required(PlanFeature.SHOP)
orders_page = plan_feature_required(PlanFeature.ORDERS)


def _absolute(request: BrandRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


# --- Catalogue ----------------------------------------------------------------------------------


@shop_page
@login_required
@require_safe
def product_list(request: BrandRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    category = access.access_category(request.brand, request.GET.get("category"))
    products = access.catalogue(request.brand, query=query, category=category)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "shop/patient/products.html",
        {
            "page": page,
            "products": page.object_list,
            "query": query,
            "category": category,
            "categories": list(access.shelf_categories(request.brand)),
        },
    )


@shop_page
@login_required
@require_safe
def product_detail(request: BrandRequest, product_id: uuid.UUID) -> HttpResponse:
    product = access.access_product(request.brand, product_id)
    return render(request, "shop/patient/product.html", {"product": product})


@shop_page
@login_required
@require_safe
def product_image(request: BrandRequest, image_id: int) -> HttpResponse:
    image = access.image_of(request.brand, image_id)
    return serve_upload(request, image.upload, inline=True)


# --- Cart ---------------------------------------------------------------------------------------


def _cart_response(request: BrandRequest, patient, *, status: int = 200) -> HttpResponse:
    """The cart page, or only its panel for the drawer (htmx), with the new item count."""
    review = access.review_cart(patient)
    context = {"review": review, "max_quantity": actions.MAX_QUANTITY}
    if request.htmx:
        response = render(request, "shop/patient/cart.html#panel", context, status=status)
        response["HX-Trigger"] = f'{{"cartChanged": {{"count": {review.count}}}}}'
        return response
    return render(request, "shop/patient/cart.html", context, status=status)


def _after_cart_change(request: BrandRequest, patient) -> HttpResponse:
    if request.htmx:
        return _cart_response(request, patient)
    return redirect("shop_cart")


@shop_page
@login_required
@require_safe
def cart(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    return _cart_response(request, patient)


@shop_page
@login_required
@require_POST
def cart_add(request: BrandRequest, product_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    product = access.access_product(request.brand, product_id)
    try:
        actions.add_to_cart(
            patient=patient,
            product=product,
            quantity=request.POST.get("quantity", "1"),
            acting_user=request.user,
        )
    except ShopError as exc:
        messages.error(request, str(exc.message))
        if request.htmx:
            return _cart_response(request, patient)
        return redirect("shop_product", product.uuid)
    if not request.htmx:
        messages.success(request, _("%(name)s is in your cart.") % {"name": product.name})
    return _after_cart_change(request, patient)


@shop_page
@login_required
@require_POST
def cart_update(request: BrandRequest, item_id: int) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    try:
        actions.set_quantity(
            patient=patient,
            item_id=item_id,
            quantity=request.POST.get("quantity"),
            acting_user=request.user,
        )
    except ShopError as exc:
        messages.error(request, str(exc.message))
    return _after_cart_change(request, patient)


@shop_page
@login_required
@require_POST
def cart_remove(request: BrandRequest, item_id: int) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    actions.remove_from_cart(patient=patient, item_id=item_id, acting_user=request.user)
    return _after_cart_change(request, patient)


@shop_page
@login_required
@require_POST
def cart_clear(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    actions.clear_cart(patient=patient, acting_user=request.user)
    return _after_cart_change(request, patient)


@shop_page
@login_required
@require_POST
def cart_accept(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    actions.accept_cart_changes(patient=patient, acting_user=request.user)
    messages.info(request, _("Your cart now shows today's prices and what is in stock."))
    return redirect("shop_checkout" if request.POST.get("next") == "checkout" else "shop_cart")


# --- Checkout -------------------------------------------------------------------------------------


def _pay_by_card(request: BrandRequest, order) -> HttpResponse:
    """Send the patient to Stripe's page for the order's payment."""
    try:
        url = payments.open_checkout(
            payment=order.payment,
            acting_user=request.user,
            success_url=_absolute(request, "shop_order_return", order.uuid)
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_absolute(request, "shop_order", order.uuid) + "?cancelled=1",
        )
    except PaymentError as exc:
        messages.error(request, str(exc.message))
        return redirect("shop_order", order.uuid)
    return redirect(url)


@shop_page
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@forms_may_go_to_stripe
def checkout(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    notes = request.POST.get("notes", "")[:1000]
    error: ShopError | None = None
    status = 200
    if request.method == "POST":
        try:
            order = actions.place_order(
                patient=patient,
                acting_user=request.user,
                notes=notes,
                fingerprint=request.POST.get("fingerprint", ""),
            )
        except ShopError as exc:  # a changed cart (CartChanged) or stock gone
            error, status = exc, 409
        else:
            if order.awaiting_approval:
                messages.info(
                    request,
                    _(
                        "Thank you. Your order needs the clinic's approval first; we will tell "
                        "you when you can pay."
                    ),
                )
                return redirect("shop_order", order.uuid)
            if order.payment is not None and order.payment.status == Payment.Status.PENDING:
                return _pay_by_card(request, order)
            messages.success(
                request, _("Thank you. Your order is placed; you pay when you collect it.")
            )
            return redirect("shop_order", order.uuid)
    review = access.review_cart(patient)
    if not review.lines and error is None:
        messages.info(request, _("Your cart is empty."))
        return redirect("shop_products")
    return render(
        request,
        "shop/patient/checkout.html",
        {"review": review, "error": error, "notes": notes, "card": stripe_api.enabled()},
        status=status,
    )


# --- Orders -------------------------------------------------------------------------------------


@orders_page
@login_required
@require_safe
def order_list(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    page = Paginator(access.patient_orders(patient), 20).get_page(request.GET.get("page"))
    return render(request, "shop/patient/orders.html", {"page": page, "orders": page.object_list})


def _order_context(order) -> dict:
    return {"order": order, "totals": actions.explain(order), "events": list(order.events.all())}


@orders_page
@login_required
@require_safe
@forms_may_go_to_stripe
def order_detail(request: BrandRequest, order_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    order = access.access_patient_order(patient, order_id)
    if request.GET.get("cancelled") and order.payment and not order.payment.is_paid:
        messages.warning(request, _("The payment was not completed. Nothing was charged."))
    return render(request, "shop/patient/order.html", _order_context(order))


@orders_page
@login_required
@require_POST
def order_pay(request: BrandRequest, order_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    order = access.access_patient_order(patient, order_id)
    if order.payment is None or order.payment.status != Payment.Status.PENDING:
        messages.info(request, _("This order is not waiting for a card payment."))
        return redirect("shop_order", order.uuid)
    return _pay_by_card(request, order)


@orders_page
@login_required
@require_safe
def order_return(request: BrandRequest, order_id: uuid.UUID) -> HttpResponse:
    """Back from Stripe's page: ask Stripe what happened (the webhook may have told us
    already, or may come later; both end the same)."""
    patient = access.own_patient(request.user, request.brand)
    order = access.access_patient_order(patient, order_id)
    session_id = request.GET.get("session_id", "")[:200]
    payment = order.payment
    if payment is not None and not payment.is_paid and session_id.startswith("cs_"):
        payments.settle_checkout(session_id, payment.stripe_account)
        order = access.access_patient_order(patient, order_id)
    context = _order_context(order) | {"returned": True}
    return render(request, "shop/patient/order.html", context)


@orders_page
@login_required
@require_POST
def order_cancel(request: BrandRequest, order_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    order = access.access_patient_order(patient, order_id)
    try:
        actions.cancel_order(
            order=order, acting_user=request.user, version=request.POST.get("version")
        )
    except ShopError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your order is cancelled. Nothing was charged."))
    return redirect("shop_order", order.uuid)


@orders_page
@login_required
@require_safe
def invoice_pdf(request: BrandRequest, order_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    order = access.access_patient_order(patient, order_id)
    return generated_pdf_response(invoice.invoice_pdf(order), f"invoice-{order.number}.pdf")
