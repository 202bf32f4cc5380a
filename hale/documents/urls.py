"""URLs of documents: patient pages on brand hosts, /practice/ for specialists and
/staff/brands/<slug>/ for the brand's staff."""

from django.urls import path

from hale.documents.views import patient, practice, staff

patient_urlpatterns = [
    path("documents/", patient.documents, name="documents"),
    path("documents/upload/", patient.upload, name="documents_upload"),
    path("documents/<uuid:document_id>/file/", patient.file, name="document_file"),
    path("documents/<uuid:document_id>/delete/", patient.delete, name="document_delete"),
    path("documents/notes/", patient.note_add, name="patient_note_add"),
    path("documents/notes/<uuid:note_id>/edit/", patient.note_edit, name="patient_note_edit"),
    path("documents/notes/<uuid:note_id>/delete/", patient.note_delete, name="patient_note_delete"),
]

# /practice/
practice_urlpatterns = [
    path(
        "patients/<uuid:patient_id>/documents/",
        practice.share,
        name="practice_document_share",
    ),
    path(
        "patients/<uuid:patient_id>/documents/<uuid:document_id>/file/",
        practice.file,
        name="practice_document_file",
    ),
    path(
        "patients/<uuid:patient_id>/documents/<uuid:document_id>/withdraw/",
        practice.withdraw,
        name="practice_document_withdraw",
    ),
    path("patients/<uuid:patient_id>/notes/new/", practice.note_new, name="practice_note_new"),
    path(
        "patients/<uuid:patient_id>/notes/<uuid:note_id>/edit/",
        practice.note_edit,
        name="practice_note_edit",
    ),
    path(
        "patients/<uuid:patient_id>/notes/<uuid:note_id>/delete/",
        practice.note_delete,
        name="practice_note_delete",
    ),
    path(
        "supervision/<uuid:supervision_id>/patients/<uuid:patient_id>/notes/",
        practice.lead_notes,
        name="practice_lead_notes",
    ),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("patients/<uuid:patient_id>/documents/", staff.share, name="staff_document_share"),
    path(
        "patients/<uuid:patient_id>/documents/<uuid:document_id>/file/",
        staff.file,
        name="staff_document_file",
    ),
    path(
        "patients/<uuid:patient_id>/documents/<uuid:document_id>/withdraw/",
        staff.withdraw,
        name="staff_document_withdraw",
    ),
]
