"""The messaging pages of the three portals: inbox, thread, send, delete, search, files,
and what others may not see (404, audited, nothing changed)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hale.core.models import AuditEvent
from hale.core.uploads import TYPE_GROUPS, Upload
from hale.matching.models import CareRelationship
from hale.messaging import actions
from hale.messaging.models import Conversation, Message, ReadState, Side
from hale.messaging.tests.conftest import set_policy
from tests import upload_samples as samples

pytestmark = pytest.mark.django_db
CALM = "calm.localhost"
NORTH = "northside.localhost"


@pytest.fixture
def thread(patient_a, specialist, care, as_specialist):
    conversation = actions.conversation_for(
        patient=patient_a, specialist=specialist, side=Side.SPECIALIST
    )
    actions.send_message(
        conversation=conversation, viewer=as_specialist, body="How are you feeling?"
    )
    return conversation


@pytest.fixture
def alice(patient_a, client_for):
    return client_for(patient_a.user, CALM)


@pytest.fixture
def dana(specialist, client_for):
    return client_for(specialist.user, "localhost")


def test_patient_reads_and_answers_a_conversation(alice, thread, patient_a):
    inbox = alice.get("/messages/")
    assert inbox.status_code == 200
    assert "How are you feeling?" in inbox.text
    assert 'aria-label="1 unread message"' in inbox.text
    page = alice.get(f"/messages/{thread.uuid}/")
    assert page.status_code == 200
    assert "Dr Dana One" in page.text
    # Reading marks it read.
    state = ReadState.objects.get(conversation=thread, user=patient_a.user)
    assert state.last_read_at == thread.messages.get().created_at
    response = alice.post(f"/messages/{thread.uuid}/", {"body": "Better, thanks"})
    assert response.status_code == 302
    assert thread.messages.filter(body="Better, thanks", sender_side=Side.PATIENT).exists()


def test_specialist_sees_seen_receipt_with_the_zone(dana, alice, thread):
    alice.get(f"/messages/{thread.uuid}/")
    page = dana.get(f"/practice/messages/{thread.uuid}/")
    assert page.status_code == 200
    # (TIME_FORMAT drops ":00" on the hour and says "noon" or "midnight".)
    assert re.search(r"Seen (\d{1,2}(:\d{2})?|noon|midnight)", page.text)
    assert "Europe/Madrid" in page.text  # the specialist's zone is named on the page


def test_sending_by_fetch_answers_json_and_errors_are_translated(alice, thread):
    ok = alice.post(f"/messages/{thread.uuid}/", {"body": "Hi"}, HTTP_X_REQUESTED_WITH="fetch")
    assert ok.json() == {"ok": True}
    bad = alice.post(f"/messages/{thread.uuid}/", {"body": "  "}, HTTP_X_REQUESTED_WITH="fetch")
    assert bad.status_code == 400
    assert bad.json()["errors"] == ["Write a message or attach a file."]
    spanish = alice.post(
        f"/messages/{thread.uuid}/",
        {"body": ""},
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert spanish.status_code == 400


def test_refused_by_policy_says_why_and_changes_nothing(alice, patient_a, specialist, care):
    response = alice.get("/messages/new/")
    assert "Your care team starts conversations here" in response.text
    post = alice.post("/messages/new/", {"to": str(specialist.uuid), "body": "Hello"})
    assert post.status_code == 400
    assert "Your care team starts conversations here" in post.text
    assert not Message.objects.exists()


def test_patient_starts_a_conversation_when_the_brand_allows(alice, patient_a, specialist, care):
    set_policy(patient_a.brand, "all_clients")
    response = alice.post("/messages/new/", {"to": str(specialist.uuid), "body": "Hello doctor"})
    assert response.status_code == 302
    conversation = Conversation.objects.get(patient=patient_a, specialist=specialist)
    assert conversation.started_by_side == Side.PATIENT
    clinic = alice.post("/messages/new/", {"to": "clinic", "body": "A billing question"})
    assert clinic.status_code == 302
    assert Conversation.objects.get(patient=patient_a, specialist=None).messages.count() == 1


def test_another_patients_conversation_is_404_audited_and_unchanged(thread, patient_b, client_for):
    bob = client_for(patient_b.user, NORTH)
    before = thread.messages.count()
    for path in (f"/messages/{thread.uuid}/", f"/messages/{thread.uuid}/updates/"):
        assert bob.get(path).status_code == 404
    assert bob.post(f"/messages/{thread.uuid}/", {"body": "hi"}).status_code == 404
    assert thread.messages.count() == before
    denied = AuditEvent.objects.filter(action="access.denied", object_type="messaging.conversation")
    assert denied.filter(object_id=str(thread.uuid)).exists()


def test_a_patient_on_another_brand_host_does_not_see_the_conversation(
    thread, patient_a, client_for, brand_b
):
    # Alice's account on the Northside host has no patient record there.
    other = client_for(patient_a.user, NORTH)
    assert other.get(f"/messages/{thread.uuid}/").status_code == 404


def test_another_specialist_and_other_staff_get_404(
    thread, specialist_2, staff_b, client_for, brand_a
):
    assert (
        client_for(specialist_2.user).get(f"/practice/messages/{thread.uuid}/").status_code == 404
    )
    staff = client_for(staff_b)
    assert staff.get(f"/staff/brands/{brand_a.slug}/messages/").status_code == 404
    assert staff.get(f"/staff/brands/northside/messages/{thread.uuid}/").status_code == 404


def test_practice_pages_are_not_served_on_a_brand_host(thread, specialist, client_for):
    assert (
        client_for(specialist.user, CALM).get(f"/practice/messages/{thread.uuid}/").status_code
        == 404
    )


def test_deleting_leaves_a_tombstone_and_only_the_sender_can(alice, dana, thread):
    message = thread.messages.get()
    assert alice.post(f"/messages/{thread.uuid}/{message.uuid}/delete/").status_code == 302
    message.refresh_from_db()
    assert message.body == "How are you feeling?"  # not hers: unchanged
    assert dana.post(f"/practice/messages/{thread.uuid}/{message.uuid}/delete/").status_code == 302
    message.refresh_from_db()
    assert message.body == "" and message.deleted_at is not None
    assert "Message deleted" in alice.get(f"/messages/{thread.uuid}/").text


def test_search_within_a_conversation(alice, thread, as_specialist):
    actions.send_message(
        conversation=thread, viewer=as_specialist, body="Remember the breathing exercise"
    )
    page = alice.get(f"/messages/{thread.uuid}/", {"q": "breathing"})
    assert "Remember the breathing exercise" in page.text
    assert "How are you feeling?" not in page.text
    assert "1 message matches" in page.text


def test_updates_return_the_thread_and_the_unread_total(alice, thread):
    data = alice.get(f"/messages/{thread.uuid}/updates/").json()
    assert "How are you feeling?" in data["html"]
    assert data["messages_unread"] == 1
    data = alice.get(f"/messages/{thread.uuid}/updates/?read=1").json()
    assert data["messages_unread"] == 0
    assert alice.get("/messages/unread.json").json() == {"messages_unread": 0}


def test_specialist_sidebar_shows_care_consent_and_links(dana, thread, care):
    page = dana.get(f"/practice/messages/{thread.uuid}/")
    assert "Next appointment" in page.text and "None booked" in page.text
    assert "Browse and choose" in page.text  # the allocation source
    assert f"/practice/schedule/propose/?patient={thread.patient.uuid}" in page.text


def test_staff_shared_inbox_reads_are_audited(patient_a, staff_a, brand_a, client_for, as_patient):
    set_policy(brand_a, "all_clients")
    conversation = actions.conversation_for(patient=patient_a, specialist=None, side=Side.PATIENT)
    actions.send_message(conversation=conversation, viewer=as_patient, body="Invoice question")
    staff = client_for(staff_a)
    inbox = staff.get(f"/staff/brands/{brand_a.slug}/messages/")
    assert "Invoice question" in inbox.text
    assert (
        staff.get(f"/staff/brands/{brand_a.slug}/messages/{conversation.uuid}/").status_code == 200
    )
    assert AuditEvent.objects.filter(
        action="conversation.read_by_staff", object_id=str(conversation.pk), actor=staff_a
    ).exists()
    reply = staff.post(
        f"/staff/brands/{brand_a.slug}/messages/{conversation.uuid}/", {"body": "Sent again"}
    )
    assert reply.status_code == 302
    conversation.refresh_from_db()
    assert conversation.assigned_to == staff_a  # the first to answer takes it


def test_inbox_query_count_is_constant(dana, specialist, brand_a):
    from conftest import make_user
    from hale.accounts.models import Patient

    def add(n):
        viewer = None
        for i in range(n):
            user = make_user(f"p{Patient.objects.count()}@example.com")
            patient = Patient.objects.create(
                brand=brand_a, user=user, email=user.email, full_name=f"P {i}"
            )
            CareRelationship.objects.create(
                patient=patient,
                specialist=specialist,
                brand=brand_a,
                source="browse",
                started_at=timezone.now(),
            )
            from hale.messaging import access

            viewer = viewer or access.specialist_viewer(specialist.user)
            conv = actions.conversation_for(
                patient=patient, specialist=specialist, side=Side.SPECIALIST
            )
            actions.send_message(conversation=conv, viewer=viewer, body=f"Hello {i}")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert dana.get("/practice/messages/").status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(20)
    assert count() == few


# --- Files ---------------------------------------------------------------------------------


@pytest.fixture
def files_allowed(brand_a, private_storage):
    brand_a.upload_type_groups = list(TYPE_GROUPS)
    brand_a.save(update_fields=["upload_type_groups"])
    return brand_a


def test_an_image_attachment_previews_and_downloads_only_for_participants(
    alice, thread, files_allowed, patient_b, client_for
):
    picture = SimpleUploadedFile("rash.png", samples.png(), content_type="image/png")
    assert (
        alice.post(
            f"/messages/{thread.uuid}/", {"body": "Photo", "attachments": [picture]}
        ).status_code
        == 302
    )
    message = thread.messages.get(body="Photo")
    attachment = message.attachments.get()
    page = alice.get(f"/messages/{thread.uuid}/")
    assert f'<img src="/messages/files/{attachment.uuid}/"' in page.text
    shown = alice.get(f"/messages/files/{attachment.uuid}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")
    assert (
        client_for(patient_b.user, NORTH).get(f"/messages/files/{attachment.uuid}/").status_code
        == 404
    )
    # The specialist of the conversation can open it on the platform host.
    dana = client_for(thread.specialist.user)
    assert dana.get(f"/practice/messages/files/{attachment.uuid}/").status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", samples.windows_exe(), "type"),
        ("notes.txt", samples.HTML, "type"),
        ("../../etc/passwd.png", b"not an image at all", "type"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    alice, thread, files_allowed, stored_files, name, content, message
):
    before = thread.messages.count()
    bad = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = alice.post(f"/messages/{thread.uuid}/", {"body": "see file", "attachments": [bad]})
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert thread.messages.count() == before
    assert not Upload.objects.exists()
    assert stored_files() == []


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    alice, thread, files_allowed, stored_files
):
    files_allowed.upload_max_mb = 1
    files_allowed.save(update_fields=["upload_max_mb"])
    big = SimpleUploadedFile(
        "scan.pdf", samples.pdf(extra=b"0" * (1024 * 1024 + 10)), content_type="application/pdf"
    )
    response = alice.post(
        f"/messages/{thread.uuid}/",
        {"body": "big", "attachments": [big]},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert "too large" in " ".join(response.json()["errors"])
    assert not Upload.objects.exists() and stored_files() == []
    assert not thread.messages.filter(body="big").exists()


def test_a_good_file_then_a_bad_one_keeps_neither(
    alice, thread, files_allowed, stored_files, django_capture_on_commit_callbacks
):
    good = SimpleUploadedFile("a.png", samples.png(), content_type="image/png")
    bad = SimpleUploadedFile("b.pdf", samples.windows_exe(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(
            f"/messages/{thread.uuid}/", {"body": "two", "attachments": [good, bad]}
        )
    assert response.status_code == 400
    assert not Upload.objects.exists() and stored_files() == []


def test_a_policy_refusal_after_upload_keeps_no_file(
    alice, thread, files_allowed, stored_files, care, django_capture_on_commit_callbacks
):
    CareRelationship.objects.filter(pk=care.pk).update(status=CareRelationship.Status.ENDED)
    good = SimpleUploadedFile("a.png", samples.png(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"/messages/{thread.uuid}/", {"body": "hi", "attachments": [good]})
    assert response.status_code == 400
    assert not Upload.objects.exists() and stored_files() == []


def test_deleting_a_message_removes_its_files(
    alice, thread, files_allowed, stored_files, django_capture_on_commit_callbacks
):
    picture = SimpleUploadedFile("rash.png", samples.png(), content_type="image/png")
    alice.post(f"/messages/{thread.uuid}/", {"body": "", "attachments": [picture]})
    message = thread.messages.get(sender_side=Side.PATIENT)
    attachment = message.attachments.get()
    assert stored_files() != []
    with django_capture_on_commit_callbacks(execute=True):
        alice.post(f"/messages/{thread.uuid}/{message.uuid}/delete/")
    assert not Upload.objects.exists() and stored_files() == []
    assert alice.get(f"/messages/files/{attachment.uuid}/").status_code == 404


@pytest.mark.service("clamd")
@pytest.mark.django_db(transaction=True)
def test_an_infected_attachment_is_refused(
    alice, thread, files_allowed, stored_files, settings, clamd_daemon
):
    settings.CLAMD_SOCKET = clamd_daemon.socket_path
    settings.CLAMD_HOST = ""
    infected = SimpleUploadedFile("notes.txt", samples.EICAR, content_type="text/plain")
    response = alice.post(f"/messages/{thread.uuid}/", {"body": "look", "attachments": [infected]})
    assert response.status_code == 400
    assert "virus" in response.text.lower()
    assert not thread.messages.filter(body="look").exists()
    assert stored_files() == []


def test_specialist_opens_the_patient_from_the_conversation(dana, thread, patient_a):
    page = dana.get(f"/practice/messages/{thread.uuid}/")
    url = f"/practice/patients/{patient_a.uuid}/"
    assert f'href="{url}"' in page.text
    response = dana.get(url)
    assert response.status_code == 200
    assert patient_a.email in response.text
    assert f"/practice/messages/{thread.uuid}/" in response.text
    assert "No sessions yet." in response.text


def test_a_patient_outside_the_specialists_care_is_404_and_audited(dana, patient_b):
    response = dana.get(f"/practice/patients/{patient_b.uuid}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(object_id=str(patient_b.uuid)).exists()
