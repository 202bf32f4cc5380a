"""``store_upload``: take a file in, check it, keep it; ``delete_upload(s)``: let it go."""

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from hale.core import audit
from hale.core.uploads import detect, images
from hale.core.uploads.errors import UploadRejected
from hale.core.uploads.models import Upload
from hale.core.uploads.names import display_name, extension_of
from hale.core.uploads.policy import (
    FILE_TYPES,
    IMAGE_TYPES,
    TEXT,
    TEXT_TYPES,
    UploadPolicy,
    format_size,
)

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
_BY_EXTENSION = {ext: t.mime for t in FILE_TYPES.values() for ext in t.extensions}


def store_upload(*, file, policy: UploadPolicy, uploaded_by, brand=None) -> Upload:
    """Check ``file`` (a Django ``UploadedFile`` or any ``File``) against ``policy`` and keep
    it in the private storage under a random name; return the ``Upload``.

    Refused with ``UploadRejected`` (a translated message for the uploader), leaving nothing
    stored, when the file is empty or larger than ``policy.max_bytes`` (counted while
    reading, never reading much past the limit), when its bytes are not one of the allowed
    types, when its name's extension does not agree with its bytes, when text is not UTF-8,
    or when an image cannot be decoded or would decode to more than ``images.MAX_PIXELS``.
    Images are kept re-encoded without metadata; ``size`` and ``sha256`` describe the kept
    bytes.

    Without a virus scanner the upload is ``clean`` at once. With one it is ``scanning`` and
    a task scans it after commit. Called outside a transaction (as a view does, before the
    action that attaches it), the scan has then already run where tasks run inline, and an
    infected file is refused here too (``code="infected"``; its row stays, marked
    ``infected``, without the file). Inside a caller's transaction, check
    ``upload.is_available`` before offering it. If the caller's own action then fails, it
    should ``delete_upload`` what it stored.
    """
    name = display_name(getattr(file, "name", "") or "")
    declared = getattr(file, "size", None)
    if declared is not None and declared > policy.max_bytes:
        raise _too_large(policy)

    with tempfile.TemporaryDirectory(prefix="hale-upload-") as workdir:
        path = os.path.join(workdir, "upload")  # no extension: the name must not sway detection
        size = _spool(file, path, policy)
        mime = _checked_type(path, name, policy)
        extension = extension_of(name)
        if not extension:
            name = display_name(f"{name}{FILE_TYPES[mime].extension}")
        if mime in IMAGE_TYPES:
            content = ContentFile(images.reencode(path, mime))
            size = content.size
            digest = hashlib.sha256(content.read()).hexdigest()
            content.seek(0)
            return _keep(content, name, mime, size, digest, uploaded_by, brand)
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            handle.seek(0)
            return _keep(File(handle), name, mime, size, digest, uploaded_by, brand)


def _too_large(policy: UploadPolicy) -> UploadRejected:
    return UploadRejected(
        _("This file is too large (max %(size)s).") % {"size": format_size(policy.max_bytes)},
        code="too_large",
    )


def _not_allowed(policy: UploadPolicy) -> UploadRejected:
    return UploadRejected(
        _("Only %(types)s are allowed.") % {"types": policy.types_text()}, code="type"
    )


def _mismatch() -> UploadRejected:
    return UploadRejected(
        _(
            "The file's contents do not match its name. Check that you chose the right file "
            "and that its name ends in the right extension (such as .pdf or .jpg)."
        ),
        code="mismatch",
    )


def _spool(file, path: str, policy: UploadPolicy) -> int:
    """Copy ``file`` to ``path``, refusing as soon as it passes the limit."""
    if hasattr(file, "seek"):
        file.seek(0)
    size = 0
    chunks = file.chunks(CHUNK) if hasattr(file, "chunks") else iter(lambda: file.read(CHUNK), b"")
    with open(path, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > policy.max_bytes:
                raise _too_large(policy)
            out.write(chunk)
    if size == 0:
        raise UploadRejected(_("This file is empty."), code="empty")
    return size


def _checked_type(path: str, name: str, policy: UploadPolicy) -> str:
    """The type to keep the file as, or the reason it is refused."""
    detected = detect.detect(path)
    extension = extension_of(name)
    claimed = _BY_EXTENSION.get(extension)
    if detected in detect.MARKUP_TYPES:
        raise _not_allowed(policy)
    if detected == TEXT:
        # Text has no magic number: its name says which kind (plain text or CSV).
        if claimed in TEXT_TYPES:
            detected = claimed
        elif not extension and policy.allows(TEXT):
            detected = TEXT
        elif claimed is not None:
            raise _mismatch()
        else:
            raise _not_allowed(policy)
    if detected not in FILE_TYPES or not policy.allows(detected):
        # An .exe called photo.png claims a type we take: tell them the name is wrong.
        if claimed is not None and policy.allows(claimed):
            raise _mismatch()
        raise _not_allowed(policy)
    if extension and claimed != detected:
        raise _mismatch()
    return detected


def _keep(content: File, name: str, mime: str, size: int, digest: str, uploaded_by, brand):
    from hale.core.uploads import scanning

    scan = scanning.scanning_enabled()
    upload = Upload(
        original_name=name,
        content_type=mime,
        size=size,
        sha256=digest,
        scan_status=Upload.ScanStatus.SCANNING if scan else Upload.ScanStatus.CLEAN,
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
        brand=brand,
    )
    stored_name = None
    try:
        with transaction.atomic():
            upload.file.save("upload", content, save=False)
            stored_name = upload.file.name
            upload.save()
            audit.record(uploaded_by, "upload.stored", upload, brand=brand, type=mime, size=size)
            if scan:
                from hale.core.tasks import enqueue_on_commit

                enqueue_on_commit(scanning.scan_upload, upload.pk)
    except BaseException:
        if stored_name:
            upload.file.storage.delete(stored_name)
        raise
    logger.info("Stored upload %s (%s, %s bytes)", upload.uuid, mime, size)
    if scan and not transaction.get_connection().in_atomic_block:
        upload.refresh_from_db()
        if upload.scan_status == Upload.ScanStatus.INFECTED:
            raise UploadRejected(_("This file contains a virus and was not kept."), code="infected")
        if upload.scan_status == Upload.ScanStatus.FAILED:
            raise UploadRejected(
                _("This file could not be checked for viruses, so it was not kept."),
                code="scan_failed",
            )
    return upload


def delete_upload(*, upload: Upload) -> None:
    """Delete an upload: its row now, its file once the transaction commits (so a rollback
    keeps both). For erasers and for callers whose own action failed after storing."""
    delete_uploads(uploads=[upload])


def delete_uploads(*, uploads: Iterable[Upload]) -> int:
    """``delete_upload`` for many (a list or a QuerySet); returns how many rows went."""
    uploads = list(uploads)
    if not uploads:
        return 0
    stored = [(u.file.storage, u.file.name) for u in uploads if u.file]
    deleted, _counts = Upload.objects.filter(pk__in=[u.pk for u in uploads]).delete()

    def remove_files():
        for storage, name in stored:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete a stored upload file")

    transaction.on_commit(remove_files)
    return deleted


__all__ = ["delete_upload", "delete_uploads", "store_upload"]
