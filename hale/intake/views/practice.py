"""Intake forms for specialists (/practice/): send a form to one of their patients and read
the answers of their patients' forms (through the care relationship; every read audited)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.intake import access, actions
from hale.intake.errors import IntakeError
from hale.intake.forms import SendForm
from hale.intake.views import common
from hale.matching.access import access_specialist_patient


@login_required
@require_POST
def send(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    patient = access_specialist_patient(specialist, patient_id, active_only=True)
    form = SendForm(request.POST, intake_forms=access.sendable_forms(patient))
    if form.is_valid():
        try:
            actions.send_form(
                form=form.cleaned_data["form"],
                patient=patient,
                acting_user=request.user,
                specialist=specialist,
            )
        except IntakeError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The form has been sent to the patient."))
    else:
        messages.error(request, _("Choose a form to send."))
    return redirect(reverse("practice_patient", args=[patient.uuid]) + "#forms")


@login_required
@require_safe
def answers(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    assignment = access.access_specialist_assignment(specialist, assignment_id)
    return common.answers_page(
        request,
        assignment,
        base_template="specialist/base.html",
        pdf_url=reverse("practice_intake_pdf", args=[assignment.uuid]),
        back_url=reverse("practice_patient", args=[assignment.patient.uuid]) + "#forms",
        brand=assignment.patient.brand,
    )


@login_required
@require_safe
def answers_pdf(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    specialist = access.own_specialist(request.user)
    assignment = access.access_specialist_assignment(specialist, assignment_id)
    return common.pdf_response(request, assignment, brand=assignment.patient.brand)
