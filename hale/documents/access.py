"""Scoped reads for documents and notes. Anything the viewer may not see answers 404
(``core.access.Denied``, which the middleware audits), exactly like something missing.

Who sees what:

* the patient: documents shared with them (not withdrawn), their own uploads and notes;
* the patient's specialists (active or past care on the patient's brand) and the brand's
  staff: the patient's documents (shared ones, withdrawn ones as tombstones, the patient's
  uploads) and the notes the patient shared with the care team;
* a specialist's private notes: the author; read-only, a clinical lead supervising the author
  on the patient's brand (each read audited by ``actions.read_notes_as_lead``).
"""

import uuid

from django.db.models import Q, QuerySet

from hale.accounts.access import patient_record
from hale.accounts.models import Patient
from hale.core.access import Denied
from hale.documents.models import Document, PatientNote, PrivateNote
from hale.matching.access import has_care
from hale.matching.models import Supervision
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist
from hale.tenancy.access import staff_brand as staff_brand  # the staff viewer, re-exported

# --- Who is looking --------------------------------------------------------------------------


def own_patient(user, brand) -> Patient:
    """The signed-in user's patient record on this brand; 404 for anyone else."""
    patient = patient_record(user, brand)
    if patient is None or patient.erased_at is not None:
        raise Denied(Patient)
    return patient


def own_specialist(user) -> Specialist:
    """The signed-in approved specialist; 404 for anyone else."""
    specialist = (
        Specialist.objects.approved().filter(user=user).select_related("user").first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if specialist is None:
        raise Denied(Specialist)
    return specialist


# --- Documents -------------------------------------------------------------------------------


def _rows() -> QuerySet[Document]:
    return Document.objects.select_related("upload", "shared_by", "specialist", "withdrawn_by")


def patient_documents(patient: Patient) -> QuerySet[Document]:
    """What the patient sees: documents shared with them (not withdrawn) and their uploads."""
    return _rows().filter(patient=patient, brand_id=patient.brand_id, withdrawn_at__isnull=True)


def team_documents(patient: Patient) -> QuerySet[Document]:
    """What the care team sees of the patient: every document, withdrawn ones included."""
    return _rows().filter(patient=patient, brand_id=patient.brand_id)


def access_patient_document(patient: Patient, document_id: uuid.UUID) -> Document:
    document = patient_documents(patient).filter(uuid=document_id).first()
    if document is None:
        raise Denied(Document, document_id)
    return document


def access_team_document(patient: Patient, document_id: uuid.UUID) -> Document:
    document = team_documents(patient).filter(uuid=document_id).first()
    if document is None:
        raise Denied(Document, document_id)
    return document


# --- Patient notes ---------------------------------------------------------------------------


def own_notes(patient: Patient) -> QuerySet[PatientNote]:
    return PatientNote.objects.filter(patient=patient)


def access_own_note(patient: Patient, note_id: uuid.UUID) -> PatientNote:
    note = own_notes(patient).filter(uuid=note_id).first()
    if note is None:
        raise Denied(PatientNote, note_id)
    return note


def notes_shared_with_team(patient: Patient) -> QuerySet[PatientNote]:
    return own_notes(patient).filter(shared_with_care_team=True)


# --- Private notes ---------------------------------------------------------------------------


def _note_rows() -> QuerySet[PrivateNote]:
    return PrivateNote.objects.select_related("appointment", "specialist")


def private_notes(specialist: Specialist, patient: Patient) -> QuerySet[PrivateNote]:
    """The specialist's own notes on ``patient`` (never anyone else's)."""
    return _note_rows().filter(specialist=specialist, patient=patient, brand_id=patient.brand_id)


def access_private_note(specialist: Specialist, note_id: uuid.UUID) -> PrivateNote:
    """One of the specialist's own notes, on a patient still in their (active or past) care."""
    note = (
        _note_rows()
        .select_related("patient", "brand")
        .filter(specialist=specialist, uuid=note_id)
        .first()
    )
    if note is None or not has_care(specialist, note.patient, active_only=False):
        raise Denied(PrivateNote, note_id)
    return note


def session_choices(specialist: Specialist, patient: Patient) -> QuerySet[Appointment]:
    """The patient's sessions with this specialist a note may be about (newest first)."""
    return Appointment.objects.filter(
        specialist=specialist, patient=patient, brand_id=patient.brand_id
    ).order_by("-start", "-pk")[:100]


def lead_supervision(lead: Specialist, supervision_id: uuid.UUID) -> Supervision:
    supervision = (
        Supervision.objects.select_related("brand", "supervisee", "lead")
        .filter(lead=lead, uuid=supervision_id)
        .first()
    )
    if supervision is None:
        raise Denied(Supervision, supervision_id)
    return supervision


def supervised_patient(supervision: Supervision, patient_id: uuid.UUID) -> Patient:
    """A patient of the supervision's brand who is or was in the supervisee's care."""
    patient = (
        Patient.objects.select_related("brand")
        .filter(brand=supervision.brand, uuid=patient_id, erased_at__isnull=True)
        .filter(
            Q(care_relationships__specialist=supervision.supervisee)
            | Q(appointments__specialist=supervision.supervisee)
        )
        .distinct()
        .first()
    )
    if patient is None:
        raise Denied(Patient, patient_id)
    return patient


def supervised_notes(supervision: Supervision, patient: Patient) -> QuerySet[PrivateNote]:
    """The supervisee's private notes on ``patient`` (the supervision's brand only)."""
    if patient.brand_id != supervision.brand_id:
        raise Denied(Patient, patient.uuid)
    return _note_rows().filter(
        specialist=supervision.supervisee, patient=patient, brand_id=supervision.brand_id
    )
