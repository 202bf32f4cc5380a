"""Consents for specialists (/practice/): ask one of their patients to sign, and read the
signatures of their patients (through an active care relationship)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.consents import access, actions
from hale.consents.errors import ConsentError
from hale.consents.forms import RequestForm
from hale.consents.views import common
from hale.matching.access import access_specialist_patient


@login_required
@require_POST
def request_consent(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    patient = access_specialist_patient(specialist, patient_id, active_only=True)
    form = RequestForm(request.POST, templates=access.requestable_templates(patient))
    if form.is_valid():
        try:
            actions.request_consent(
                template=form.cleaned_data["template"],
                patient=patient,
                acting_user=request.user,
                specialist=specialist,
                note=form.cleaned_data["note"],
            )
        except ConsentError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The patient has been asked to sign."))
    else:
        messages.error(request, _("Choose a consent to send."))
    return redirect(reverse("practice_patient", args=[patient.uuid]) + "#consents")


@login_required
@require_safe
def signed(request: HttpRequest, signature_id: uuid.UUID) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    signature = access.access_specialist_signature(specialist, signature_id)
    return common.signed_page(
        request,
        signature,
        base_template="specialist/base.html",
        pdf_url=reverse("practice_consent_pdf", args=[signature.uuid]),
        back_url=reverse("practice_patient", args=[signature.patient.uuid]),
        brand=signature.patient.brand,
    )


@login_required
@require_safe
def signed_pdf(request: HttpRequest, signature_id: uuid.UUID) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    signature = access.access_specialist_signature(specialist, signature_id)
    return common.pdf_response(request, signature, brand=signature.patient.brand)
