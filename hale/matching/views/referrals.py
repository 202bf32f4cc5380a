"""The referral program: the link's landing page on a brand host and the specialist's
referrals page in the practice portal (see ``hale.matching.referrals``)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from hale.core.access import Denied
from hale.core.http import BrandRequest
from hale.matching import referrals
from hale.notifications.email import portal_url
from hale.scheduling.views.common import practice_specialist
from hale.specialists.models import Specialist


@require_safe
def landing(request: BrandRequest, specialist_id: uuid.UUID) -> HttpResponse:
    """``/r/<specialist>/``: remember who referred the visitor, then on to sign up."""
    brand = getattr(request, "brand", None)
    if brand is None or not brand.referrals_enabled:
        raise Http404
    specialist = referrals.referable_specialists(brand).filter(uuid=specialist_id).first()
    if specialist is None:
        raise Denied(Specialist, specialist_id)
    profile = reverse("specialist_public_profile", args=[specialist.uuid])
    if request.user.is_authenticated:
        return redirect(profile)
    # The sign-up page names the specialist for as long as the session remembers them.
    referrals.remember(request.session, brand=brand, specialist=specialist)
    return redirect(reverse("account_signup"))


@login_required
@require_safe
def practice_referrals(request: HttpRequest) -> HttpResponse:
    specialist = practice_specialist(request)
    links = [
        (brand, portal_url("referral_landing", brand, specialist.uuid))
        for brand in referrals.referral_brands(specialist)
    ]
    response = render(
        request,
        "matching/practice_referrals.html",
        {
            "links": links,
            "referred": list(referrals.referrals_of(specialist)[:200]),
            "counts": referrals.referral_counts(specialist),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
