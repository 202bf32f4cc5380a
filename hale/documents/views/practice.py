"""Documents and private notes in the specialist portal (platform host, /practice/): share a
document with one of your patients, open their documents (audited), keep private notes, and
for clinical leads read a supervisee's notes (audited)."""

import uuid

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core.access import Denied
from hale.documents import access, actions
from hale.documents.forms import PrivateNoteForm, ShareForm
from hale.documents.models import Document
from hale.documents.views.common import serve_document, store_and
from hale.matching.access import access_specialist_patient


def _specialist(request: HttpRequest):
    if getattr(request, "brand", None) is not None:
        raise Denied("specialists.specialist")
    return access.own_specialist(request.user)


def _patient_url(patient) -> str:
    return reverse("practice_patient", args=[patient.uuid])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    specialist = _specialist(request)
    patient = access_specialist_patient(specialist, patient_id, active_only=False)
    policy = patient.brand.upload_policy()
    form = ShareForm(request.POST or None, request.FILES or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        shared = store_and(
            form,
            brand=patient.brand,
            user=request.user,
            action=lambda stored: actions.share_document(
                patient=patient,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                message=form.cleaned_data["message"],
                upload=stored,
                specialist=specialist,
                acting_user=request.user,
            ),
        )
        if shared is not None:
            flash.success(request, _("The document is shared with the patient."))
            return redirect(_patient_url(patient))
    return render(
        request,
        "documents/share.html",
        {
            "base_template": "specialist/base.html",
            "patient": patient,
            "form": form,
            "back_url": _patient_url(patient),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def file(request: HttpRequest, patient_id: uuid.UUID, document_id: uuid.UUID) -> HttpResponse:
    specialist = _specialist(request)
    patient = access_specialist_patient(specialist, patient_id, active_only=False)
    document = access.access_team_document(patient, document_id)
    response = serve_document(request, document)
    actions.record_team_read(document=document, acting_user=request.user, side="specialist")
    return response


@login_required
@require_POST
def withdraw(request: HttpRequest, patient_id: uuid.UUID, document_id: uuid.UUID) -> HttpResponse:
    specialist = _specialist(request)
    patient = access_specialist_patient(specialist, patient_id, active_only=False)
    document = access.access_team_document(patient, document_id)
    if document.shared_by_id != request.user.pk:
        raise Denied(Document, document_id)
    try:
        actions.withdraw_document(document=document, acting_user=request.user)
    except actions.DocumentError as exc:
        flash.error(request, str(exc.message))
    else:
        flash.success(request, _("The document is withdrawn."))
    return redirect(_patient_url(patient))


# --- Private notes ---------------------------------------------------------------------------


def _note_page(request, patient, form, *, note=None, status=200) -> HttpResponse:
    return render(
        request,
        "documents/private_note_form.html",
        {"patient": patient, "form": form, "note": note, "back_url": _patient_url(patient)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def note_new(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    """Write a private note (``?session=<appointment uuid>`` preselects the session)."""
    specialist = _specialist(request)
    patient = access_specialist_patient(specialist, patient_id, active_only=False)
    sessions = list(access.session_choices(specialist, patient))
    initial = {"session": request.GET.get("session", "")}
    form = PrivateNoteForm(request.POST or None, sessions=sessions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_private_note(
                specialist=specialist,
                patient=patient,
                body=form.cleaned_data["body"],
                appointment=form.appointment(),
                acting_user=request.user,
            )
        except actions.DocumentError as exc:
            form.add_error(None, str(exc.message))
        else:
            flash.success(request, _("Your private note was saved."))
            return redirect(_patient_url(patient) + "#private-notes")
    return _note_page(request, patient, form, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def note_edit(request: HttpRequest, patient_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    specialist = _specialist(request)
    patient = access_specialist_patient(specialist, patient_id, active_only=False)
    note = access.access_private_note(specialist, note_id)
    if note.patient_id != patient.pk:
        raise Denied(type(note), note_id)
    sessions = list(access.session_choices(specialist, patient))
    form = PrivateNoteForm(
        request.POST or None,
        sessions=sessions,
        initial={
            "body": note.body,
            "session": str(note.appointment.uuid) if note.appointment else "",
            "version": note.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_private_note(
                note=note,
                body=form.cleaned_data["body"],
                appointment=form.appointment(),
                version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except actions.DocumentError as exc:
            form.add_error(None, str(exc.message))
        else:
            flash.success(request, _("Your private note was saved."))
            return redirect(_patient_url(patient) + "#private-notes")
    return _note_page(
        request, patient, form, note=note, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def note_delete(request: HttpRequest, patient_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    specialist = _specialist(request)
    patient = access_specialist_patient(specialist, patient_id, active_only=False)
    note = access.access_private_note(specialist, note_id)
    if note.patient_id != patient.pk:
        raise Denied(type(note), note_id)
    actions.delete_private_note(note=note, acting_user=request.user)
    flash.success(request, _("Your private note was deleted."))
    return redirect(_patient_url(patient) + "#private-notes")


@login_required
@require_safe
def lead_notes(
    request: HttpRequest, supervision_id: uuid.UUID, patient_id: uuid.UUID
) -> HttpResponse:
    """A clinical lead reads the supervisee's private notes on one patient (read-only,
    audited)."""
    lead = _specialist(request)
    supervision = access.lead_supervision(lead, supervision_id)
    patient = access.supervised_patient(supervision, patient_id)
    notes = actions.read_notes_as_lead(
        supervision=supervision, patient=patient, acting_user=request.user
    )
    response = render(
        request,
        "documents/lead_notes.html",
        {"supervision": supervision, "patient": patient, "notes": notes},
    )
    response["Cache-Control"] = "no-store"
    return response
