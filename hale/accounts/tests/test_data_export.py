"""Download my data: the ZIP, its link, expiry, the daily limit and the clean-up."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from hale.accounts import data_rights, invitations
from hale.accounts.models import DataExport, Patient
from hale.core.models import AuditEvent
from hale.core.tokens import hash_token
from hale.notifications.actions import notify, set_preference
from hale.notifications.models import EmailDelivery, Notification

LINK = re.compile(r"https?://[^/\s]+(/account/data/export/[0-9a-f-]{36}/[0-9a-f]{64}/)")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Export files go to a throw-away private folder (never under MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Ask for an export and run its build (the task runs inline on commit)."""

    def run(user, brand=None) -> DataExport:
        with django_capture_on_commit_callbacks(execute=True):
            export = data_rights.request_data_export(acting_user=user, brand=brand)
        export.refresh_from_db()
        return export

    return run


async def read_body(response) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


def zip_members(export: DataExport) -> dict[str, bytes]:
    with export.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture
def two_patients_two_brands(
    brand_a, brand_b, patient_a, patient_b, staff_a, staff_b, django_capture_on_commit_callbacks
):
    """Alice and Bob are each patients of both brands, with notifications, notification
    choices and invitations (emailed, so their tokens exist) on each."""
    alice, bob = patient_a.user, patient_b.user
    Patient.objects.create(brand=brand_b, user=alice, email=alice.email, full_name="Alice P.")
    Patient.objects.create(brand=brand_a, user=bob, email=bob.email, full_name="Bob P.")
    with django_capture_on_commit_callbacks(execute=True):
        for user in (alice, bob):
            set_preference(user=user, kind="brand.announcement", channel="email", enabled=False)
            for brand, staff in ((brand_a, staff_a), (brand_b, staff_b)):
                notify(
                    user=user,
                    kind="brand.announcement",
                    brand=brand,
                    title=f"Hello {user.full_name}",
                    body=f"News for {user.email} at {brand.name}",
                )
                invitations.send_invitation(
                    acting_user=staff, patient=Patient.objects.get(brand=brand, user=user)
                )
    return alice, bob


def test_export_contains_the_users_data_and_nobody_elses(two_patients_two_brands, build):
    alice, bob = two_patients_two_brands
    export = build(alice)

    assert export.status == DataExport.Status.READY
    members = zip_members(export)
    assert set(members) >= {"README.txt", "data.json"}
    data = json.loads(members["data.json"])
    sections = data["sections"]
    assert data["account"] == str(alice.uuid)
    assert sections["account"]["email"] == alice.email
    assert {p["service"] for p in sections["patient_records"]} == {"Calm Minds", "Northside Clinic"}
    assert len([i for p in sections["patient_records"] for i in p["invitations"]]) == 2
    assert {n["title"] for n in sections["notifications"]["notifications"]} == {
        "Hello Alice Patient"
    }
    assert len(sections["notifications"]["notifications"]) == 2
    assert sections["notifications"]["preferences"] == [
        {
            "kind": "brand.announcement",
            "channel": "email",
            "enabled": False,
            "updated_at": sections["notifications"]["preferences"][0]["updated_at"],
        }
    ]
    assert sections["activity"], "the audit trail about Alice is listed"
    assert set(sections["activity"][0]) == {"id", "action", "at"}

    # Nothing about Bob or the staff who invited Alice, anywhere in the file: names, emails,
    # ids, in the compressed bytes or any member.
    everything = b"".join([export.file.open("rb").read(), *members.values()])
    for secret in (
        bob.email,
        bob.full_name,
        "Bob P.",
        str(bob.uuid),
        "staff.a@example.com",
        "Casey Staff",
        "Nora Staff",
        *[str(p.uuid) for p in Patient.objects.filter(user=bob)],
    ):
        assert secret.encode() not in everything, secret
    # Invitation tokens (only their hashes exist) never appear either.
    for token_hash in alice.patients.values_list("invitations__token_hash", flat=True):
        assert token_hash and token_hash.encode() not in everything


def test_readme_explains_each_section(patient_a, build):
    export = build(patient_a.user, patient_a.brand)
    readme = zip_members(export)["README.txt"].decode()
    assert "data.json" in readme
    for name in json.loads(zip_members(export)["data.json"])["sections"]:
        assert f"* {name}:" in readme


