"""Every change to documents and notes: share, upload, withdraw, delete; patient notes;
specialists' private notes; the clinical lead's audited read.

Rules checked here, so every view gets them: a specialist shares only with a patient in
their (active or past) care on the patient's brand; staff only with patients of their
brand; only the sharer or the brand's staff withdraw a shared document (a tombstone stays);
only the patient deletes their own uploads and notes. Titles and note text never go to audit
rows or logs.
"""

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import Patient
from hale.core import audit
from hale.core.uploads import Upload, delete_upload
from hale.documents import access
from hale.documents.models import Document, DocumentKind, PatientNote, PrivateNote
from hale.matching.access import has_care
from hale.matching.models import Supervision
from hale.specialists.models import Specialist
from hale.tenancy.access import staff_brands

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_TITLE = 200
MAX_MESSAGE = 2_000
MAX_NOTE = 20_000


class DocumentError(Exception):
    """A refused change, with a message the user can read."""

    def __init__(self, message, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


def _at_most(value: str, limit: int, message: "StrOrPromise", code: str) -> str:
    """``value`` unless it is longer than ``limit``: then ``message`` (with ``%(max)s``)."""
    if len(value) > limit:
        raise DocumentError(message % {"max": limit}, code=code)
    return value


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DocumentError(_("Give the document a title."), code="title")
    return _at_most(title, MAX_TITLE, _("A title can be at most %(max)s characters."), "title")


def _kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise DocumentError(_("Choose a type from the list."), code="kind")
    return kind


def _note_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DocumentError(_("Write something first."), code="empty")
    return _at_most(body, MAX_NOTE, _("A note can be at most %(max)s characters."), "long")


def _check_upload(upload: Upload, patient: Patient) -> None:
    if upload.brand_id not in (None, patient.brand_id):
        raise DocumentError(_("That file cannot be used here."), code="file")
    if Document.objects.filter(upload=upload).exists():
        raise DocumentError(_("That file cannot be used here."), code="file")


def is_brand_staff(user, brand_id: int) -> bool:
    return staff_brands(user).filter(pk=brand_id).exists()


# --- Documents -------------------------------------------------------------------------------


@transaction.atomic
def share_document(
    *,
    patient: Patient,
    kind: str,
    title: str,
    upload: Upload,
    acting_user,
    specialist: Specialist | None = None,
    message: str = "",
    now=None,
) -> Document:
    """Share ``upload`` (already stored through the pipeline) with ``patient``: as
    ``specialist`` (who must have an active or past care relationship with the patient) or,
    without one, as staff of the patient's brand. The patient is told in the app and by
    email after commit; the email never carries the document, only a link."""
    title, kind = _title(title), _kind(kind)
    message = _at_most(
        (message or "").strip(),
        MAX_MESSAGE,
        _("A message can be at most %(max)s characters."),
        "message",
    )
    if specialist is not None:
        if specialist.user_id != acting_user.pk or not has_care(
            specialist, patient, active_only=False
        ):
            raise DocumentError(_("You can share documents only with your patients."), "care")
        side = Document.Side.SPECIALIST
    else:
        if not is_brand_staff(acting_user, patient.brand_id):
            raise DocumentError(_("You can share documents only with your patients."), "staff")
        side = Document.Side.STAFF
    _check_upload(upload, patient)
    document = Document.objects.create(
        brand_id=patient.brand_id,
        patient=patient,
        kind=kind,
        title=title,
        message=message,
        upload=upload,
        shared_by_side=side,
        shared_by=acting_user,
        specialist=specialist,
        created_at=now or timezone.now(),
    )
    audit.record(
        acting_user,
        "document.shared",
        document,
        brand=patient.brand,
        patient=str(patient.uuid),
        side=side,
        kind=kind,
    )
    document_id = document.pk
    transaction.on_commit(lambda: _notify_shared(document_id))
    return document


def _notify_shared(document_id: int) -> None:
    from hale.notifications.actions import notify
    from hale.notifications.email import recipient_locale

    document = (
        Document.objects.select_related("patient__user", "brand", "specialist")
        .filter(pk=document_id, withdrawn_at__isnull=True)
        .first()
    )
    if document is None or document.patient.user is None:
        return
    user = document.patient.user
    with recipient_locale(user, document.brand):
        sender = (
            document.specialist.display_name
            if document.specialist is not None
            else str(_("%(clinic)s team") % {"clinic": document.brand.name})
        )
        title = str(_("New document from %(sender)s") % {"sender": sender})
        body = str(
            _("%(sender)s shared a document with you (%(kind)s). Sign in to view it.")
            % {"sender": sender, "kind": document.get_kind_display()}
        )
    notify(
        user=user,
        kind="document.shared",
        brand=document.brand,
        title=title,
        body=body,
        url=reverse("documents", urlconf="hale.urls_brand"),
    )


@transaction.atomic
def upload_own_document(
    *, patient: Patient, kind: str, title: str, upload: Upload, acting_user, now=None
) -> Document:
    """The patient adds a file of their own to their record."""
    title, kind = _title(title), _kind(kind)
    if patient.user_id != acting_user.pk:
        raise DocumentError(_("You can add files only to your own record."), code="owner")
    _check_upload(upload, patient)
    document = Document.objects.create(
        brand_id=patient.brand_id,
        patient=patient,
        kind=kind,
        title=title,
        upload=upload,
        shared_by_side=Document.Side.PATIENT,
        shared_by=acting_user,
        created_at=now or timezone.now(),
    )
    audit.record(acting_user, "document.uploaded", document, brand=patient.brand, kind=kind)
    return document


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("upload", "patient", "brand")
        .get(pk=document.pk)
    )


