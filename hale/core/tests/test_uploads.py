"""The upload pipeline end to end: a real form and view (upload_harness.py) on a brand host,
``store_upload`` behind it, downloads through ``serve_upload``."""

import hashlib
import io
import re
from pathlib import Path

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from PIL import Image

from hale.core.models import AuditEvent
from hale.core.uploads import TYPE_GROUPS, Upload, UploadPolicy, UploadRejected, store_upload
from hale.core.uploads import images as image_rules
from hale.core.uploads.names import display_name
from hale.core.uploads.store import delete_upload
from tests import upload_samples as samples

pytestmark = pytest.mark.django_db
HOST = "calm.localhost"
MB = 1024 * 1024


@pytest.fixture
def everything_allowed(brand_a):
    brand_a.upload_type_groups = list(TYPE_GROUPS)
    brand_a.save(update_fields=["upload_type_groups"])
    return brand_a


@pytest.fixture
def alice(patient_a, client_for, upload_views, private_storage):
    """Patient A on her brand's host, with the test upload views."""
    return client_for(patient_a.user, HOST)


def post_file(client, name: str, content: bytes, content_type="application/octet-stream"):
    return client.post(
        "/test-upload/", {"file": SimpleUploadedFile(name, content, content_type=content_type)}
    )


def error_of(response) -> str:
    assert response.status_code == 400, response.content
    return " ".join(response.json()["errors"])


def assert_nothing_kept(stored_files):
    assert Upload.objects.count() == 0
    assert stored_files() == []
    assert not AuditEvent.objects.filter(action="upload.stored").exists()


def read_body(response) -> bytes:
    return b"".join(response.streaming_content)


GOOD_FILES = [
    ("letter.pdf", samples.pdf(), "application/pdf"),
    ("scan.PNG", samples.png(), "image/png"),
    ("photo.jpeg", samples.jpeg_with_location(), "image/jpeg"),
    ("wave.gif", samples.gif(), "image/gif"),
    ("sticker.webp", samples.webp(), "image/webp"),
    ("diary.txt", samples.TEXT, "text/plain"),
    ("readings.csv", samples.CSV, "text/csv"),
    ("referral.docx", samples.docx(), samples.docx and TYPE_GROUPS["office"].types[0]),
    ("budget.xlsx", samples.xlsx(), TYPE_GROUPS["office"].types[1]),
    ("notes.odt", samples.odt(), TYPE_GROUPS["office"].types[2]),
]


@pytest.mark.parametrize(("name", "content", "mime"), GOOD_FILES, ids=[g[0] for g in GOOD_FILES])
def test_good_files_are_kept_privately_under_a_random_name(
    alice, everything_allowed, patient_a, private_storage, settings, name, content, mime
):
    response = post_file(alice, name, content, content_type="application/x-made-up")

    assert response.status_code == 201, response.content
    upload = Upload.objects.get(uuid=response.json()["uuid"])
    assert upload.content_type == mime  # from the bytes, not the browser's claim
    assert upload.scan_status == Upload.ScanStatus.CLEAN  # no scanner configured
    assert upload.original_name == name
    assert upload.uploaded_by == patient_a.user and upload.brand == everything_allowed
    stored = private_storage / upload.file.name
    assert re.fullmatch(r"uploads/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z]+", upload.file.name)
    assert Path(name).stem.lower() not in upload.file.name
    kept = stored.read_bytes()
    assert upload.size == len(kept)
    assert upload.sha256 == hashlib.sha256(kept).hexdigest()
    if not mime.startswith("image/"):
        assert kept == content  # documents are kept byte for byte
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).iterdir())
    assert AuditEvent.objects.filter(action="upload.stored", object_id=str(upload.pk)).exists()


REFUSED = [
    ("png-named-pdf", "report.pdf", samples.png(), "mismatch"),
    ("exe-named-png", "kitten.png", samples.windows_exe(), "mismatch"),
    ("exe", "setup.exe", samples.windows_exe(), "type"),
    ("html-named-txt", "notes.txt", samples.HTML, "type"),
    ("html", "page.html", samples.HTML, "type"),
    ("svg", "logo.svg", samples.SVG, "type"),
    ("svg-named-png", "logo.png", samples.SVG, "type"),
    ("text-named-pdf", "lab.pdf", samples.TEXT, "mismatch"),
    ("binary-named-txt", "notes.txt", bytes(range(256)) * 4, "mismatch"),
    ("zip-named-docx", "letter.docx", samples.plain_zip(), "mismatch"),
    ("zip", "files.zip", samples.plain_zip(), "type"),
    ("pdf-named-jpg", "photo.jpg", samples.pdf(), "mismatch"),
    ("empty", "empty.pdf", b"", "empty"),
    ("bomb", "huge.png", samples.decompression_bomb(), "image"),
    ("broken-image", "broken.png", samples.png()[:40], "image"),
]


