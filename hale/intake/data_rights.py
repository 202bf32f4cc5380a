"""What intake holds about a person, for data export and account deletion (see
``hale.core.data_rights``).

Export (a patient, every brand): every form sent to them, with each question and their
answer (a drawn signature as a PNG file beside the JSON), status and dates.

Deletion: drafts (forms not submitted) are the patient's work in progress: their answers are
removed and the forms withdrawn. Submitted forms are part of the clinical record the clinic
keeps: they stay, attached to the anonymised patient record.
"""

import base64

from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.data_rights import (
    ExportSection,
    export_file_path,
    export_time,
    register_eraser,
    register_exporter,
)
from hale.intake.models import Assignment, FieldType

SECTION = "forms"


@register_exporter(
    SECTION,
    label=_("Forms"),
    description=_("The forms your clinic sent you, with your answers."),
)
def export_forms(user) -> ExportSection:
    rows, files = [], {}
    assignments = (
        Assignment.objects.filter(patient__user=user)
        .select_related("version", "patient__brand")
        .order_by("sent_at", "pk")
    )
    for assignment in assignments:
        answers = []
        for field in assignment.version.fields:
            value = assignment.answers.get(field["key"])
            if field["type"] == FieldType.SIGNATURE and isinstance(value, dict):
                if value.get("method") == "drawn" and value.get("png"):
                    name = f"{assignment.uuid}-{field['key']}.png"
                    files[name] = base64.b64decode(value["png"])
                    value = {"method": "drawn", "file": export_file_path(SECTION, name)}
            answers.append({"question": field["label"], "answer": value})
        rows.append(
            {
                "uuid": assignment.uuid,
                "service": assignment.patient.brand.name,
                "form": assignment.version.title,
                "status": assignment.status,
                "sent": export_time(assignment.sent_at),
                "submitted": export_time(assignment.submitted_at),
                "answers": answers,
            }
        )
    return ExportSection(data={"forms": rows}, files=files)


@register_eraser(SECTION, order=61)
def erase_forms(user, *, acting_user) -> None:
    drafts = Assignment.objects.filter(patient__user=user, status=Assignment.Status.PENDING)
    count = drafts.update(answers={}, draft_saved_at=None, status=Assignment.Status.WITHDRAWN)
    audit.record(
        acting_user,
        "intake.erased",
        None,
        object_type="accounts.user",
        object_id=str(user.pk),
        drafts=count,
    )
