"""Discovery pages (brand host), the specialist's listings and preview (practice), and the
staff listings back office (platform host)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.accounts.models import Patient
from hale.core.http import BrandRequest
from hale.matching import access, actions, licences, questionnaire, smart
from hale.matching import shortlist as shortlists
from hale.matching.first_booking import specialist_leads_scheduling
from hale.matching.forms import (
    AddListingForm,
    BrandMatchingForm,
    BrowseForm,
    ListingPriceForm,
    OverrideForm,
)
from hale.matching.models import CareRelationship
from hale.scheduling.access import own_specialist, patient_for
from hale.scheduling.models import SessionType
from hale.scheduling.pricing import session_price
from hale.scheduling.slots import offered_slots
from hale.tenancy.access import access_staff_brand

NEXT_TIMES_SHOWN = 6


GUIDED_FLOW = "guided"


def _brand(request: BrandRequest):
    if getattr(request, "brand", None) is None:
        raise Http404
    return request.brand


# --- Patients (brand host) --------------------------------------------------------------------


@require_safe
def browse(request: BrandRequest) -> HttpResponse:
    """Search and filter the brand's listed specialists (brands in *browse* mode)."""
    brand = _brand(request)
    if brand.discovery_mode != brand.Discovery.BROWSE:
        return redirect("match")
    form = BrowseForm(request.GET or None)
    page = None
    rows: list[access.Row] = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        page, rows = access.browse(
            brand,
            now=timezone.now(),
            page=request.GET.get("page"),
            query=data.get("q", "").strip(),
            specialisation=data.get("specialisation", ""),
            language=data.get("language", ""),
            soon=data.get("soon", False),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
        )
    return render(request, "matching/browse.html", {"form": form, "page": page, "rows": rows})


def _next_times(specialist):
    """The next offered times of the specialist's shortest session type, this fortnight."""
    session_type = (
        SessionType.objects.filter(specialist=specialist, is_active=True)
        .order_by("duration_minutes", "pk")
        .first()
    )
    if session_type is None:
        return None, []
    now = timezone.now()
    slots = offered_slots(
        specialist,
        session_type,
        window_start=now,
        window_end=now + timezone.timedelta(days=14),
        now=now,
    )
    return session_type, slots[:NEXT_TIMES_SHOWN]


def _profile_context(specialist, brand) -> dict:
    session_type, slots = _next_times(specialist)
    price = session_price(session_type, brand) if session_type is not None else None
    return {"specialist": specialist, "session_type": session_type, "slots": slots, "price": price}


@require_safe
def profile(request: BrandRequest, specialist_id: uuid.UUID) -> HttpResponse:
    """A listed specialist's public profile with price and next times; 404 if not listed."""
    brand = _brand(request)
    specialist = access.access_listed_specialist(brand, specialist_id)
    patient = (
        Patient.objects.filter(brand=brand, user=request.user, portal_enabled=True).first()
        if request.user.is_authenticated
        else None
    )
    if specialist_leads_scheduling(brand=brand, patient=patient, specialist=specialist):
        # After the first booking the specialist proposes times: no open slots for this patient.
        session_type = (
            SessionType.objects.filter(specialist=specialist, is_active=True)
            .order_by("duration_minutes", "pk")
            .first()
        )
        context: dict = {
            "specialist": specialist,
            "session_type": session_type,
            "slots": [],
            "price": session_price(session_type, brand) if session_type is not None else None,
            "specialist_leads": True,
        }
        return render(request, "matching/profile.html", context)
    return render(request, "matching/profile.html", _profile_context(specialist, brand))


