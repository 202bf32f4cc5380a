"""The patient's discovery pages (brand host): browse, a specialist's profile, the matching
questionnaire, choosing from the shortlist and the result."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.accounts.access import patient_record
from hale.accounts.pagecache import cacheable
from hale.core.http import BrandRequest
from hale.matching import access, actions, questionnaire
from hale.matching import shortlist as shortlists
from hale.matching.first_booking import specialist_leads_scheduling
from hale.matching.forms.browse import BrowseForm
from hale.matching.models import CareRelationship
from hale.matching.views.common import (
    choose_from_shortlist,
    current_candidates,
    no_match_message,
    request_brand,
)
from hale.scheduling.access import patient_for
from hale.scheduling.models import SessionType
from hale.scheduling.pricing import session_price
from hale.scheduling.slots import offered_slots

NEXT_TIMES_SHOWN = 6


GUIDED_FLOW = "guided"


@cacheable
@require_safe
def browse(request: BrandRequest) -> HttpResponse:
    """Search and filter the brand's listed specialists (brands in *browse* mode)."""
    brand = request_brand(request)
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


def _shortest_session_type(specialist):
    return (
        SessionType.objects.filter(specialist=specialist, is_active=True)
        .order_by("duration_minutes", "pk")
        .first()
    )


def _next_times(specialist):
    """The next offered times of the specialist's shortest session type, this fortnight."""
    session_type = _shortest_session_type(specialist)
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


def profile_context(specialist, brand) -> dict:
    """A profile page's context: the specialist, price and next times (also the practice
    preview's, which shows exactly what patients see)."""
    session_type, slots = _next_times(specialist)
    price = session_price(session_type, brand) if session_type is not None else None
    return {"specialist": specialist, "session_type": session_type, "slots": slots, "price": price}


@cacheable
@require_safe
def profile(request: BrandRequest, specialist_id: uuid.UUID) -> HttpResponse:
    """A listed specialist's public profile with price and next times; 404 if not listed."""
    brand = request_brand(request)
    specialist = access.access_listed_specialist(brand, specialist_id)
    patient = patient_record(request.user, brand)
    if specialist_leads_scheduling(brand=brand, patient=patient, specialist=specialist):
        # After the first booking the specialist proposes times: no open slots for this patient.
        session_type = _shortest_session_type(specialist)
        context: dict = {
            "specialist": specialist,
            "session_type": session_type,
            "slots": [],
            "price": session_price(session_type, brand) if session_type is not None else None,
            "specialist_leads": True,
        }
        return render(request, "matching/profile.html", context)
    return render(request, "matching/profile.html", profile_context(specialist, brand))


@login_required
@require_http_methods(["GET", "POST"])
def match(request: BrandRequest) -> HttpResponse:
    """The questionnaire. Smart brands allocate the best match at once; guided brands show
    a ranked shortlist to choose from. Browse brands are sent to the list."""
    brand = request_brand(request)
    patient = patient_for(request.user, brand)
    if brand.discovery_mode == brand.Discovery.BROWSE:
        return redirect("specialist_browse")
    form = questionnaire.match_form(brand, request.POST or None)
    shortlist = None
    error = None
    if request.method == "POST" and form.is_valid():
        candidates = current_candidates(brand, form.cleaned_data)
        if not candidates:
            error = no_match_message()
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
    brand = request_brand(request)
    patient = patient_for(request.user, brand)
    if brand.discovery_mode != brand.Discovery.GUIDED:
        raise Http404
    chosen = choose_from_shortlist(
        request,
        brand,
        specialist_id,
        patient=patient,
        flow=GUIDED_FLOW,
        source=CareRelationship.Source.GUIDED,
    )
    if not chosen:
        return redirect("match")
    return redirect("match_result")


@login_required
@require_safe
def match_result(request: BrandRequest) -> HttpResponse:
    """The patient's current specialist and why they were matched."""
    brand = request_brand(request)
    patient = patient_for(request.user, brand)
    care = access.current_care(patient)
    if care is None:
        return redirect("match")
    specialist = access.access_listed_specialist(brand, care.specialist.uuid)
    context = profile_context(specialist, brand)
    context["care"] = care
    return render(request, "matching/match_result.html", context)