@pytest.mark.parametrize(
    ("name", "content", "code"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_bad_files_are_refused_and_nothing_is_kept(
    alice, everything_allowed, stored_files, name, content, code
):
    response = post_file(alice, name, content)

    message = error_of(response)
    expected = {
        "mismatch": "The file's contents do not match its name.",
        "type": "Only images, PDF documents, office documents (Word, Excel, OpenDocument) "
        "and text files (TXT, CSV) are allowed.",
        "empty": "The submitted file is empty.",  # Django's own FileField says so first
        "image": "This image",
    }[code]
    assert expected in message
    assert_nothing_kept(stored_files)


def test_a_type_the_brand_does_not_take_is_refused_with_what_it_does_take(
    alice, brand_a, stored_files
):
    assert brand_a.upload_type_groups == ["images", "pdf"]  # the default

    message = error_of(post_file(alice, "notes.txt", samples.TEXT))

    assert message == "Only images and PDF documents are allowed."
    assert_nothing_kept(stored_files)


def test_a_file_over_the_brands_limit_is_refused_and_nothing_is_kept(alice, brand_a, stored_files):
    brand_a.upload_max_mb = 1
    brand_a.save(update_fields=["upload_max_mb"])

    message = error_of(post_file(alice, "big.pdf", samples.pdf(extra=b"x" * MB)))

    assert message == "This file is too large (max 1 MB)."
    assert_nothing_kept(stored_files)


class EndlessFile(File):
    """A file that never ends and does not know its size (a stream, a lying client)."""

    def __init__(self):
        super().__init__(io.BytesIO(), name="endless.pdf")
        self.served = 0

    @property
    def size(self):
        return None

    def chunks(self, chunk_size=None):
        block = b"%PDF-1.4\n" + b"0" * (64 * 1024 - 9)
        while True:
            self.served += len(block)
            yield block


def test_an_oversized_stream_is_refused_after_reading_just_past_the_limit(
    patient_a, brand_a, stored_files
):
    endless = EndlessFile()
    policy = UploadPolicy.for_groups(max_bytes=2 * MB, groups=["pdf"])

    with pytest.raises(UploadRejected) as refused:
        store_upload(file=endless, policy=policy, uploaded_by=patient_a.user, brand=brand_a)

    assert refused.value.code == "too_large"
    assert endless.served <= 2 * MB + 64 * 1024
    assert_nothing_kept(stored_files)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\x\\..\\a.png", "a.png"),
        ("scan\x00\n2026.png", "scan 2026.png"),
        ("photo\u202egnp.png", "photognp.png"),  # no right-to-left override trick
        ("..", "file.png"),  # no name left: the type gives the extension
        ("  .hidden.png", "hidden.png"),
        ('a<b>:"c"|d?*.png', "a_b___c__d__.png"),
        ("x" * 300 + ".png", "x" * 116 + ".png"),
    ],
)
def test_path_tricks_in_the_name_never_leave_private_storage_and_display_safely(
    patient_a, brand_a, private_storage, raw, shown
):
    upload = store_upload(
        file=File(io.BytesIO(samples.png()), name=raw),
        policy=brand_a.upload_policy(),
        uploaded_by=patient_a.user,
        brand=brand_a,
    )

    assert upload.original_name == shown
    stored = (private_storage / upload.file.name).resolve()
    assert stored.is_relative_to(private_storage.resolve()) and stored.exists()
    assert [p for p in private_storage.parent.rglob("*") if p.is_file()] == [stored]


def test_a_tricky_name_comes_back_as_a_safe_header(alice, patient_a, brand_a):
    # Straight to store_upload: Django's multipart parser would already mangle this name.
    upload = store_upload(
        file=File(io.BytesIO(samples.pdf()), name="Résumé\r\nSet-Cookie: x=1.pdf"),
        policy=brand_a.upload_policy(),
        uploaded_by=patient_a.user,
        brand=brand_a,
    )

    download = alice.get(f"/test-upload/{upload.uuid}/attachment/")

    disposition = download["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition == (
        'attachment; filename="Resume Set-Cookie_ x_1.pdf"; '
        "filename*=UTF-8''R%C3%A9sum%C3%A9%20Set-Cookie_%20x%3D1.pdf"
    )
    assert "Set-Cookie" not in download.headers.get("Set-Cookie", "")


def test_photo_location_and_camera_are_removed_and_it_stays_upright(alice, brand_a):
    original = samples.jpeg_with_location(size=(40, 20))
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(samples.GPS_IFD)  # it does carry a location

    upload = Upload.objects.get(uuid=post_file(alice, "holiday.jpg", original).json()["uuid"])

    kept = upload.file.open("rb").read()
    with Image.open(io.BytesIO(kept)) as after:
        assert len(after.getexif()) == 0
        assert not {"exif", "comment", "xmp"} & set(after.info)
        assert after.size == (20, 40)  # orientation 6 applied, then dropped
    for secret in (b"PhoneMaker", b"Phone 15", b"taken at home", b"Alice"):
        assert secret not in kept


