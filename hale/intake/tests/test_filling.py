"""Filling in: drafts keep what was typed (never a signature) and are refused after
submission; a submission is validated (bad input changes nothing), read-only afterwards,
gets a PDF and tells the sender; forms attached to a session type are sent once per
booking; the pending count feeds the patient's "Action required" banner."""

import pytest

from hale.core.pdf import pdf_text
from hale.intake import actions, pdf
from hale.intake.models import Assignment
from hale.intake.tests.conftest import ANSWERS
from hale.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(client_for, patient):
    return client_for(patient.user, "calm.localhost")


def test_the_patient_is_told_in_the_app(sent, patient_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_notification(sent.pk)
    note = Notification.objects.get(user=patient_a.user, kind="intake.sent")
    assert "New client intake" in note.title and str(sent.uuid) in note.url


def test_sending_the_same_form_twice_is_refused(sent, intake_form, patient_a, staff_a):
    with pytest.raises(actions.IntakeError, match="already has this form"):
        actions.send_form(form=intake_form, patient=patient_a, acting_user=staff_a)
    assert Assignment.objects.count() == 1


def test_a_draft_keeps_answers_but_never_a_signature(sent, patient_a, client_for):
    client = _client(client_for, patient_a)
    response = client.post(f"/forms/{sent.uuid}/draft/", {**ANSWERS, "q3": "Not a choice"})
    assert response.status_code == 200 and response.json()["ok"]
    sent.refresh_from_db()
    assert sent.answers == {
        "q1": "Al",
        "q2": "Sleep and stress.",
        "q4": ["Mornings", "Evenings"],
        "q5": "1990-04-02",
        "q6": "no",
    }
    page = client.get(f"/forms/{sent.uuid}/").content.decode()
    assert 'value="Al"' in page and "Sleep and stress." in page
    # The no-JavaScript "Save draft" button does the same.
    response = client.post(f"/forms/{sent.uuid}/", {"q1": "Alice", "save_draft": "1"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.answers == {"q1": "Alice"} and sent.is_pending


def test_an_incomplete_submission_says_what_is_missing_and_changes_nothing(
    sent, patient_a, client_for
):
    client = _client(client_for, patient_a)
    response = client.post(f"/forms/{sent.uuid}/", {"q1": "Al"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Some answers need your attention" in body and "This field is required" in body
    sent.refresh_from_db()
    assert sent.is_pending and sent.answers == {}


def test_submitting_makes_it_read_only_with_a_pdf_and_tells_the_sender(
    sent, patient_a, staff_a, client_for, private_storage, django_capture_on_commit_callbacks
):
    client = _client(client_for, patient_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/forms/{sent.uuid}/", ANSWERS)
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == "submitted" and sent.answers["q7"] == {
        "method": "typed",
        "name": "Alice Patient",
    }
    text = pdf_text(pdf.read_pdf(sent))
    assert "New client intake" in text and "Sleep and stress." in text and "Alice Patient" in text
    page = client.get(f"/forms/{sent.uuid}/").content.decode()
    assert "Submitted" in page and "Sleep and stress." in page and "<textarea" not in page
    assert client.get(f"/forms/{sent.uuid}/pdf/")["Content-Type"] == "application/pdf"
    assert Notification.objects.filter(user=staff_a, kind="intake.submitted").exists()
    # A late autosave (another tab) is refused and changes nothing.
    late = client.post(f"/forms/{sent.uuid}/draft/", {"q1": "Changed"})
    assert late.status_code == 409 and "already submitted" in late.json()["error"]
    again = client.post(f"/forms/{sent.uuid}/", {**ANSWERS, "q1": "Changed"})
    assert again.status_code == 302
    sent.refresh_from_db()
    assert sent.answers["q1"] == "Al"


def test_a_drawn_signature_is_kept_as_its_image(sent, patient_a, client_for, private_storage):
    from hale.core.tests.test_signatures import drawing

    client = _client(client_for, patient_a)
    data = {**ANSWERS, "q7_method": "drawn", "q7_image": drawing()}
    del data["q7_typed"]
    assert client.post(f"/forms/{sent.uuid}/", data).status_code == 302
    sent.refresh_from_db()
    assert sent.answers["q7"]["method"] == "drawn" and sent.answers["q7"]["png"]
    assert b'alt="Signature drawn by the patient"' in client.get(f"/forms/{sent.uuid}/").content


def test_a_withdrawn_form_can_no_longer_be_filled_in(sent, patient_a, staff_a, client_for):
    actions.withdraw(assignment=sent, acting_user=staff_a)
    client = _client(client_for, patient_a)
    assert client.get(f"/forms/{sent.uuid}/").status_code == 404
    assert client.post(f"/forms/{sent.uuid}/draft/", {"q1": "x"}).status_code == 404


def test_the_home_banner_and_documents_page_count_forms_to_fill_in(sent, patient_a, client_for):
    client = _client(client_for, patient_a)
    home = client.get("/").content.decode()
    assert "1 form waits for you to fill it in." in home
    documents = client.get("/documents/").content.decode()
    assert "New client intake" in documents and "1 item waits for you below." in documents


def test_the_data_export_holds_the_answers_and_deletion_removes_only_drafts(
    intake_form, sent, patient_a, staff_a, client_for, private_storage
):
    from hale.core.data_rights import exporters
    from hale.core.tests.test_signatures import drawing
    from hale.intake.data_rights import erase_forms

    client = _client(client_for, patient_a)
    data = {**ANSWERS, "q7_method": "drawn", "q7_image": drawing()}
    client.post(f"/forms/{sent.uuid}/", data)
    draft = actions.send_form(
        form=actions.save_form(
            brand=patient_a.brand,
            acting_user=staff_a,
            title="Follow-up",
            rows=[{"label": "How are you?", "type": "short_text"}],
        ),
        patient=patient_a,
        acting_user=staff_a,
    )
    client.post(f"/forms/{draft.uuid}/draft/", {"q1": "Tired"})
    exported = next(e for e in exporters() if e.name == "forms").func(patient_a.user)
    forms = {row["form"]: row for row in exported.data["forms"]}
    answers = {a["question"]: a["answer"] for a in forms["New client intake"]["answers"]}
    assert answers["What brings you here?"] == "Sleep and stress."
    assert answers["Signature"]["file"].endswith(".png") and exported.files
    erase_forms(patient_a.user, acting_user=patient_a.user)
    draft.refresh_from_db()
    sent.refresh_from_db()
    assert draft.status == "withdrawn" and draft.answers == {}
    assert sent.status == "submitted" and sent.answers["q2"] == "Sleep and stress."
