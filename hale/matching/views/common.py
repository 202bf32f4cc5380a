"""What the matching views share: the brand of a brand-host request, the current ranking of
a questionnaire's answers, choosing from a shortlist, and a refused action shown as a form
error."""

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.accounts.models import Patient
from hale.core.http import BrandRequest
from hale.matching import access, actions, licences, smart
from hale.matching import shortlist as shortlists
from hale.tenancy.models import Brand


def request_brand(request: BrandRequest) -> Brand:
    """The brand of the host; 404 on the platform host."""
    if getattr(request, "brand", None) is None:
        raise Http404
    return request.brand


def current_candidates(brand: Brand, data: dict) -> list[smart.Candidate]:
    """The ranking for the questionnaire's cleaned ``data``. Profiles are precomputed; the
    shortlist's availability is made current before allocating and explaining (a constant
    number of queries)."""
    answers = smart.answers_from(
        data,
        time_zone=timezone.get_current_timezone_name(),
        region=licences.brand_region(brand),
    )
    candidates = smart.rank(brand, answers)
    if candidates:
        actions.refresh_match_profiles(specialist_ids=[c.specialist.pk for c in candidates])
        candidates = smart.rank(brand, answers)
    return candidates


def no_match_message() -> str:
    return _(
        "No specialist meets all your choices right now. Try another language or "
        "specialisation, or contact us."
    )


def choose_from_shortlist(
    request: HttpRequest,
    brand: Brand,
    specialist_id: uuid.UUID,
    *,
    patient: Patient,
    flow: str,
    source: str,
) -> bool:
    """Start the patient's care with the specialist picked from the shortlist this flow
    showed, with the reasons the ranking gave. 404 for anyone not treatable on the brand or
    not on that shortlist; a refused start is shown as a message and gives False."""
    specialist = access.treatable_specialists(brand).filter(uuid=specialist_id).first()
    if specialist is None:
        raise Http404
    reasons = shortlists.reasons_for(request.session, brand, specialist, flow=flow)
    if reasons is None:
        raise Http404
    try:
        actions.start_care(
            patient=patient,
            specialist=specialist,
            source=source,
            reasons=reasons,
            acting_user=request.user,
        )
    except actions.MatchingError as exc:
        messages.error(request, str(exc.message))
        return False
    shortlists.forget(request.session)
    return True


def run_for_valid(form: forms.Form, action: Callable[[], object]) -> bool:
    """Run ``action`` when ``form`` is valid; a refused action (``MatchingError``) becomes a
    form error. True when the action ran."""
    if not form.is_valid():
        return False
    try:
        action()
    except actions.MatchingError as exc:
        form.add_error(None, str(exc.message))
        return False
    return True