def test_owner_is_notified_in_app_and_by_email_and_no_raw_token_is_stored(patient_a, build):
    mail.outbox.clear()
    export = build(patient_a.user, patient_a.brand)

    notification = Notification.objects.get(user=patient_a.user, kind="account.data_export_ready")
    assert notification.brand == patient_a.brand
    assert notification.url == reverse("data_rights")
    [email] = [m for m in mail.outbox if m.to == [patient_a.user.email]]
    assert "calm.localhost" in email.body
    path = LINK.search(email.body).group(1)
    assert path == data_rights.download_path(export)
    token = path.rstrip("/").rsplit("/", 1)[1]
    # Only the hash is stored; neither the notification nor the email record holds the token.
    assert export.token_hash == hash_token(token)
    assert token not in notification.url
    delivery = EmailDelivery.objects.get(user=patient_a.user, kind="account.data_export_ready")
    assert token not in delivery.url and token not in json.dumps(delivery.context)


def test_download_streams_the_zip_to_its_owner(patient_a, build, client_for):
    export = build(patient_a.user, patient_a.brand)
    client = client_for(patient_a.user, "calm.localhost")

    response = client.get(data_rights.download_path(export))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    body = async_to_sync(read_body)(response)
    assert len(body) == export.size == int(response["Content-Length"])
    assert zipfile.ZipFile(io.BytesIO(body)).read("data.json")
    export.refresh_from_db()
    assert export.downloaded_at is not None
    assert AuditEvent.objects.filter(
        action="account.data_export_downloaded", object_id=str(export.pk)
    ).exists()


def test_download_needs_sign_in(patient_a, build, anonymous):
    export = build(patient_a.user, patient_a.brand)
    response = anonymous("calm.localhost").get(data_rights.download_path(export))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_users_link_is_404_and_nothing_changes(patient_a, patient_b, build, client_for):
    export = build(patient_a.user, patient_a.brand)
    response = client_for(patient_b.user, "calm.localhost").get(data_rights.download_path(export))
    assert response.status_code == 404
    assert b"PK" not in response.content[:2]
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_wrong_token_is_404(patient_a, build, client_for):
    export = build(patient_a.user, patient_a.brand)
    client = client_for(patient_a.user, "calm.localhost")
    wrong = reverse("data_export_download", args=[export.uuid, "0" * 64])
    assert client.get(wrong).status_code == 404
    other_uuid = reverse(
        "data_export_download", args=[patient_a.user.uuid, data_rights.download_token(export)]
    )
    assert client.get(other_uuid).status_code == 404