def test_png_text_chunks_are_removed(alice, brand_a):
    original = samples.png(text={"Author": "Alice Patient", "Comment": "ward 4"})
    upload = Upload.objects.get(uuid=post_file(alice, "chart.png", original).json()["uuid"])

    kept = upload.file.open("rb").read()
    assert b"Alice Patient" not in kept and b"ward 4" not in kept
    with Image.open(io.BytesIO(kept)) as after:
        assert after.size == (16, 12) and after.getpixel((0, 0)) == (0, 128, 128)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(alice, brand_a, stored_files):
    bomb = samples.decompression_bomb(side=12_000)
    assert len(bomb) < 100_000  # 144 megapixels in a few kilobytes

    message = error_of(post_file(alice, "huge.png", bomb))

    assert message == (
        f"This image is too large (max {image_rules.MAX_PIXELS // 1_000_000} megapixels)."
    )
    assert_nothing_kept(stored_files)


def test_downloads_carry_the_safe_headers(alice, everything_allowed):
    pdf = samples.pdf()
    upload = Upload.objects.get(uuid=post_file(alice, "Lab results ✓.pdf", pdf).json()["uuid"])

    inline = alice.get(f"/test-upload/{upload.uuid}/inline/")

    assert inline.status_code == 200
    assert read_body(inline) == pdf
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Length"] == str(len(pdf))
    assert inline["Content-Disposition"] == (
        "inline; filename=\"Lab results.pdf\"; filename*=UTF-8''Lab%20results%20%E2%9C%93.pdf"
    )
    assert inline["X-Content-Type-Options"] == "nosniff"
    assert inline["Content-Security-Policy"] == "sandbox"
    assert inline["Cache-Control"] == "private, no-store"

    docx = Upload.objects.get(uuid=post_file(alice, "letter.docx", samples.docx()).json()["uuid"])
    as_file = alice.get(f"/test-upload/{docx.uuid}/inline/")  # asked inline: downloads anyway
    assert as_file["Content-Disposition"].startswith("attachment; ")
    assert as_file["Content-Security-Policy"] == "sandbox"
    assert as_file["Content-Type"] == docx.content_type

    image = Upload.objects.get(uuid=post_file(alice, "scan.png", samples.png()).json()["uuid"])
    shown = alice.get(f"/test-upload/{image.uuid}/inline/")
    assert shown["Content-Disposition"].startswith("inline; ")
    assert shown["Content-Type"] == "image/png"
    assert "default-src 'none'" in shown["Content-Security-Policy"]
    assert shown["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "status",
    [
        Upload.ScanStatus.PENDING,
        Upload.ScanStatus.SCANNING,
        Upload.ScanStatus.INFECTED,
        Upload.ScanStatus.FAILED,
    ],
)
def test_an_upload_that_is_not_clean_is_not_served(alice, brand_a, status):
    upload = Upload.objects.get(uuid=post_file(alice, "scan.png", samples.png()).json()["uuid"])
    Upload.objects.filter(pk=upload.pk).update(scan_status=status)

    response = alice.get(f"/test-upload/{upload.uuid}/inline/")

    assert response.status_code == 404
    assert b"\x89PNG" not in response.content


def test_a_clean_upload_whose_file_is_gone_is_a_404_not_a_500(alice, brand_a, private_storage):
    upload = Upload.objects.get(uuid=post_file(alice, "scan.png", samples.png()).json()["uuid"])
    (private_storage / upload.file.name).unlink()

    assert alice.get(f"/test-upload/{upload.uuid}/inline/").status_code == 404


def test_another_patients_upload_is_a_404_through_the_callers_access_check(
    alice, brand_a, patient_b, client_for
):
    upload = Upload.objects.get(uuid=post_file(alice, "scan.png", samples.png()).json()["uuid"])
    bob = client_for(patient_b.user, HOST)

    assert bob.get(f"/test-upload/{upload.uuid}/inline/").status_code == 404


def test_deleting_an_upload_removes_the_row_now_and_the_file_after_commit(
    patient_a, brand_a, private_storage, django_capture_on_commit_callbacks
):
    upload = store_upload(
        file=SimpleUploadedFile("scan.png", samples.png()),
        policy=brand_a.upload_policy(),
        uploaded_by=patient_a.user,
        brand=brand_a,
    )
    stored = private_storage / upload.file.name

    with django_capture_on_commit_callbacks(execute=True):
        delete_upload(upload=upload)
        assert not Upload.objects.filter(pk=upload.pk).exists()
        assert stored.exists()  # not before the commit

    assert not stored.exists()


