"""The brand's intake forms in the back office (/staff/brands/<slug>/forms/): the form
builder, the session types a form is sent for at booking, sending to one patient, the
answers of every patient of the brand, and withdrawing an unanswered form."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.accounts.access import access_brand_patient, brand_patients
from hale.core import audit
from hale.core.csvexport import csv_response
from hale.intake import access, actions, schema
from hale.intake.errors import IntakeError
from hale.intake.forms import (
    FormDetailsForm,
    QuestionFormSet,
    SendForm,
    StaffSendForm,
    rows_from,
)
from hale.intake.views import common
from hale.scheduling.models import SessionType


def _session_types(brand):
    return (
        SessionType.objects.filter(specialist__listings__brand=brand, is_active=True)
        .select_related("specialist")
        .distinct()
    )


@login_required
@require_safe
def form_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    forms = list(access.brand_forms(brand).order_by("title", "pk"))
    return render(request, "intake/staff/list.html", {"managed_brand": brand, "forms": forms})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def form_edit(
    request: HttpRequest, brand_slug: str, form_id: uuid.UUID | None = None
) -> HttpResponse:
    """The builder: the form's details, its questions (add, edit, reorder, remove) and, for
    a saved form, who it was sent to."""
    brand = access.staff_brand(request.user, brand_slug)
    intake_form = access.access_staff_form(brand, form_id) if form_id else None
    version = access.current_version(intake_form) if intake_form else None
    initial = {}
    if intake_form is not None:
        initial = {
            "title": intake_form.title,
            "description": intake_form.description,
            "session_types": [str(t.uuid) for t in intake_form.session_types.all()],
            "is_active": intake_form.is_active,
            "revision": intake_form.revision,
        }
    data = request.POST if request.method == "POST" else None
    details = FormDetailsForm(data, initial=initial, session_types=_session_types(brand))
    questions = QuestionFormSet(
        data, initial=rows_from(version.fields) if version else None, prefix="q"
    )
    if request.method == "POST" and details.is_valid() and questions.is_valid():
        rows = [f.row() for f in questions.ordered_forms]
        try:
            saved = actions.save_form(
                brand=brand,
                acting_user=request.user,
                form=intake_form,
                revision=details.cleaned_data["revision"],
                title=details.cleaned_data["title"],
                description=details.cleaned_data["description"],
                rows=rows,
                session_types=details.cleaned_data["session_types"],
                is_active=details.cleaned_data["is_active"] if intake_form else True,
            )
        except IntakeError as exc:
            details.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The form is saved."))
            return redirect("staff_intake_edit", brand.slug, saved.uuid)
    context: dict = {
        "managed_brand": brand,
        "intake_form": intake_form,
        "version": version,
        "details": details,
        "questions": questions,
    }
    if intake_form is not None:
        context["sent"] = list(
            intake_form.assignments.select_related("patient", "version").order_by("-sent_at")[:200]
        )
        context["send_form"] = StaffSendForm(patients=brand_patients(brand))
    return render(request, "intake/staff/edit.html", context)


@login_required
@require_safe
def answers_csv(request: HttpRequest, brand_slug: str, form_id: uuid.UUID) -> HttpResponse:
    """Everyone's submitted answers to this form, one row per patient and submission."""
    brand = access.staff_brand(request.user, brand_slug)
    intake_form = access.access_staff_form(brand, form_id)
    fields = schema.columns(intake_form.versions.all())
    submitted = (
        intake_form.assignments.filter(status="submitted")
        .select_related("patient", "version")
        .order_by("submitted_at", "pk")
    )
    rows = (
        [
            a.patient.full_name,
            a.patient.email,
            a.submitted_at.isoformat() if a.submitted_at else "",
            a.version.number,
            *(
                r.text if a.answers.get(f["key"]) not in (None, "", []) else ""
                for f, r in zip(fields, schema.readable(a.answers, fields), strict=True)
            ),
        ]
        for a in submitted
    )
    audit.record(request.user, "intake.answers_exported", intake_form, brand=brand)
    header = [_("Patient"), _("Email"), _("Submitted"), _("Version"), *(f["label"] for f in fields)]
    return csv_response(f"{intake_form.title}.csv", header, rows)


@login_required
@require_POST
def form_send(request: HttpRequest, brand_slug: str, form_id: uuid.UUID) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    intake_form = access.access_staff_form(brand, form_id)
    form = StaffSendForm(request.POST, patients=brand_patients(brand))
    if form.is_valid():
        _send(request, intake_form, form.cleaned_data["patient"])
    else:
        messages.error(request, _("Choose a patient."))
    return redirect("staff_intake_edit", brand.slug, intake_form.uuid)


def _send(request, intake_form, patient) -> None:
    try:
        actions.send_form(form=intake_form, patient=patient, acting_user=request.user)
    except IntakeError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The form has been sent to the patient."))


@login_required
@require_POST
def patient_send(request: HttpRequest, brand_slug: str, patient_id: uuid.UUID) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    patient = access_brand_patient(brand, patient_id)
    form = SendForm(request.POST, intake_forms=access.sendable_forms(patient))
    if form.is_valid():
        _send(request, form.cleaned_data["form"], patient)
    else:
        messages.error(request, _("Choose a form to send."))
    return redirect(reverse("staff_patient_detail", args=[brand.slug, patient.uuid]) + "#forms")


@login_required
@require_safe
def answers(request: HttpRequest, brand_slug: str, assignment_id: uuid.UUID) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    assignment = access.access_staff_assignment(brand, assignment_id)
    return common.answers_page(
        request,
        assignment,
        base_template="staff/base.html",
        pdf_url=reverse("staff_intake_pdf", args=[brand.slug, assignment.uuid]),
        back_url=reverse("staff_patient_detail", args=[brand.slug, assignment.patient.uuid])
        + "#forms",
        brand=brand,
        extra={
            "withdraw_url": reverse("staff_intake_withdraw", args=[brand.slug, assignment.uuid])
        },
    )


@login_required
@require_safe
def answers_pdf(request: HttpRequest, brand_slug: str, assignment_id: uuid.UUID) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    assignment = access.access_staff_assignment(brand, assignment_id)
    return common.pdf_response(request, assignment, brand=brand)


@login_required
@require_POST
def withdraw(request: HttpRequest, brand_slug: str, assignment_id: uuid.UUID) -> HttpResponse:
    brand = access.staff_brand(request.user, brand_slug)
    assignment = access.access_staff_assignment(brand, assignment_id)
    try:
        actions.withdraw(assignment=assignment, acting_user=request.user)
    except IntakeError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The form was withdrawn."))
    return redirect(
        reverse("staff_patient_detail", args=[brand.slug, assignment.patient.uuid]) + "#forms"
    )