@transaction.atomic
def withdraw_document(*, document: Document, acting_user) -> Document:
    """The sharer, or staff of the patient's brand, withdraw a shared document: the file goes,
    the row stays as a tombstone (what, who shared it, who withdrew it, when)."""
    document = _locked(document)
    if not document.is_shared:
        raise DocumentError(_("Only the patient can remove their own files."), code="patient")
    if document.shared_by_id != acting_user.pk and not is_brand_staff(
        acting_user, document.brand_id
    ):
        raise DocumentError(_("Only the person who shared it or clinic staff can withdraw it."))
    if document.withdrawn_at is not None:
        return document
    upload = document.upload
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = acting_user
    document.upload = None
    document.save(update_fields=["withdrawn_at", "withdrawn_by", "upload"])
    if upload is not None:
        delete_upload(upload=upload)
    audit.record(
        acting_user,
        "document.withdrawn",
        document,
        brand=document.brand,
        patient=str(document.patient.uuid),
    )
    return document


@transaction.atomic
def delete_own_document(*, document: Document, acting_user) -> None:
    """The patient deletes a file they uploaded (row and file)."""
    document = _locked(document)
    if document.is_shared or document.patient.user_id != acting_user.pk:
        raise DocumentError(_("You can delete only files you uploaded."), code="not_yours")
    audit.record(
        acting_user,
        "document.deleted",
        document,
        brand=document.brand,
        patient=str(document.patient.uuid),
    )
    upload = document.upload
    document.delete()
    if upload is not None:
        delete_upload(upload=upload)


def record_team_read(*, document: Document, acting_user, side: str) -> None:
    """A specialist or staff member opened one of the patient's documents."""
    audit.record(
        acting_user,
        "document.read_by_team",
        document,
        brand=document.brand,
        patient=str(document.patient.uuid),
        side=side,
    )


# --- Patient notes ---------------------------------------------------------------------------


@transaction.atomic
def add_patient_note(*, patient: Patient, body: str, shared: bool, acting_user) -> PatientNote:
    if patient.user_id != acting_user.pk:
        raise DocumentError(_("You can write notes only in your own record."), code="owner")
    note = PatientNote.objects.create(
        patient=patient,
        body=_note_body(body),
        shared_with_care_team=shared,
        created_at=timezone.now(),
    )
    audit.record(acting_user, "patient_note.added", note, brand=patient.brand, shared=shared)
    return note


@transaction.atomic
def edit_patient_note(*, note: PatientNote, body: str, shared: bool, acting_user) -> PatientNote:
    note = (
        PatientNote.objects.select_for_update(of=("self",))
        .select_related("patient__brand")
        .get(pk=note.pk)
    )
    if note.patient.user_id != acting_user.pk:
        raise DocumentError(_("You can edit only your own notes."), code="owner")
    note.body = _note_body(body)
    note.shared_with_care_team = shared
    note.edited_at = timezone.now()
    note.save(update_fields=["body", "shared_with_care_team", "edited_at"])
    audit.record(acting_user, "patient_note.edited", note, brand=note.patient.brand, shared=shared)
    return note


