"""Clinical leads: the lead's supervision pages (practice) and the brand staff back office."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.matching import leads
from hale.matching.forms.leads import SupervisionForm
from hale.matching.views.common import run_for_valid
from hale.scheduling.access import own_specialist
from hale.tenancy.access import access_staff_brand

# --- The lead (practice, platform host) -------------------------------------------------------


@login_required
@require_safe
def supervision_home(request: HttpRequest) -> HttpResponse:
    lead = own_specialist(request.user)
    return render(
        request,
        "matching/leads/supervision_home.html",
        {"supervisions": list(leads.lead_supervisions(lead))},
    )


@login_required
@require_safe
def supervision_patients(request: HttpRequest, supervision_id: uuid.UUID) -> HttpResponse:
    lead = own_specialist(request.user)
    supervision = leads.access_lead_supervision(lead, supervision_id)
    return render(
        request,
        "matching/leads/supervision_patients.html",
        {"supervision": supervision, "patients": list(leads.supervised_patients(supervision))},
    )


@login_required
@require_safe
def supervision_history(
    request: HttpRequest, supervision_id: uuid.UUID, patient_id: uuid.UUID
) -> HttpResponse:
    lead = own_specialist(request.user)
    supervision = leads.access_lead_supervision(lead, supervision_id)
    patient = leads.access_supervised_patient(supervision, patient_id)
    appointments = leads.view_patient_history(
        supervision=supervision, patient=patient, acting_user=request.user
    )
    response = render(
        request,
        "matching/leads/supervision_history.html",
        {"supervision": supervision, "patient": patient, "appointments": appointments},
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Brand staff (platform host) --------------------------------------------------------------


def _staff_page(request, brand, *, form=None, status=200):
    return render(
        request,
        "matching/leads/staff_leads.html",
        {
            "managed_brand": brand,
            "supervisions": list(leads.staff_supervisions(brand)),
            "form": form or SupervisionForm(queryset=leads.supervisable_specialists(brand)),
        },
        status=status,
    )


@login_required
@require_safe
def staff_leads(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    return _staff_page(request, brand)


@login_required
@require_POST
def staff_lead_add(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = SupervisionForm(request.POST, queryset=leads.supervisable_specialists(brand))
    added = run_for_valid(
        form,
        lambda: leads.add_supervision(
            brand=brand,
            lead=form.cleaned_data["lead"],
            supervisee=form.cleaned_data["supervisee"],
            acting_user=request.user,
        ),
    )
    if added:
        messages.success(request, _("The clinical lead is set."))
        return redirect("staff_leads", brand.slug)
    return _staff_page(request, brand, form=form, status=400)


@login_required
@require_POST
def staff_lead_remove(
    request: HttpRequest, brand_slug: str, supervision_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    supervision = leads.access_staff_supervision(brand, supervision_id)
    leads.remove_supervision(supervision=supervision, acting_user=request.user)
    messages.success(request, _("The supervision is removed."))
    return redirect("staff_leads", brand.slug)
