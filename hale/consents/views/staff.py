"""The brand's consents in the back office (/staff/brands/<slug>/consents/): templates,
drafts and published versions, who signed which version, and requests to one patient. Staff
may prepare consents on any plan; patients sign them only with the Portal add-on, which the
pages say (``signing_offered``)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.accounts.access import access_brand_patient, brand_patients
from hale.consents import access, actions
from hale.consents.errors import ConsentError
from hale.consents.forms import PatientChoiceForm, RequestForm, TemplateForm
from hale.consents.views import common
from hale.matching.models import Program
from hale.scheduling.models import SessionType
from hale.tenancy.access import access_staff_brand


def _template_form(brand, *args, **kwargs) -> TemplateForm:
    session_types = SessionType.objects.filter(
        specialist__listings__brand=brand, is_active=True
    ).select_related("specialist")
    programs = Program.objects.filter(brand=brand)
    return TemplateForm(*args, session_types=session_types, programs=programs, **kwargs)


def _values(form: TemplateForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data["body"],
        "requirement": data["requirement"],
        "session_type": data["session_type"],
        "program": data["program"],
        "resign_on_new_version": data["resign_on_new_version"],
    }


@login_required
@require_safe
def template_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    templates = list(access.brand_templates(brand).order_by("title", "pk"))
    versions = access.current_versions(t.pk for t in templates)
    return render(
        request,
        "consents/staff/list.html",
        {
            "managed_brand": brand,
            "rows": [(t, versions.get(t.pk)) for t in templates],
            "signing_offered": access.signing_offered(brand),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_new(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = _template_form(brand, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = actions.create_template(
                brand=brand, acting_user=request.user, **_values(form)
            )
        except ConsentError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("staff_consent_detail", brand.slug, template.uuid)
    return render(
        request,
        "consents/staff/edit.html",
        {
            "managed_brand": brand,
            "form": form,
            "template": None,
            "signing_offered": access.signing_offered(brand),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_detail(request: HttpRequest, brand_slug: str, template_id: uuid.UUID) -> HttpResponse:
    """Edit the draft and rules, publish a new version, see signatures, send a request."""
    brand = access_staff_brand(request.user, brand_slug)
    template = access.access_staff_template(brand, template_id)
    initial = {
        "title": template.title,
        "requirement": template.requirement,
        "session_type": str(template.session_type.uuid) if template.session_type else "",
        "program": str(template.program.uuid) if template.program else "",
        "body": template.draft_body,
        "resign_on_new_version": template.resign_on_new_version,
        "is_active": template.is_active,
        "revision": template.revision,
    }
    form = _template_form(brand, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_template(
                template=template,
                acting_user=request.user,
                revision=form.cleaned_data["revision"],
                is_active=form.cleaned_data["is_active"],
                **_values(form),
            )
        except ConsentError as exc:
            form.add_error(None, str(exc.message))
        else:
            if "publish" in request.POST:
                try:
                    version = actions.publish_version(
                        template=template, acting_user=request.user, revision=None
                    )
                except ConsentError as exc:
                    messages.error(request, str(exc.message))
                else:
                    messages.success(
                        request, _("Version %(n)d is published.") % {"n": version.number}
                    )
            else:
                messages.success(request, _("Draft saved."))
            return redirect("staff_consent_detail", brand.slug, template.uuid)
    patients = brand_patients(brand)
    return render(
        request,
        "consents/staff/edit.html",
        {
            "managed_brand": brand,
            "form": form,
            "template": template,
            "versions": list(template.versions.order_by("-number")),
            "signatures": list(access.template_signatures(template)[:200]),
            "request_form": PatientChoiceForm(templates=[template], patients=patients),
            "signing_offered": access.signing_offered(brand),
        },
    )


@login_required
@require_POST
def template_request(request: HttpRequest, brand_slug: str, template_id: uuid.UUID) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    template = access.access_staff_template(brand, template_id)
    patients = brand_patients(brand)
    form = PatientChoiceForm(request.POST, templates=[template], patients=patients)
    _send(request, form)
    return redirect("staff_consent_detail", brand.slug, template.uuid)


def _send(request, form, patient=None) -> None:
    if not form.is_valid():
        messages.error(request, _("Choose a consent and a patient."))
        return
    try:
        actions.request_consent(
            template=form.cleaned_data["template"],
            patient=patient or form.cleaned_data["patient"],
            acting_user=request.user,
            note=form.cleaned_data["note"],
        )
    except ConsentError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The patient has been asked to sign."))


@login_required
@require_POST
def patient_request(request: HttpRequest, brand_slug: str, patient_id: uuid.UUID) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    patient = access_brand_patient(brand, patient_id)
    form = RequestForm(request.POST, templates=access.requestable_templates(patient))
    _send(request, form, patient=patient)
    return redirect(reverse("staff_patient_detail", args=[brand.slug, patient.uuid]) + "#consents")


@login_required
@require_safe
def signed(request: HttpRequest, brand_slug: str, signature_id: uuid.UUID) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    signature = access.access_staff_signature(brand, signature_id)
    return common.signed_page(
        request,
        signature,
        base_template="staff/base.html",
        pdf_url=reverse("staff_consent_pdf", args=[brand.slug, signature.uuid]),
        back_url=reverse("staff_consent_detail", args=[brand.slug, signature.template.uuid]),
        brand=brand,
    )


@login_required
@require_safe
def signed_pdf(request: HttpRequest, brand_slug: str, signature_id: uuid.UUID) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    signature = access.access_staff_signature(brand, signature_id)
    return common.pdf_response(request, signature, brand=brand)
