"""The staff listings back office (platform host): list specialists on the brand, their
visibility and prices, answer specialists' requests to be listed, the brand's matching
settings, and assigning a patient's specialist."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.accounts.models import Patient
from hale.matching import access, actions
from hale.matching.forms.listing_requests import DeclineListingRequestForm
from hale.matching.forms.staff import (
    AddListingForm,
    BrandMatchingForm,
    ListingPriceForm,
    OverrideForm,
)
from hale.matching.models import CareRelationship
from hale.matching.views.common import run_for_valid
from hale.tenancy.access import access_staff_brand


def _staff_page(
    request,
    brand,
    *,
    add_form=None,
    settings_form=None,
    override_form=None,
    decline_forms=None,
    status=200,
):
    settings_row = access.brand_matching(brand)
    decline_forms = decline_forms or {}
    pending = [
        (r, decline_forms.get(r.pk) or _decline_form(r))
        for r in access.staff_listing_requests(brand)
    ]
    return render(
        request,
        "matching/staff_listings.html",
        {
            "managed_brand": brand,
            "listings": list(access.staff_listings(brand)),
            "listing_requests": pending,
            "add_form": add_form or AddListingForm(queryset=access.listable_specialists(brand)),
            "settings_form": settings_form
            or BrandMatchingForm(
                initial={
                    "fixed_price": (
                        settings_row.fixed_price_minor / 100
                        if settings_row.fixed_price_minor is not None
                        else None
                    ),
                    "fixed_currency": settings_row.fixed_currency,
                    "switching_rule": settings_row.switching_rule,
                }
            ),
            "override_form": override_form
            or OverrideForm(
                queryset=access.treatable_specialists(brand), patients=_patients(brand)
            ),
            "care": list(access.staff_care_relationships(brand)[:50]),
        },
        status=status,
    )


def _decline_form(listing_request, data=None) -> DeclineListingRequestForm:
    # One form per waiting request on the page: ids and labels made unique by the request.
    form = DeclineListingRequestForm(data, auto_id=f"id_decline_{listing_request.uuid}_%s")
    form.fields["reason"].label = _("Reason for declining %(name)s") % {
        "name": listing_request.specialist.display_name
    }
    return form


def _patients(brand):
    return Patient.objects.filter(brand=brand, portal_enabled=True).order_by("full_name", "pk")


@login_required
@require_safe
def staff_listings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    return _staff_page(request, brand)


@login_required
@require_POST
def staff_listing_add(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = AddListingForm(request.POST, queryset=access.listable_specialists(brand))
    listed = run_for_valid(
        form,
        lambda: actions.list_specialist(
            brand=brand,
            specialist=form.cleaned_data["specialist"],
            price_minor=form.cleaned_data["price"],
            acting_user=request.user,
        ),
    )
    if listed:
        messages.success(request, _("The specialist is listed."))
        return redirect("staff_listings", brand.slug)
    return _staff_page(request, brand, add_form=form, status=400)


@login_required
@require_POST
def staff_listing_request_approve(
    request: HttpRequest, brand_slug: str, request_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    listing_request = access.access_staff_listing_request(brand, request_id)
    try:
        actions.approve_listing_request(listing_request=listing_request, acting_user=request.user)
    except actions.MatchingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s is listed.") % {"name": listing_request.specialist.display_name},
        )
    return redirect("staff_listings", brand.slug)


@login_required
@require_POST
def staff_listing_request_decline(
    request: HttpRequest, brand_slug: str, request_id: uuid.UUID
) -> HttpResponse:
    """Decline with the reason the specialist reads; without one the page comes back (400)
    with the error by the reason field."""
    brand = access_staff_brand(request.user, brand_slug)
    listing_request = access.access_staff_listing_request(brand, request_id)
    if not listing_request.is_pending:
        messages.error(request, str(actions.ListingRequestDecided(listing_request).message))
        return redirect("staff_listings", brand.slug)
    form = _decline_form(listing_request, request.POST)
    if form.is_valid():
        try:
            actions.decline_listing_request(
                listing_request=listing_request,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except actions.ListingRequestDecided as exc:
            messages.error(request, str(exc.message))
            return redirect("staff_listings", brand.slug)
        except actions.MatchingError as exc:
            form.add_error("reason", str(exc.message))
    if not form.is_valid():
        return _staff_page(request, brand, decline_forms={listing_request.pk: form}, status=400)
    messages.success(request, _("The request is declined."))
    return redirect("staff_listings", brand.slug)


@login_required
@require_POST
def staff_listing_visibility(
    request: HttpRequest, brand_slug: str, listing_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    listing = access.access_staff_listing(brand, listing_id)
    try:
        actions.set_listing_visibility(
            listing=listing, visibility=request.POST.get("visibility", ""), acting_user=request.user
        )
    except actions.MatchingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Visibility saved."))
    return redirect("staff_listings", brand.slug)


@login_required
@require_POST
def staff_listing_price(
    request: HttpRequest, brand_slug: str, listing_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    listing = access.access_staff_listing(brand, listing_id)
    form = ListingPriceForm(request.POST)
    if form.is_valid():
        actions.set_listing_price(
            listing=listing, price_minor=form.cleaned_data["price"], acting_user=request.user
        )
        messages.success(request, _("Price saved."))
    else:
        messages.error(request, _("Enter a price between 0 and 100,000."))
    return redirect("staff_listings", brand.slug)


@login_required
@require_POST
def staff_matching_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = BrandMatchingForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, brand, settings_form=form, status=400)
    actions.save_brand_matching(
        brand=brand,
        acting_user=request.user,
        fixed_price_minor=form.cleaned_data["fixed_price"],
        fixed_currency=form.cleaned_data["fixed_currency"],
        switching_rule=form.cleaned_data["switching_rule"],
    )
    messages.success(request, _("Settings saved."))
    return redirect("staff_listings", brand.slug)


@login_required
@require_POST
def staff_override(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Staff assign (or re-assign) a patient's specialist, overriding any matching."""
    brand = access_staff_brand(request.user, brand_slug)
    form = OverrideForm(
        request.POST, queryset=access.treatable_specialists(brand), patients=_patients(brand)
    )
    assigned = run_for_valid(
        form,
        lambda: actions.start_care(
            patient=form.cleaned_data["patient"],
            specialist=form.cleaned_data["specialist"],
            source=CareRelationship.Source.STAFF,
            acting_user=request.user,
        ),
    )
    if assigned:
        messages.success(request, _("The patient's specialist is set."))
        return redirect("staff_listings", brand.slug)
    return _staff_page(request, brand, override_form=form, status=400)
