"""Specialists and staff: sharing, reading (audited), withdrawing, private notes, the lead."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import clear_cache
from hale.core.access import DENIED_ACTION
from hale.core.models import AuditEvent
from hale.documents import actions
from hale.documents.models import Document, PrivateNote
from hale.documents.tests.conftest import CALM, pdf_bytes
from hale.matching.models import CareRelationship, Supervision

pytestmark = pytest.mark.django_db


def _pdf(name="letter.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def denied() -> int:
    return AuditEvent.objects.filter(action=DENIED_ACTION).count()


def test_specialist_shares_a_document_and_patient_page_lists_it(
    client_for, care, patient_a, specialist
):
    client = client_for(specialist.user)
    page = client.get(f"/practice/patients/{patient_a.uuid}/").content.decode()
    assert "Share a document" in page and "Private notes" in page
    response = client.post(
        f"/practice/patients/{patient_a.uuid}/documents/",
        {"kind": "letter", "title": "Your letter", "message": "Hi", "file": _pdf()},
    )
    assert response.status_code == 302
    doc = Document.objects.get(patient=patient_a)
    assert doc.specialist == specialist and doc.shared_by_side == "specialist"
    file = client.get(f"/practice/patients/{patient_a.uuid}/documents/{doc.uuid}/file/")
    assert file.status_code == 200
    assert AuditEvent.objects.filter(action="document.read_by_team", object_id=str(doc.pk)).exists()
    patient_page = client_for(patient_a.user, CALM).get("/documents/").content.decode()
    assert "Your letter" in patient_page and "Dr Dana One" in patient_page


def test_specialist_without_care_gets_404_and_nothing_changes(
    client_for, care, patient_a, specialist_2, shared_doc
):
    client = client_for(specialist_2.user)
    before = denied()
    assert client.get(f"/practice/patients/{patient_a.uuid}/documents/").status_code == 404
    response = client.post(
        f"/practice/patients/{patient_a.uuid}/documents/",
        {"kind": "letter", "title": "x", "file": _pdf()},
    )
    assert response.status_code == 404
    assert (
        client.get(
            f"/practice/patients/{patient_a.uuid}/documents/{shared_doc.uuid}/file/"
        ).status_code
        == 404
    )
    assert denied() > before
    assert Document.objects.count() == 1


def test_share_action_refuses_specialist_without_care(patient_a, specialist_2):
    from hale.documents.tests.conftest import stored

    with pytest.raises(actions.DocumentError):
        actions.share_document(
            patient=patient_a,
            kind="letter",
            title="x",
            upload=stored(patient_a.brand, specialist_2.user),
            specialist=specialist_2,
            acting_user=specialist_2.user,
        )


def test_staff_share_and_withdraw_keeps_a_tombstone(client_for, patient_a, staff_a, brand_a):
    client = client_for(staff_a)
    base = f"/staff/brands/{brand_a.slug}/patients/{patient_a.uuid}"
    assert "Share a document" in client.get(f"{base}/").content.decode()
    assert (
        client.post(
            f"{base}/documents/", {"kind": "lab_results", "title": "Bloods", "file": _pdf()}
        ).status_code
        == 302
    )
    doc = Document.objects.get()
    assert client.get(f"{base}/documents/{doc.uuid}/file/").status_code == 200
    assert client.post(f"{base}/documents/{doc.uuid}/withdraw/").status_code == 302
    doc.refresh_from_db()
    assert doc.withdrawn_at and doc.upload is None and doc.withdrawn_by == staff_a
    assert AuditEvent.objects.filter(action="document.withdrawn").exists()
    assert "Withdrawn on" in client.get(f"{base}/").content.decode()
    patient = client_for(patient_a.user, CALM)
    assert "Bloods" not in patient.get("/documents/").content.decode()
    assert patient.get(f"/documents/{doc.uuid}/file/").status_code == 404


def test_staff_of_another_brand_gets_404(client_for, patient_a, staff_b, brand_a, shared_doc):
    client = client_for(staff_b)
    base = f"/staff/brands/{brand_a.slug}/patients/{patient_a.uuid}"
    before = denied()
    assert client.post(f"{base}/documents/", {"kind": "letter", "title": "x"}).status_code == 404
    assert client.get(f"{base}/documents/{shared_doc.uuid}/file/").status_code == 404
    assert client.post(f"{base}/documents/{shared_doc.uuid}/withdraw/").status_code == 404
    assert denied() > before
    shared_doc.refresh_from_db()
    assert shared_doc.withdrawn_at is None


def test_staff_cannot_reach_a_patient_of_another_brand_through_their_own_brand(
    client_for, patient_b, staff_a, brand_a
):
    client = client_for(staff_a)
    url = f"/staff/brands/{brand_a.slug}/patients/{patient_b.uuid}/documents/"
    assert client.get(url).status_code == 404


def test_specialist_writes_private_note_patient_and_others_cannot_see_it(
    client_for, care, patient_a, specialist, specialist_2, staff_a, brand_a
):
    client = client_for(specialist.user)
    response = client.post(
        f"/practice/patients/{patient_a.uuid}/notes/new/",
        {"body": "Impression: **anxious**\n\n- one\n- two <img src=x onerror=alert(1)>"},
    )
    assert response.status_code == 302
    note = PrivateNote.objects.get()
    page = client.get(f"/practice/patients/{patient_a.uuid}/").content.decode()
    assert "<strong>anxious</strong>" in page and "onerror" not in page
    assert "anxious" not in client_for(patient_a.user, CALM).get("/documents/").content.decode()
    staff_page = client_for(staff_a).get(f"/staff/brands/{brand_a.slug}/patients/{patient_a.uuid}/")
    assert "anxious" not in staff_page.content.decode()
    # A colleague (even with care of the same patient) cannot open, edit or delete it.
    CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist_2,
        brand=brand_a,
        source="staff",
        status="ended",
        started_at=care.started_at,
    )
    other = client_for(specialist_2.user)
    assert "anxious" not in other.get(f"/practice/patients/{patient_a.uuid}/").content.decode()
    before = denied()
    edit = f"/practice/patients/{patient_a.uuid}/notes/{note.uuid}/edit/"
    assert other.get(edit).status_code == 404
    assert other.post(edit, {"body": "x"}).status_code == 404
    assert (
        other.post(f"/practice/patients/{patient_a.uuid}/notes/{note.uuid}/delete/").status_code
        == 404
    )
    assert denied() > before
    note.refresh_from_db()
    assert note.body.startswith("Impression")


def test_author_edits_and_deletes_note_audited(client_for, private_note, patient_a, specialist):
    client = client_for(specialist.user)
    base = f"/practice/patients/{patient_a.uuid}/notes/{private_note.uuid}"
    assert client.post(f"{base}/edit/", {"body": "Updated", "version": 1}).status_code == 302
    private_note.refresh_from_db()
    assert private_note.body == "Updated" and private_note.edited_at and private_note.version == 2
    stale = client.post(f"{base}/edit/", {"body": "Old tab", "version": 1})
    assert stale.status_code == 400 and "changed in another window" in stale.content.decode()
    assert client.post(f"{base}/delete/").status_code == 302
    assert not PrivateNote.objects.exists()
    assert AuditEvent.objects.filter(action="note.deleted").exists()


def test_note_for_a_session_of_another_patient_is_refused(private_note, specialist, patient_a):
    from hale.scheduling.models import Appointment

    foreign = Appointment(specialist_id=specialist.pk, patient_id=patient_a.pk + 999, brand_id=1)
    with pytest.raises(actions.DocumentError):
        actions.add_private_note(
            specialist=specialist,
            patient=patient_a,
            body="x",
            appointment=foreign,
            acting_user=specialist.user,
        )


def test_supervising_lead_reads_notes_and_the_read_is_audited(
    client_for, private_note, patient_a, specialist, specialist_2, brand_a
):
    supervision = Supervision.objects.create(
        brand=brand_a, lead=specialist_2, supervisee=specialist
    )
    url = f"/practice/supervision/{supervision.uuid}/patients/{patient_a.uuid}/notes/"
    response = client_for(specialist_2.user).get(url)
    assert response.status_code == 200
    assert "<em>impression</em>" in response.content.decode()
    row = AuditEvent.objects.get(action="note.read_by_lead")
    assert row.actor == specialist_2.user
    assert row.data["patient"] == str(patient_a.uuid)
    assert row.data["supervisee"] == str(specialist.uuid)
    # The supervisee cannot use the lead's page; a lead on another brand sees nothing.
    clear_cache()
    assert client_for(specialist.user).get(url).status_code == 404


def test_lead_of_another_brand_cannot_read(
    client_for, private_note, patient_a, specialist, specialist_2, brand_b
):
    supervision = Supervision.objects.create(
        brand=brand_b, lead=specialist_2, supervisee=specialist
    )
    url = f"/practice/supervision/{supervision.uuid}/patients/{patient_a.uuid}/notes/"
    before = denied()
    assert client_for(specialist_2.user).get(url).status_code == 404
    assert denied() == before + 1
    assert not AuditEvent.objects.filter(action="note.read_by_lead").exists()


def test_practice_pages_refuse_brand_hosts(client_for, care, patient_a, specialist):
    response = client_for(specialist.user, CALM).get(
        f"/practice/patients/{patient_a.uuid}/notes/new/"
    )
    assert response.status_code == 404


def test_data_export_and_erasure(patient_a, shared_doc, note_a, stored_files):
    from hale.documents.data_rights import erase_documents, export_documents
    from hale.documents.tests.conftest import stored

    own = actions.upload_own_document(
        patient=patient_a,
        kind="other",
        title="Mine",
        upload=stored(patient_a.brand, patient_a.user),
        acting_user=patient_a.user,
    )
    section = export_documents(patient_a.user)
    assert [d["title"] for d in section.data["shared_with_you"]] == ["Blood test"]
    assert [d["title"] for d in section.data["your_uploads"]] == ["Mine"]
    assert section.data["your_notes"][0]["note"] == "My **own** note"
    assert len(section.files) == 1
    erase_documents(patient_a.user, acting_user=patient_a.user)
    assert not Document.objects.filter(pk=own.pk).exists()
    assert Document.objects.filter(pk=shared_doc.pk).exists()
    assert not patient_a.own_notes.exists()
