"""Virus scanning of uploads with a real clamd (``clamd_daemon`` in the root conftest: a
signature database built here from the EICAR string with sigtool). Transactional tests:
the scan task runs on commit (inline in tests), so a verdict is known within the request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hale.core.models import AuditEvent
from hale.core.uploads import TYPE_GROUPS, Upload, UploadRejected, store_upload
from hale.core.uploads.scanning import ping, scan_upload
from tests import upload_samples as samples
from tests.clamd import SIGNATURE

pytestmark = pytest.mark.django_db(transaction=True)
HOST = "calm.localhost"
clamd = pytest.mark.service("clamd")


@pytest.fixture
def alice(patient_a, client_for, upload_views, private_storage):
    patient_a.brand.upload_type_groups = list(TYPE_GROUPS)
    patient_a.brand.save(update_fields=["upload_type_groups"])
    return client_for(patient_a.user, HOST)


@pytest.fixture
def scanner(settings, clamd_daemon):
    settings.CLAMD_SOCKET = clamd_daemon.socket_path
    settings.CLAMD_HOST = ""
    return clamd_daemon


def post_file(client, name, content):
    return client.post("/test-upload/", {"file": SimpleUploadedFile(name, content)})


@clamd
def test_an_infected_upload_is_refused_and_its_file_deleted(alice, scanner, stored_files):
    response = post_file(alice, "results.txt", samples.EICAR)

    assert response.status_code == 400
    assert response.json()["errors"] == ["This file contains a virus and was not kept."]
    upload = Upload.objects.get()  # the record stays, without its file
    assert upload.scan_status == Upload.ScanStatus.INFECTED
    assert upload.threat.startswith(SIGNATURE)
    assert upload.scanned_at is not None and not upload.file
    assert stored_files() == []
    assert AuditEvent.objects.filter(action="upload.infected", object_id=str(upload.pk)).exists()
    assert alice.get(f"/test-upload/{upload.uuid}/inline/").status_code == 404


@clamd
def test_a_virus_inside_a_pdf_is_found_over_tcp(patient_a, private_storage, settings, clamd_daemon):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", clamd_daemon.port

    with pytest.raises(UploadRejected) as refused:
        store_upload(
            file=SimpleUploadedFile("letter.pdf", samples.pdf(extra=samples.EICAR)),
            policy=patient_a.brand.upload_policy(),
            uploaded_by=patient_a.user,
            brand=patient_a.brand,
        )

    assert refused.value.code == "infected"
    assert Upload.objects.get().scan_status == Upload.ScanStatus.INFECTED
    assert not any(p.is_file() for p in private_storage.rglob("*"))


@clamd
def test_a_clean_file_passes_the_scan_and_can_be_downloaded(alice, scanner):
    pdf = samples.pdf()
    response = post_file(alice, "letter.pdf", pdf)

    assert response.status_code == 201
    assert response.json()["status"] == "clean"
    upload = Upload.objects.get()
    assert upload.scan_status == Upload.ScanStatus.CLEAN and upload.scanned_at is not None
    download = alice.get(f"/test-upload/{upload.uuid}/inline/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf


def test_with_clamd_down_the_upload_waits_as_scanning_and_is_not_served(
    alice, settings, tmp_path, stored_files
):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    settings.TASK_MAX_ATTEMPTS = 2
    assert not ping()

    response = post_file(alice, "letter.pdf", samples.pdf())

    assert response.status_code == 201  # kept, but not yet usable
    assert response.json()["status"] == "scanning"
    upload = Upload.objects.get()
    assert upload.scan_status == Upload.ScanStatus.SCANNING and upload.scanned_at is None
    assert upload.is_scanning and not upload.is_available
    assert len(stored_files()) == 1  # waiting for the scanner, never treated as clean
    assert alice.get(f"/test-upload/{upload.uuid}/inline/").status_code == 404


@clamd
def test_a_waiting_upload_is_scanned_when_clamd_is_back(alice, settings, tmp_path, clamd_daemon):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    settings.TASK_MAX_ATTEMPTS = 1
    post_file(alice, "letter.pdf", samples.pdf())
    upload = Upload.objects.get(scan_status=Upload.ScanStatus.SCANNING)

    settings.CLAMD_SOCKET = clamd_daemon.socket_path
    scan_upload.enqueue(upload.pk)

    upload.refresh_from_db()
    assert upload.scan_status == Upload.ScanStatus.CLEAN
    assert alice.get(f"/test-upload/{upload.uuid}/inline/").status_code == 200


def test_scanning_an_upload_that_is_not_waiting_changes_nothing(alice, settings):
    post_file(alice, "letter.pdf", samples.pdf())  # no scanner: clean at once
    upload = Upload.objects.get()
    settings.CLAMD_SOCKET = "/nonexistent/clamd.sock"

    result = scan_upload.enqueue(upload.pk)

    assert result.return_value == "not waiting"
    upload.refresh_from_db()
    assert upload.scan_status == Upload.ScanStatus.CLEAN and upload.scanned_at is None