@transaction.atomic
def delete_patient_note(*, note: PatientNote, acting_user) -> None:
    note = (
        PatientNote.objects.select_for_update(of=("self",))
        .select_related("patient__brand")
        .get(pk=note.pk)
    )
    if note.patient.user_id != acting_user.pk:
        raise DocumentError(_("You can delete only your own notes."), code="owner")
    audit.record(acting_user, "patient_note.deleted", note, brand=note.patient.brand)
    note.delete()


# --- Private notes ---------------------------------------------------------------------------


def _session(specialist: Specialist, patient: Patient, appointment):
    if appointment is None:
        return None
    if (
        appointment.specialist_id != specialist.pk
        or appointment.patient_id != patient.pk
        or appointment.brand_id != patient.brand_id
    ):
        raise DocumentError(_("Choose one of this patient's sessions with you."), code="session")
    return appointment


@transaction.atomic
def add_private_note(
    *, specialist: Specialist, patient: Patient, body: str, appointment=None, acting_user
) -> PrivateNote:
    """A specialist writes a private note on a patient in their (active or past) care."""
    if specialist.user_id != acting_user.pk or not has_care(specialist, patient, active_only=False):
        raise DocumentError(_("You can keep notes only on your patients."), code="care")
    note = PrivateNote.objects.create(
        brand_id=patient.brand_id,
        patient=patient,
        specialist=specialist,
        appointment=_session(specialist, patient, appointment),
        body=_note_body(body),
        created_at=timezone.now(),
    )
    audit.record(acting_user, "note.added", note, brand=patient.brand, patient=str(patient.uuid))
    return note


@transaction.atomic
def edit_private_note(
    *, note: PrivateNote, body: str, appointment=None, version: int | None, acting_user
) -> PrivateNote:
    """The author edits their note. ``version`` is the one the form showed: a stale edit
    (someone else's tab saved in between) is refused with the current text kept."""
    note = (
        PrivateNote.objects.select_for_update(of=("self",))
        .select_related("specialist", "patient", "brand")
        .get(pk=note.pk)
    )
    if note.specialist.user_id != acting_user.pk:
        raise DocumentError(_("You can edit only your own notes."), code="owner")
    if version is not None and version != note.version:
        raise DocumentError(
            _("This note was changed in another window. Reload to see the current text."),
            code="stale",
        )
    note.body = _note_body(body)
    note.appointment = _session(note.specialist, note.patient, appointment)
    note.edited_at = timezone.now()
    note.version += 1
    note.save(update_fields=["body", "appointment", "edited_at", "version"])
    audit.record(
        acting_user,
        "note.edited",
        note,
        brand=note.brand,
        patient=str(note.patient.uuid),
        version=note.version,
    )
    return note


@transaction.atomic
def delete_private_note(*, note: PrivateNote, acting_user) -> None:
    note = (
        PrivateNote.objects.select_for_update(of=("self",))
        .select_related("specialist", "patient", "brand")
        .get(pk=note.pk)
    )
    if note.specialist.user_id != acting_user.pk:
        raise DocumentError(_("You can delete only your own notes."), code="owner")
    audit.record(
        acting_user,
        "note.deleted",
        note,
        brand=note.brand,
        patient=str(note.patient.uuid),
        written_at=note.created_at.isoformat(),
    )
    note.delete()


@transaction.atomic
def read_notes_as_lead(
    *, supervision: Supervision, patient: Patient, acting_user
) -> list[PrivateNote]:
    """The clinical lead reads the supervisee's private notes on ``patient`` (read-only).
    Audited in the same transaction as the read: no note leaves without its audit row."""
    if supervision.lead.user_id != acting_user.pk:
        raise DocumentError(_("Only the clinical lead can read these notes."), code="lead")
    notes = list(access.supervised_notes(supervision, patient))
    audit.record(
        acting_user,
        "note.read_by_lead",
        patient,
        brand=supervision.brand,
        lead=str(supervision.lead.uuid),
        supervisee=str(supervision.supervisee.uuid),
        patient=str(patient.uuid),
        notes=len(notes),
    )
    return notes
