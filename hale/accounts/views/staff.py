"""Patients back office (platform host): patient records, portal access and invitations.

Every view first resolves the brand through ``access_staff_brand``: staff of another brand get
the same 404 as for a brand that does not exist, before anything is read or changed.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.accounts import invitations
from hale.accounts.forms import InvitationForm, PatientForm, PatientSearchForm
from hale.accounts.hooks import record_sections
from hale.accounts.invitations import InvitationError
from hale.accounts.models import Patient
from hale.core import audit
from hale.core.http import SignedInRequest
from hale.tenancy.access import access_staff_brand

PAGE_SIZE = 50


def _detail_url(patient: Patient) -> str:
    return reverse("staff_patient_detail", args=[patient.brand.slug, patient.uuid])


def _detail_page(
    request: HttpRequest,
    brand,
    patient: Patient,
    *,
    invitation_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts/staff/patient_detail.html",
        {
            "managed_brand": brand,
            "patient": patient,
            "invitations": invitations.patient_invitations(patient),
            "activity": invitations.patient_activity(patient),
            "invitation_form": invitation_form or InvitationForm(),
            "max_pending": invitations.MAX_PENDING_PER_PATIENT,
            "record_sections": record_sections(
                patient=patient, audience="staff", user=request.user, brand=brand
            ),
        },
        status=status,
    )


@login_required
@require_GET
def staff_patient_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = PatientSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = Paginator(invitations.staff_patients(brand, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/staff/patient_list.html",
        {
            "managed_brand": brand,
            "search_form": form,
            "query": query,
            "page": page,
            "patients": list(page.object_list),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_patient_create(request: SignedInRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient = invitations.create_patient(
                acting_user=request.user,
                brand=brand,
                email=data["email"],
                full_name=data["full_name"],
                date_of_birth=data["date_of_birth"],
                phone=data["phone"],
                time_zone=data["time_zone"],
                language=data["language"],
                portal_enabled=data["portal_enabled"],
            )
        except InvitationError as exc:
            form.add_error("email" if exc.code == "duplicate_email" else None, exc.message)
        else:
            messages.success(request, _("The patient record is created."))
            return redirect(_detail_url(patient))
    return render(
        request,
        "accounts/staff/patient_form.html",
        {
            "managed_brand": brand,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def staff_patient_detail(
    request: HttpRequest, brand_slug: str, patient_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    patient = invitations.access_staff_patient(brand, patient_id)
    audit.record(request.user, "patient.viewed", patient, brand=brand)
    return _detail_page(request, brand, patient)


@login_required
@require_POST
def staff_patient_portal_access(
    request: SignedInRequest, brand_slug: str, patient_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    patient = invitations.access_staff_patient(brand, patient_id)
    enabled = request.POST.get("enabled") == "1"
    invitations.set_portal_access(acting_user=request.user, patient=patient, enabled=enabled)
    if enabled:
        messages.success(
            request, _("Portal access is on. Send an invitation if the patient has no account yet.")
        )
    else:
        messages.success(
            request,
            _(
                "Portal access is off: pending invitations are revoked "
                "and the patient can no longer sign in to this portal."
            ),
        )
    return redirect(_detail_url(patient))


@login_required
@require_POST
def staff_invitation_send(
    request: SignedInRequest, brand_slug: str, patient_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    patient = invitations.access_staff_patient(brand, patient_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.send_invitation(
                acting_user=request.user,
                patient=patient,
                expires_in_hours=form.cleaned_data["expires_in_hours"],
            )
        except InvitationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return redirect(_detail_url(patient))
    return _detail_page(request, brand, patient, invitation_form=form, status=400)


@login_required
@require_POST
def staff_invitation_revoke(
    request: SignedInRequest, brand_slug: str, patient_id: uuid.UUID, invitation_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    patient = invitations.access_staff_patient(brand, patient_id)
    invitation = invitations.access_staff_invitation(patient, invitation_id)
    try:
        invitations.revoke_invitation(acting_user=request.user, invitation=invitation)
    except InvitationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation is revoked; its link no longer works."))
    return redirect(_detail_url(patient))