@login_required
@require_http_methods(["GET", "POST"])
def match(request: BrandRequest) -> HttpResponse:
    """The questionnaire. Smart brands allocate the best match at once; guided brands show
    a ranked shortlist to choose from. Browse brands are sent to the list."""
    brand = _brand(request)
    patient = patient_for(request.user, brand)
    if brand.discovery_mode == brand.Discovery.BROWSE:
        return redirect("specialist_browse")
    form = questionnaire.match_form(brand, request.POST or None)
    shortlist = None
    error = None
    if request.method == "POST" and form.is_valid():
        answers = smart.answers_from(
            form.cleaned_data,
            time_zone=timezone.get_current_timezone_name(),
            region=licences.brand_region(brand),
        )
        candidates = smart.rank(brand, answers)
        if candidates:
            # Profiles are precomputed; make the shortlist's availability current before
            # allocating and explaining (a constant number of queries).
            actions.refresh_match_profiles(specialist_ids=[c.specialist.pk for c in candidates])
            candidates = smart.rank(brand, answers)
        if not candidates:
            error = _(
                "No specialist meets all your choices right now. Try another language or "
                "specialisation, or contact us."
            )
        elif brand.discovery_mode == brand.Discovery.SMART:
            best = candidates[0]
            try:
                actions.start_care(
                    patient=patient,
                    specialist=best.specialist,
                    source=CareRelationship.Source.SMART,
                    reasons=best.reasons,
                    acting_user=request.user,
                )
            except actions.MatchingError as exc:
                error = str(exc.message)
            else:
                return redirect("match_result")
        else:
            shortlist = candidates
            shortlists.remember(request.session, brand, candidates, flow=GUIDED_FLOW)
    return render(
        request,
        "matching/match.html",
        {"form": form, "shortlist": shortlist, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def choose(request: BrandRequest, specialist_id: uuid.UUID) -> HttpResponse:
    """A guided-matching patient picks one of the shortlist."""
    brand = _brand(request)
    patient = patient_for(request.user, brand)
    if brand.discovery_mode != brand.Discovery.GUIDED:
        raise Http404
    specialist = access.treatable_specialists(brand).filter(uuid=specialist_id).first()
    # Only someone on the shortlist shown, with the reasons the ranking gave.
    if specialist is None:
        raise Http404
    reasons = shortlists.reasons_for(request.session, brand, specialist, flow=GUIDED_FLOW)
    if reasons is None:
        raise Http404
    try:
        actions.start_care(
            patient=patient,
            specialist=specialist,
            source=CareRelationship.Source.GUIDED,
            reasons=reasons,
            acting_user=request.user,
        )
    except actions.MatchingError as exc:
        messages.error(request, str(exc.message))
        return redirect("match")
    shortlists.forget(request.session)
    return redirect("match_result")


@login_required
@require_safe
def match_result(request: BrandRequest) -> HttpResponse:
    """The patient's current specialist and why they were matched."""
    brand = _brand(request)
    patient = patient_for(request.user, brand)
    care = access.current_care(patient)
    if care is None:
        return redirect("match")
    specialist = access.access_listed_specialist(brand, care.specialist.uuid)
    context = _profile_context(specialist, brand)
    context["care"] = care
    return render(request, "matching/match_result.html", context)


# --- Specialists (practice, platform host) ----------------------------------------------------


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
    context = _profile_context(shown, listing.brand)
    context.update(listing=listing, preview=True)
    return render(request, "matching/practice_preview.html", context)


# --- Staff (platform host) --------------------------------------------------------------------


def _staff_page(
    request, brand, *, add_form=None, settings_form=None, override_form=None, status=200
):
    settings_row = access.brand_matching(brand)
    return render(
        request,
        "matching/staff_listings.html",
        {
            "managed_brand": brand,
            "listings": list(access.staff_listings(brand)),
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
    if form.is_valid():
        try:
            actions.list_specialist(
                brand=brand,
                specialist=form.cleaned_data["specialist"],
                price_minor=form.cleaned_data["price"],
                acting_user=request.user,
            )
        except actions.MatchingError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The specialist is listed."))
            return redirect("staff_listings", brand.slug)
    return _staff_page(request, brand, add_form=form, status=400)


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
    if form.is_valid():
        try:
            actions.start_care(
                patient=form.cleaned_data["patient"],
                specialist=form.cleaned_data["specialist"],
                source=CareRelationship.Source.STAFF,
                acting_user=request.user,
            )
        except actions.MatchingError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The patient's specialist is set."))
            return redirect("staff_listings", brand.slug)
    return _staff_page(request, brand, override_form=form, status=400)
