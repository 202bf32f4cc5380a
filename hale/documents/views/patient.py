"""The patient's "Documents" page on brand hosts (/documents/): documents shared with them,
their own uploads and notes, and the sections other apps add to their record."""

import uuid

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.accounts.hooks import record_sections
from hale.documents import access, actions
from hale.documents.forms import PatientNoteForm, TypeFilterForm, UploadForm
from hale.documents.views.common import serve_document, store_and


def _patient(request: HttpRequest):
    return access.own_patient(request.user, getattr(request, "brand", None))


def _page(request, patient, *, upload_form=None, note_form=None, status=200) -> HttpResponse:
    filter_form = TypeFilterForm(request.GET or None)
    kind = filter_form.cleaned_data["type"] if filter_form.is_valid() else ""
    documents = access.patient_documents(patient)
    if kind:
        documents = documents.filter(kind=kind)
    rows = list(documents)
    for row in rows:
        row.file_url = reverse("document_file", args=[row.uuid])  # type: ignore[attr-defined]
    notes = list(access.own_notes(patient))
    sections = record_sections(patient=patient, audience="patient", user=request.user)
    response = render(
        request,
        "documents/patient_documents.html",
        {
            "patient": patient,
            "shared": [d for d in rows if d.is_shared],
            "uploads": [d for d in rows if not d.is_shared],
            "notes": notes,
            "kind": kind,
            "filter_form": filter_form,
            "upload_form": upload_form or UploadForm(policy=patient.brand.upload_policy()),
            "note_form": note_form or PatientNoteForm(),
            "record_sections": sections,
            "pending": sum(s.pending for s in sections),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def documents(request: HttpRequest) -> HttpResponse:
    return _page(request, _patient(request))


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    form = UploadForm(request.POST, request.FILES, policy=patient.brand.upload_policy())
    if form.is_valid():
        document = store_and(
            form,
            brand=patient.brand,
            user=request.user,
            action=lambda stored: actions.upload_own_document(
                patient=patient,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=stored,
                acting_user=request.user,
            ),
        )
        if document is not None:
            flash.success(request, _("Your file was added."))
            return redirect("documents")
    return _page(request, patient, upload_form=form, status=400)


@login_required
@require_safe
def file(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request)
    return serve_document(request, access.access_patient_document(patient, document_id))


@login_required
@require_POST
def delete(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request)
    document = access.access_patient_document(patient, document_id)
    try:
        actions.delete_own_document(document=document, acting_user=request.user)
    except actions.DocumentError as exc:
        flash.error(request, str(exc.message))
    else:
        flash.success(request, _("Your file was deleted."))
    return redirect("documents")


@login_required
@require_POST
def note_add(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    form = PatientNoteForm(request.POST)
    if form.is_valid():
        try:
            actions.add_patient_note(
                patient=patient,
                body=form.cleaned_data["body"],
                shared=form.cleaned_data["shared"],
                acting_user=request.user,
            )
        except actions.DocumentError as exc:
            form.add_error("body", str(exc.message))
        else:
            flash.success(request, _("Your note was saved."))
            return redirect("documents")
    return _page(request, patient, note_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def note_edit(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request)
    note = access.access_own_note(patient, note_id)
    form = PatientNoteForm(
        request.POST or None,
        initial={"body": note.body, "shared": note.shared_with_care_team},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_patient_note(
                note=note,
                body=form.cleaned_data["body"],
                shared=form.cleaned_data["shared"],
                acting_user=request.user,
            )
        except actions.DocumentError as exc:
            form.add_error("body", str(exc.message))
        else:
            flash.success(request, _("Your note was saved."))
            return redirect("documents")
    return render(
        request,
        "documents/patient_note_edit.html",
        {"note": note, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def note_delete(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request)
    note = access.access_own_note(patient, note_id)
    actions.delete_patient_note(note=note, acting_user=request.user)
    flash.success(request, _("Your note was deleted."))
    return redirect("documents")
