"""The specialist's own listings and a preview of each as its brand's patients see it
(practice portal, platform host)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from hale.matching import access
from hale.matching.views.browse import profile_context
from hale.scheduling.access import own_specialist


@login_required
@require_safe
def practice_listings(request: HttpRequest) -> HttpResponse:
    specialist = own_specialist(request.user)
    return render(
        request,
        "matching/practice_listings.html",
        {"listings": list(access.specialist_listings(specialist))},
    )


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
