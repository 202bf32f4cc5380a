"""Intake forms in the patient portal (brand hosts): what waits and what was sent, filling
in with a draft kept as they go (autosave and a "Save draft" button), submitting, and the
read-only answers with their PDF."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core.http import BrandRequest, client_ip, user_agent
from hale.core.markdown import render_markdown
from hale.intake import access, actions, schema
from hale.intake.errors import AlreadySubmitted, IntakeError
from hale.intake.views import common


@login_required
@require_safe
def form_list(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    rows = list(access.patient_assignments(patient))
    return render(
        request,
        "intake/patient/list.html",
        {
            "pending": [r for r in rows if r.is_pending],
            "submitted": [r for r in rows if not r.is_pending],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def fill(request: BrandRequest, assignment_id: uuid.UUID) -> HttpResponse:
    """The form (pending) or the read-only answers (submitted)."""
    patient = access.own_patient(request.user, request.brand)
    assignment = access.access_patient_assignment(patient, assignment_id)
    if not assignment.is_pending:
        if request.method == "POST":
            messages.info(request, _("This form was already submitted; your answers are kept."))
            return redirect("intake_fill", assignment.uuid)
        return common.answers_page(
            request,
            assignment,
            base_template="patient/base.html",
            pdf_url=reverse("intake_pdf", args=[assignment.uuid]),
            back_url=reverse("intake_list"),
            brand=request.brand,
        )
    fields = assignment.version.fields
    error = None
    if request.method == "POST" and "save_draft" in request.POST:
        try:
            actions.save_draft(
                assignment=assignment, patient=patient, acting_user=request.user, data=request.POST
            )
        except AlreadySubmitted as exc:
            messages.info(request, str(exc.message))
        except IntakeError as exc:
            messages.error(request, str(exc.message))
            return redirect("intake_list")
        else:
            messages.success(request, _("Draft saved. You can come back to it at any time."))
        return redirect("intake_fill", assignment.uuid)
    if request.method == "POST":
        form = schema.FillForm(request.POST, fields=fields)
        if form.is_valid():
            try:
                actions.submit(
                    assignment=assignment,
                    patient=patient,
                    acting_user=request.user,
                    answers=form.answers(),
                    ip_address=client_ip(request),
                    user_agent=user_agent(request),
                )
            except AlreadySubmitted as exc:
                messages.info(request, str(exc.message))
            except IntakeError as exc:
                messages.error(request, str(exc.message))
                return redirect("intake_list")
            else:
                messages.success(
                    request,
                    _("Thank you: “%(title)s” is submitted.") % {"title": assignment.version.title},
                )
            return redirect("intake_fill", assignment.uuid)
        error = _("Some answers need your attention (marked below).")
    else:
        form = schema.FillForm(
            initial=schema.initial_from(assignment.answers, fields), fields=fields
        )
    return render(
        request,
        "intake/patient/fill.html",
        {
            "assignment": assignment,
            "version": assignment.version,
            "description_html": mark_safe(render_markdown(assignment.version.description)),  # noqa: S308
            "form": form,
            "error": error,
            "has_signature": any(f["type"] == "signature" for f in fields),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def draft(request: BrandRequest, assignment_id: uuid.UUID) -> JsonResponse:
    """Autosave (fetch from the fill page): keeps the draft, answers when it was saved."""
    patient = access.own_patient(request.user, request.brand)
    assignment = access.access_patient_assignment(patient, assignment_id)
    try:
        saved = actions.save_draft(
            assignment=assignment, patient=patient, acting_user=request.user, data=request.POST
        )
    except IntakeError as exc:
        return JsonResponse({"ok": False, "error": str(exc.message)}, status=409)
    saved_at = saved.draft_saved_at.isoformat() if saved.draft_saved_at else ""
    return JsonResponse({"ok": True, "saved_at": saved_at})


@login_required
@require_safe
def answers_pdf(request: BrandRequest, assignment_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    assignment = access.access_patient_assignment(patient, assignment_id)
    return common.pdf_response(request, assignment, brand=request.brand)
