"""The patient's Documents page: shared documents, uploads, notes, denial and audit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hale.core.access import DENIED_ACTION
from hale.core.models import AuditEvent
from hale.core.uploads import Upload
from hale.documents import actions
from hale.documents.models import Document, PatientNote
from hale.documents.tests.conftest import CALM, pdf_bytes, stored
from hale.notifications.models import EmailDelivery, Notification
from tests.upload_samples import png

pytestmark = pytest.mark.django_db


def denied_rows() -> int:
    return AuditEvent.objects.filter(action=DENIED_ACTION).count()


def test_patient_sees_shared_document_and_downloads_it(client_for, patient_a, shared_doc):
    client = client_for(patient_a.user, CALM)
    page = client.get("/documents/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Blood test" in body and "Lab results" in body and "Calm Minds team" in body
    response = client.get(f"/documents/{shared_doc.uuid}/file/?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    inline = client.get(f"/documents/{shared_doc.uuid}/file/")
    assert inline["Content-Disposition"].startswith("inline")


def test_sharing_notifies_the_patient_in_app_and_by_email(
    django_capture_on_commit_callbacks, patient_a, staff_a
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.share_document(
            patient=patient_a,
            kind="letter",
            title="Letter",
            upload=stored(patient_a.brand, staff_a),
            acting_user=staff_a,
        )
    note = Notification.objects.get(user=patient_a.user, kind="document.shared")
    assert "Calm Minds team" in note.title and note.url == "/documents/"
    assert EmailDelivery.objects.filter(user=patient_a.user, kind="document.shared").exists()


def test_patient_cannot_open_another_patients_document(client_for, patient_a, staff_a, brand_a):
    from conftest import make_user
    from hale.accounts.models import Patient

    other_user = make_user("other@example.com")
    other = Patient.objects.create(brand=brand_a, user=other_user, email=other_user.email)
    doc = actions.share_document(
        patient=other,
        kind="letter",
        title="Secret letter",
        upload=stored(brand_a, staff_a),
        acting_user=staff_a,
    )
    client = client_for(patient_a.user, CALM)
    before = denied_rows()
    assert client.get(f"/documents/{doc.uuid}/file/").status_code == 404
    assert denied_rows() == before + 1
    assert "Secret letter" not in client.get("/documents/").content.decode()
    assert client.post(f"/documents/{doc.uuid}/delete/").status_code == 404
    assert Document.objects.filter(pk=doc.pk).exists()


def test_patient_cannot_touch_another_patients_note(client_for, patient_a, patient_b, note_a):
    from conftest import clear_cache
    from hale.accounts.models import Patient

    # Patient B on their own brand host, and B's account probing A's note on A's brand.
    b_on_a = Patient.objects.create(
        brand=patient_a.brand, user=patient_b.user, email=patient_b.email
    )
    for client in (
        client_for(patient_b.user, "northside.localhost"),
        client_for(b_on_a.user, CALM),
    ):
        clear_cache()  # the denied-access audit is rate-limited per person and object
        before = denied_rows()
        assert client.get(f"/documents/notes/{note_a.uuid}/edit/").status_code == 404
        assert client.post(f"/documents/notes/{note_a.uuid}/delete/").status_code == 404
        assert (
            client.post(f"/documents/notes/{note_a.uuid}/edit/", {"body": "hacked"}).status_code
            == 404
        )
        assert denied_rows() > before
    note_a.refresh_from_db()
    assert note_a.body == "My **own** note"


def test_wrong_brand_host_answers_404(client_for, patient_a, shared_doc, brand_b):
    client = client_for(patient_a.user, "northside.localhost")
    assert client.get("/documents/").status_code == 404
    assert client.get(f"/documents/{shared_doc.uuid}/file/").status_code == 404


def test_anonymous_is_sent_to_sign_in(anonymous, shared_doc):
    response = anonymous(CALM).get(f"/documents/{shared_doc.uuid}/file/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_patient_uploads_a_file(client_for, patient_a):
    client = client_for(patient_a.user, CALM)
    response = client.post(
        "/documents/upload/",
        {
            "kind": "imaging",
            "title": "Knee X-ray",
            "file": SimpleUploadedFile("knee.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    doc = Document.objects.get(patient=patient_a)
    assert doc.shared_by_side == "patient" and doc.upload.content_type == "image/png"
    assert "Knee X-ray" in client.get("/documents/").content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 200, "Only images and PDF documents are allowed."),
        ("big.pdf", None, "This file is too large (max 1 MB)."),
    ],
)
def test_refused_upload_says_why_and_stores_nothing(
    client_for, patient_a, stored_files, name, data, message
):
    brand = patient_a.brand
    brand.upload_max_mb = 1
    brand.save(update_fields=["upload_max_mb"])
    if data is None:
        data = pdf_bytes() + b"0" * (1024 * 1024 + 10)
    client = client_for(patient_a.user, CALM)
    response = client.post(
        "/documents/upload/",
        {"kind": "other", "title": "Thing", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists() and not Upload.objects.exists()
    assert stored_files() == []


def test_file_still_being_scanned_shows_so_and_is_not_served(client_for, patient_a, shared_doc):
    Upload.objects.filter(pk=shared_doc.upload_id).update(scan_status=Upload.ScanStatus.SCANNING)
    client = client_for(patient_a.user, CALM)
    assert "Being checked for viruses" in client.get("/documents/").content.decode()
    assert client.get(f"/documents/{shared_doc.uuid}/file/").status_code == 404


def test_patient_writes_edits_and_deletes_a_note(client_for, patient_a):
    client = client_for(patient_a.user, CALM)
    response = client.post(
        "/documents/notes/", {"body": "Ask about **sleep** <script>alert(1)</script>"}
    )
    assert response.status_code == 302
    note = PatientNote.objects.get(patient=patient_a)
    page = client.get("/documents/").content.decode()
    assert "<strong>sleep</strong>" in page and "<script>alert(1)" not in page
    assert (
        client.post(
            f"/documents/notes/{note.uuid}/edit/", {"body": "Edited", "shared": "on"}
        ).status_code
        == 302
    )
    note.refresh_from_db()
    assert note.body == "Edited" and note.shared_with_care_team and note.edited_at
    assert client.post(f"/documents/notes/{note.uuid}/delete/").status_code == 302
    assert not PatientNote.objects.exists()
    assert AuditEvent.objects.filter(action="patient_note.deleted").exists()


def test_empty_note_is_refused(client_for, patient_a):
    response = client_for(patient_a.user, CALM).post("/documents/notes/", {"body": "  "})
    assert response.status_code == 400
    assert not PatientNote.objects.exists()


def test_patient_deletes_own_upload_but_not_a_shared_document(
    client_for, patient_a, shared_doc, stored_files
):
    client = client_for(patient_a.user, CALM)
    own = actions.upload_own_document(
        patient=patient_a,
        kind="other",
        title="Mine",
        upload=stored(patient_a.brand, patient_a.user),
        acting_user=patient_a.user,
    )
    assert client.post(f"/documents/{own.uuid}/delete/").status_code == 302
    assert not Document.objects.filter(pk=own.pk).exists()
    client.post(f"/documents/{shared_doc.uuid}/delete/")
    assert Document.objects.filter(pk=shared_doc.pk).exists()


def test_filter_by_type(client_for, patient_a, shared_doc):
    client = client_for(patient_a.user, CALM)
    page = client.get("/documents/?type=letter").content.decode()
    assert "Blood test" not in page
    assert "No documents of this type have been shared with you." in page
    assert "Blood test" in client.get("/documents/?type=lab_results").content.decode()


def test_empty_page_says_what_is_empty(client_for, patient_a):
    page = client_for(patient_a.user, CALM).get("/documents/").content.decode()
    assert "Your care team has not shared any documents with you yet." in page
    assert "You have not uploaded any files." in page
    assert "You have not written any notes." in page


def test_action_required_banner_counts_pending_sections(client_for, patient_a):
    from hale.accounts.hooks import RecordSection, patient_record_sections

    def pending(**kwargs):
        return RecordSection(
            key="test", title="Test", template="documents/_editor_assets.html", pending=2
        )

    patient_record_sections.connect(pending)
    try:
        page = client_for(patient_a.user, CALM).get("/documents/").content.decode()
    finally:
        patient_record_sections.disconnect(pending)
    assert "Action required" in page and "2 items wait for you below." in page


def test_documents_page_query_count_does_not_grow(client_for, patient_a, staff_a):
    client = client_for(patient_a.user, CALM)

    def add(n):
        for i in range(n):
            actions.share_document(
                patient=patient_a,
                kind="letter",
                title=f"Letter {i}",
                upload=stored(patient_a.brand, staff_a),
                acting_user=staff_a,
            )
            actions.add_patient_note(
                patient=patient_a, body=f"n{i}", shared=False, acting_user=patient_a.user
            )

    add(1)
    client.get("/documents/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/documents/").status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/documents/").status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 25
