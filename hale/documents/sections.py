"""What documents adds to a patient's record (``hale.accounts.hooks.patient_record_sections``).

To a specialist: the patient's documents with a "Share a document" form, the notes the patient
shared with the care team, and the specialist's own private notes. To the brand's staff: the
documents, the shared patient notes and the share form (never private notes). To the patient
nothing: the documents page itself lays out their documents and notes.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hale.accounts.hooks import RecordSection
from hale.documents import access
from hale.documents.forms import PrivateNoteForm, ShareForm

DOCUMENTS_ORDER = 20
NOTES_ORDER = 60


def _team_rows(patient, url_for) -> list:
    rows = list(access.team_documents(patient))
    for row in rows:
        row.file_url = url_for("file", row.uuid)  # type: ignore[attr-defined]
        row.withdraw_url = url_for("withdraw", row.uuid)  # type: ignore[attr-defined]
    return rows


def record_sections(*, patient, audience, user, specialist=None, brand=None, **_kwargs):
    if audience == "specialist" and specialist is not None:

        def url_for(name, doc_id):
            return reverse(f"practice_document_{name}", args=[patient.uuid, doc_id])

        share_url = reverse("practice_document_share", args=[patient.uuid])
        notes = list(access.private_notes(specialist, patient))
        sessions = list(access.session_choices(specialist, patient))
        return [
            RecordSection(
                key="documents",
                title=_("Documents"),
                template="documents/_team_section.html",
                order=DOCUMENTS_ORDER,
                context={
                    "documents": _team_rows(patient, url_for),
                    "patient_notes": list(access.notes_shared_with_team(patient)),
                    "share_form": ShareForm(policy=patient.brand.upload_policy()),
                    "share_url": share_url,
                    "viewer_user_id": user.pk,
                    "can_withdraw_all": False,
                },
            ),
            RecordSection(
                key="private_notes",
                title=_("Private notes"),
                template="documents/_private_notes_section.html",
                order=NOTES_ORDER,
                context={
                    "notes": notes,
                    "note_form": PrivateNoteForm(sessions=sessions),
                    "add_url": reverse("practice_note_new", args=[patient.uuid]),
                    "patient": patient,
                },
            ),
        ]
    if audience == "staff" and brand is not None and patient.brand_id == brand.pk:

        def url_for(name, doc_id):
            return reverse(f"staff_document_{name}", args=[brand.slug, patient.uuid, doc_id])

        return RecordSection(
            key="documents",
            title=_("Documents"),
            template="documents/_team_section.html",
            order=DOCUMENTS_ORDER,
            context={
                "documents": _team_rows(patient, url_for),
                "patient_notes": list(access.notes_shared_with_team(patient)),
                "share_form": ShareForm(policy=brand.upload_policy()),
                "share_url": reverse("staff_document_share", args=[brand.slug, patient.uuid]),
                "viewer_user_id": user.pk,
                "can_withdraw_all": True,
            },
        )
    return None
