"""Documents in the brand's back office (platform host, /staff/brands/<slug>/patients/...):
share a document with a patient of the brand, open their documents (audited), withdraw."""

import uuid

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.accounts.access import access_brand_patient
from hale.documents import access, actions
from hale.documents.forms import ShareForm
from hale.documents.views.common import serve_document, store_and


def _scope(request: HttpRequest, brand_slug: str, patient_id: uuid.UUID):
    brand = access.staff_brand(request.user, brand_slug)
    return brand, access_brand_patient(brand, patient_id)


def _patient_url(brand, patient) -> str:
    return reverse("staff_patient_detail", args=[brand.slug, patient.uuid])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share(request: HttpRequest, brand_slug: str, patient_id: uuid.UUID) -> HttpResponse:
    brand, patient = _scope(request, brand_slug, patient_id)
    form = ShareForm(request.POST or None, request.FILES or None, policy=brand.upload_policy())
    if request.method == "POST" and form.is_valid():
        shared = store_and(
            form,
            brand=brand,
            user=request.user,
            action=lambda stored: actions.share_document(
                patient=patient,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                message=form.cleaned_data["message"],
                upload=stored,
                acting_user=request.user,
            ),
        )
        if shared is not None:
            flash.success(request, _("The document is shared with the patient."))
            return redirect(_patient_url(brand, patient))
    return render(
        request,
        "documents/share.html",
        {
            "base_template": "staff/base.html",
            "managed_brand": brand,
            "patient": patient,
            "form": form,
            "back_url": _patient_url(brand, patient),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def file(
    request: HttpRequest, brand_slug: str, patient_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse:
    _brand, patient = _scope(request, brand_slug, patient_id)
    document = access.access_team_document(patient, document_id)
    response = serve_document(request, document)
    actions.record_team_read(document=document, acting_user=request.user, side="staff")
    return response


@login_required
@require_POST
def withdraw(
    request: HttpRequest, brand_slug: str, patient_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse:
    brand, patient = _scope(request, brand_slug, patient_id)
    document = access.access_team_document(patient, document_id)
    try:
        actions.withdraw_document(document=document, acting_user=request.user)
    except actions.DocumentError as exc:
        flash.error(request, str(exc.message))
    else:
        flash.success(request, _("The document is withdrawn."))
    return redirect(_patient_url(brand, patient))
