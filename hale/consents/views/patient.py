"""Consents in the patient portal (brand hosts): what is signed and what waits, signing,
and the read-only view and PDF of a signature. Only on brands whose plan includes signing
documents (the Portal add-on); elsewhere every page answers 404."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hale.consents import access, actions
from hale.consents.errors import AlreadySigned, ConsentError, StaleVersion
from hale.consents.forms import SignForm
from hale.consents.models import Requirement
from hale.consents.views import common
from hale.core.http import BrandRequest, client_ip, safe_next, user_agent
from hale.core.markdown import render_markdown
from hale.scheduling.models import Appointment
from hale.tenancy.access import plan_feature_required
from hale.tenancy.models import PlanFeature

signing_required = plan_feature_required(PlanFeature.SIGN_DOCUMENTS)


@signing_required
@login_required
@require_safe
def consent_list(request: BrandRequest) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    status = access.patient_status(patient)
    from hale.consents.gating import sign_url

    return render(
        request,
        "consents/patient/list.html",
        {
            "status": status,
            "pending": [(p, sign_url(p)) for p in status.pending],
        },
    )


def _appointment(patient, value: str) -> Appointment | None:
    if not value:
        return None
    try:
        wanted = uuid.UUID(value)
    except ValueError:
        raise Http404 from None
    appointment = Appointment.objects.filter(uuid=wanted, patient=patient).first()
    if appointment is None:
        raise Http404
    return appointment


@signing_required
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consent_sign(request: BrandRequest, template_id: uuid.UUID) -> HttpResponse:
    """The current version's text, the signature pad and the "legally binding" tick. The
    form carries the version it showed; a stale one is refused with the current text."""
    patient = access.own_patient(request.user, request.brand)
    template = access.access_template_to_sign(patient, template_id)
    params = request.POST if request.method == "POST" else request.GET
    appointment = _appointment(patient, params.get("appointment", ""))
    if template.requirement == Requirement.EVERY_SESSION and appointment is None:
        pending = [
            p
            for p in access.patient_status(patient).pending
            if p.template.pk == template.pk and p.appointment is not None
        ]
        if pending and not any(p.request for p in pending):
            appointment = pending[0].appointment
    version = access.current_version(template)
    if version is None:
        raise Http404
    back = safe_next(request, params.get("next"), reverse("consent_list"))
    error = None
    if request.method == "POST":
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                signature = actions.sign_consent(
                    patient=patient,
                    template=template,
                    version_number=form.cleaned_data["version"],
                    signature=form.cleaned_data["signature"],
                    acting_user=request.user,
                    ip_address=client_ip(request),
                    user_agent=user_agent(request),
                    appointment=appointment,
                )
            except AlreadySigned as exc:
                messages.info(request, str(exc.message))
                return redirect(back)
            except StaleVersion as exc:
                error = str(exc.message)
                version = access.current_version(template)
                if version is None:
                    raise Http404 from None
                form = SignForm(initial={"version": version.number, "next": back})
            except ConsentError as exc:
                error = str(exc.message)
            else:
                messages.success(
                    request,
                    _("Thank you: “%(title)s” is signed.") % {"title": signature.version.title},
                )
                return redirect(back)
    else:
        form = SignForm(initial={"version": version.number, "next": back})
    return render(
        request,
        "consents/patient/sign.html",
        {
            "template": template,
            "version": version,
            "body_html": mark_safe(render_markdown(version.body)),  # noqa: S308 - sanitised
            "form": form,
            "error": error,
            "appointment": appointment,
            "back": back,
        },
        status=409 if error else 200,
    )


@signing_required
@login_required
@require_safe
def consent_signed(request: BrandRequest, signature_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    signature = access.access_patient_signature(patient, signature_id)
    return common.signed_page(
        request,
        signature,
        base_template="patient/base.html",
        pdf_url=reverse("consent_pdf", args=[signature.uuid]),
        back_url=reverse("consent_list"),
        brand=request.brand,
    )


@signing_required
@login_required
@require_safe
def consent_pdf(request: BrandRequest, signature_id: uuid.UUID) -> HttpResponse:
    patient = access.own_patient(request.user, request.brand)
    signature = access.access_patient_signature(patient, signature_id)
    return common.pdf_response(request, signature, brand=request.brand)
