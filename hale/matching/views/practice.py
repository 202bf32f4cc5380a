"""The specialist's own listings with what each brand's patients pay, a preview of each as
its brand's patients see it, and asking another brand to list them (practice portal,
platform host)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.matching import access, actions
from hale.matching.forms.listing_requests import ListingRequestForm
from hale.matching.pricing import listing_prices
from hale.matching.views.browse import profile_context
from hale.matching.views.common import run_for_valid
from hale.scheduling.access import own_specialist, session_types_for
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand

# The latest answered requests shown under the waiting ones.
REQUESTS_SHOWN = 20


def _listings_page(
    request: HttpRequest,
    specialist: Specialist,
    *,
    request_form: ListingRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The listings table (a constant number of queries however many listings), the
    specialist's listing requests and the form to ask another brand."""
    session_types = list(session_types_for(specialist, active_only=True))
    listings = list(access.specialist_listings(specialist))
    requestable = access.requestable_brands(specialist)
    return render(
        request,
        "matching/practice_listings.html",
        {
            "session_types": session_types,
            "rows": listing_prices(listings, session_types),
            "listing_requests": list(
                access.specialist_listing_requests(specialist)[:REQUESTS_SHOWN]
            ),
            "request_form": request_form or ListingRequestForm(brands=requestable),
        },
        status=status,
    )


@login_required
@require_safe
def practice_listings(request: HttpRequest) -> HttpResponse:
    return _listings_page(request, own_specialist(request.user))


@login_required
@require_POST
def practice_listing_request(request: HttpRequest) -> HttpResponse:
    """Ask a brand to list the specialist. A brand that already lists them or already has
    their request is refused by the action, with its reason, and nothing changes."""
    specialist = own_specialist(request.user)
    form = ListingRequestForm(request.POST, brands=Brand.objects.filter(is_active=True))
    asked = run_for_valid(
        form,
        lambda: actions.request_listing(
            specialist=specialist,
            brand=form.cleaned_data["brand"],
            message=form.cleaned_data["message"],
            acting_user=request.user,
        ),
    )
    if not asked:
        # Offer the brands they may ask again (the submitted choice stays if still valid).
        form.offer(access.requestable_brands(specialist))
        return _listings_page(request, specialist, request_form=form, status=400)
    messages.success(
        request,
        _("Your request was sent to %(brand)s.") % {"brand": form.cleaned_data["brand"].name},
    )
    return redirect("practice_listings")


@login_required
@require_POST
def practice_listing_request_withdraw(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    specialist = own_specialist(request.user)
    listing_request = access.access_own_listing_request(specialist, request_id)
    try:
        actions.withdraw_listing_request(listing_request=listing_request, acting_user=request.user)
    except actions.MatchingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("practice_listings")


@login_required
@require_safe
def practice_preview(request: HttpRequest, listing_id: uuid.UUID) -> HttpResponse:
    """Exactly what patients of the listing's brand see (the same template)."""
    specialist = own_specialist(request.user)
    listing = access.specialist_listings(specialist).filter(uuid=listing_id).first()
    if listing is None:
        raise Http404
    shown = access.with_prices(
        type(specialist).objects.filter(pk=specialist.pk),
        listing.brand,
        access.brand_matching(listing.brand),
    ).prefetch_related("specialisations", "expertise_areas", "education")[0]
    context = profile_context(shown, listing.brand)
    context.update(listing=listing, preview=True)
    return render(request, "matching/practice_preview.html", context)