def test_expired_link_shows_a_clear_page_and_the_file_goes(
    patient_a, build, client_for, private_storage, django_capture_on_commit_callbacks
):
    export = build(patient_a.user, patient_a.brand)
    stored = private_storage / export.file.name
    assert stored.exists()
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    client = client_for(patient_a.user, "calm.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(data_rights.download_path(export))

    assert response.status_code == 410
    assert b"This download has expired" in response.content
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED
    assert not export.file
    assert not stored.exists()


def test_expiry_is_computed_from_timestamps(patient_a, build):
    export = build(patient_a.user, patient_a.brand)
    assert export.expires_at == export.ready_at + timedelta(days=7)
    assert export.effective_status(export.expires_at - timedelta(seconds=1)) == "ready"
    assert export.effective_status(export.expires_at) == "expired"
    assert export.status == DataExport.Status.READY  # nothing ran, yet it reads as expired


def test_purge_deletes_expired_files_and_fails_stale_builds(
    patient_a, patient_b, build, private_storage, capsys, django_capture_on_commit_callbacks
):
    expired = build(patient_a.user, patient_a.brand)
    fresh = build(patient_b.user, patient_b.brand)
    expired_name = expired.file.name
    DataExport.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    stale = DataExport.objects.create(
        user=patient_b.user, requested_at=timezone.now() - timedelta(hours=7)
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_data_exports")

    expired.refresh_from_db()
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (expired.status, expired.file.name) == (DataExport.Status.EXPIRED, "")
    assert not list((private_storage / "data-exports" / expired_name.split("/")[1]).iterdir())
    assert fresh.status == DataExport.Status.READY
    assert (private_storage / fresh.file.name).exists()
    assert stale.status == DataExport.Status.FAILED
    assert "1 expired" in capsys.readouterr().out
    # Running it again finds nothing to do.
    assert data_rights.purge_expired_exports() == {"expired": 0, "failed": 0, "forgotten": 0}


def test_file_is_private_not_under_media(patient_a, build, settings, client_for):
    export = build(patient_a.user, patient_a.brand)
    assert not (settings.MEDIA_ROOT / export.file.name).exists()
    # The name is random: nothing in it says whose it is.
    assert str(patient_a.user.uuid) not in export.file.name
    assert patient_a.user.email not in export.file.name


def test_one_build_at_a_time(patient_a, client_for, django_capture_on_commit_callbacks):
    client = client_for(patient_a.user, "calm.localhost")
    # The build is queued but no worker runs it.
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("data_export_request"))
        response = client.post(reverse("data_export_request"), follow=True)
    assert DataExport.objects.filter(user=patient_a.user).count() == 1
    assert b"already preparing a copy" in response.content


def test_at_most_three_a_day(patient_a, client_for, build):
    for _ in range(3):
        build(patient_a.user, patient_a.brand)
    client = client_for(patient_a.user, "calm.localhost")

    response = client.post(reverse("data_export_request"), follow=True)

    assert DataExport.objects.filter(user=patient_a.user).count() == 3
    assert b"3 times a day" in response.content
    # A day later it works again.
    DataExport.objects.update(requested_at=timezone.now() - timedelta(days=1, seconds=1))
    client.post(reverse("data_export_request"))
    assert DataExport.objects.filter(user=patient_a.user).count() == 4


def test_page_shows_the_download_link_when_ready(patient_a, build, client_for):
    client = client_for(patient_a.user, "calm.localhost")
    page = client.get(reverse("data_rights"))
    assert page.status_code == 200
    assert b"Prepare my data" in page.content

    export = build(patient_a.user, patient_a.brand)
    page = client.get(reverse("data_rights"))
    assert data_rights.download_path(export).encode() in page.content


def test_pending_status_polls_until_the_copy_is_ready(
    patient_a, client_for, django_capture_on_commit_callbacks
):
    client = client_for(patient_a.user, "calm.localhost")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("data_export_request"))
    page = client.get(reverse("data_rights"))
    assert b'hx-trigger="every 5s"' in page.content
    assert b"Being prepared" in page.content
    # Still pending: nothing to swap.
    assert client.get(reverse("data_rights"), headers={"HX-Request": "true"}).status_code == 204

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()  # the worker builds it

    partial = client.get(reverse("data_rights"), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<h1" not in partial.content and b"hx-trigger" not in partial.content
    export = DataExport.objects.get(user=patient_a.user)
    assert data_rights.download_path(export).encode() in partial.content


def test_build_that_keeps_failing_is_marked_failed(patient_a, build, settings):
    settings.TASK_MAX_ATTEMPTS = 2

    def broken(user):
        raise RuntimeError("disk full")

    data_rights.register_exporter("broken_for_test", broken)
    try:
        export = build(patient_a.user, patient_a.brand)
    finally:
        data_rights.unregister("broken_for_test")
    assert export.status == DataExport.Status.FAILED
    assert export.attempts == 2
    assert not Notification.objects.filter(kind="account.data_export_ready").exists()


def test_data_export_of_a_user_with_nothing_else(db, build):
    user = make_user("lonely@example.com")
    export = build(user)
    data = json.loads(zip_members(export)["data.json"])
    assert data["sections"]["patient_records"] == []


def test_accepted_legal_documents_are_in_the_export(patient_a, patient_b, staff_a, build):
    from hale.legal.demo import accept_demo_documents, seed_demo_legal

    seed_demo_legal(patient_a.brand, staff_a)
    accept_demo_documents(patient_a.brand, [patient_a.user])
    Patient.objects.create(brand=patient_a.brand, user=patient_b.user, email=patient_b.user.email)
    accept_demo_documents(patient_a.brand, [patient_b.user])

    export = build(patient_a.user, patient_a.brand)

    accepted = json.loads(zip_members(export)["data.json"])["sections"]["legal_acceptances"]
    assert {(a["service"], a["version"]) for a in accepted} == {("Calm Minds", 1)}
    assert len(accepted) == 2  # Terms and Privacy, Alice's only


def test_sign_in_sessions_are_listed_without_their_keys(patient_a, patient_b, client_for, build):
    client = client_for(patient_a.user, "calm.localhost")
    client_for(patient_b.user, "northside.localhost")
    export = build(patient_a.user, patient_a.brand)
    sessions = json.loads(zip_members(export)["data.json"])["sections"]["account"]["sessions"]
    assert len(sessions) == 1
    assert set(sessions[0]) == {"signed_in_at", "last_seen_at", "ip_address", "browser", "host"}
    assert client.session.session_key.encode() not in b"".join(zip_members(export).values())