def test_a_rolled_back_deletion_keeps_the_file(patient_a, brand_a, private_storage):
    upload = store_upload(
        file=SimpleUploadedFile("scan.png", samples.png()),
        policy=brand_a.upload_policy(),
        uploaded_by=patient_a.user,
        brand=brand_a,
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        delete_upload(upload=upload)
        raise RuntimeError("the eraser failed later")

    assert Upload.objects.filter(pk=upload.pk).exists()
    assert (private_storage / upload.file.name).exists()


def test_a_failure_while_keeping_the_row_leaves_no_file(
    patient_a, brand_a, stored_files, monkeypatch
):
    def refuse(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("hale.core.uploads.store.audit.record", refuse)

    with pytest.raises(RuntimeError):
        store_upload(
            file=SimpleUploadedFile("scan.png", samples.png()),
            policy=brand_a.upload_policy(),
            uploaded_by=patient_a.user,
            brand=brand_a,
        )

    assert Upload.objects.count() == 0
    assert stored_files() == []


def test_refusals_are_translated(patient_a, brand_a, private_storage):
    policy = UploadPolicy.for_groups(max_bytes=MB, groups=["images", "pdf"])
    with translation.override("es"), pytest.raises(UploadRejected) as refused:
        store_upload(
            file=SimpleUploadedFile("setup.exe", samples.windows_exe()),
            policy=policy,
            uploaded_by=patient_a.user,
        )
    assert refused.value.message == "Solo se permiten imágenes y documentos PDF."


def test_names_without_an_extension_get_the_one_of_their_type(patient_a, brand_a):
    upload = store_upload(
        file=SimpleUploadedFile("scan", samples.pdf()),
        policy=brand_a.upload_policy(),
        uploaded_by=patient_a.user,
        brand=brand_a,
    )
    assert upload.original_name == "scan.pdf" and upload.content_type == "application/pdf"


def test_the_policy_describes_itself_for_forms():
    policy = UploadPolicy.for_groups(max_bytes=10 * MB, groups=["pdf", "images"])

    assert policy.describe() == "Images and PDF documents, up to 10 MB."
    assert "image/png" in policy.accept.split(",") and ".pdf" in policy.accept.split(",")
    assert policy.allows("image/webp") and not policy.allows("text/plain")
    with pytest.raises(ValueError):
        UploadPolicy(max_bytes=MB, allowed_types=frozenset({"image/svg+xml"}))


def test_display_names_are_one_plain_line():
    assert display_name("a/b\\c\td\u200b.pdf") == "c d.pdf"
    assert display_name("") == "file"
    assert display_name("report.") == "report"


def test_an_empty_file_is_refused_by_the_pipeline_too(patient_a, brand_a, stored_files):
    with pytest.raises(UploadRejected) as refused:
        store_upload(
            file=File(io.BytesIO(b""), name="empty.pdf"),
            policy=brand_a.upload_policy(),
            uploaded_by=patient_a.user,
        )
    assert refused.value.code == "empty" and refused.value.message == "This file is empty."
    assert_nothing_kept(stored_files)


def test_under_asgi_a_download_streams_asynchronously(alice, brand_a):
    from asgiref.sync import async_to_sync
    from django.test import AsyncRequestFactory

    from hale.core.uploads import serve_upload

    pdf = samples.pdf()
    upload = Upload.objects.get(uuid=post_file(alice, "letter.pdf", pdf).json()["uuid"])
    request = AsyncRequestFactory().get("/download/")  # an ASGIRequest, as under uvicorn

    response = serve_upload(request, upload, inline=True)

    async def body():
        return b"".join([chunk async for chunk in response.streaming_content])

    assert response.is_async  # read chunk by chunk, not whole into memory
    assert async_to_sync(body)() == pdf
    assert response["Content-Length"] == str(len(pdf))
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_scan_that_never_finished_reads_as_failed(alice, brand_a):
    from datetime import timedelta

    from django.utils import timezone

    from hale.core.uploads.models import SCAN_TIMEOUT

    upload = Upload.objects.get(uuid=post_file(alice, "scan.png", samples.png()).json()["uuid"])
    Upload.objects.filter(pk=upload.pk).update(scan_status=Upload.ScanStatus.SCANNING)
    upload.refresh_from_db()
    assert upload.is_scanning and upload.scan_status_label == "Being checked for viruses"

    later = upload.created_at + SCAN_TIMEOUT + timedelta(seconds=1)
    assert upload.effective_scan_status(later) == Upload.ScanStatus.FAILED
    assert upload.effective_scan_status(timezone.now()) == Upload.ScanStatus.SCANNING
    assert not upload.is_available
