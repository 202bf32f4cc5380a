"""What documents holds about a person, for data export and account deletion
(see ``hale.core.data_rights``).

Export (a patient, every brand): their own uploads (with the files) and notes, and the
metadata of documents shared with them (type, title, message, who shared it as a side,
dates; the shared files themselves are in their Documents page). A specialist: their own
private notes (the patient named by id only).

Deletion: the patient's own uploads (rows and files, after commit) and their own notes are
removed. Documents their care team shared and specialists' private notes are clinical
records: they stay, attached to the anonymised patient record.
"""

from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.data_rights import ExportSection, export_time, register_eraser, register_exporter
from hale.core.uploads import delete_uploads
from hale.documents.models import Document, PatientNote, PrivateNote

SECTION = "documents"


@register_exporter(
    SECTION,
    label=_("Documents and notes"),
    description=_(
        "Files you uploaded and notes you wrote, what your care team shared with you, and "
        "(specialists) your private notes."
    ),
)
def export_documents(user) -> ExportSection:
    documents = (
        Document.objects.filter(patient__user=user)
        .select_related("upload", "brand")
        .order_by("created_at", "pk")
    )
    files = {}
    uploads, shared = [], []
    for doc in documents:
        row = {
            "uuid": doc.uuid,
            "service": doc.brand.name,
            "type": doc.kind,
            "title": doc.title,
            "date": export_time(doc.created_at),
        }
        if doc.is_shared:
            row.update(
                shared_by=doc.shared_by_side,
                message=doc.message,
                withdrawn_at=export_time(doc.withdrawn_at),
            )
            shared.append(row)
        else:
            if doc.upload is not None and doc.upload.is_available:
                name = f"{doc.uuid}-{doc.upload.original_name}"
                files[name] = doc.upload.file
                row["file"] = f"files/{SECTION}/{name}"
            uploads.append(row)
    notes = [
        {
            "uuid": n.uuid,
            "note": n.body,
            "shared_with_care_team": n.shared_with_care_team,
            "written": export_time(n.created_at),
            "edited": export_time(n.edited_at),
        }
        for n in PatientNote.objects.filter(patient__user=user).order_by("created_at", "pk")
    ]
    private = [
        {
            "uuid": n.uuid,
            "patient": n.patient.uuid,
            "session": n.appointment.uuid if n.appointment else None,
            "note": n.body,
            "written": export_time(n.created_at),
            "edited": export_time(n.edited_at),
        }
        for n in PrivateNote.objects.filter(specialist__user=user)
        .select_related("patient", "appointment")
        .order_by("created_at", "pk")
    ]
    data = {"your_uploads": uploads, "your_notes": notes, "shared_with_you": shared}
    if private:
        data["private_notes_you_wrote"] = private
    return ExportSection(data=data, files=files)


@register_eraser(SECTION, order=60)
def erase_documents(user, *, acting_user) -> None:
    own = list(
        Document.objects.filter(
            patient__user=user, shared_by_side=Document.Side.PATIENT
        ).select_related("upload")
    )
    uploads = [d.upload for d in own if d.upload is not None]
    Document.objects.filter(pk__in=[d.pk for d in own]).delete()
    delete_uploads(uploads=uploads)
    notes, _counts = PatientNote.objects.filter(patient__user=user).delete()
    audit.record(
        acting_user,
        "documents.erased",
        None,
        object_type="accounts.user",
        object_id=str(user.pk),
        uploads=len(own),
        notes=notes,
    )
