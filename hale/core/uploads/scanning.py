"""Virus scanning of uploads through a ClamAV daemon (clamd), when one is configured.

``CLAMD_SOCKET`` (a unix socket) or ``CLAMD_HOST``/``CLAMD_PORT`` turn it on. A new upload is
then stored as ``scanning`` and ``scan_upload`` streams it to clamd (``INSTREAM``): clean →
``clean``; a virus → the file is deleted and the upload is ``infected``; clamd unreachable or
erring → the task raises and ``retrying_task`` tries again later, the upload stays
``scanning`` and is never served. A file larger than clamd's ``StreamMaxLength`` cannot be
scanned at all: it is deleted and the upload is ``failed``.

Client: ``clamdpy`` (MIT), a maintained and typed fork of python-clamd. We use its ``PING``
and ``INSTREAM``. Looked at and passed over: ``clamd`` and ``pyclamd`` (unmaintained since
2014 and 2017), ``clamav-client`` (maintained, but GPL-2.0, which does not combine with
Hale's AGPL-3.0), ``aioclamd`` (async only; the scan runs in a worker).
"""

import logging
from dataclasses import dataclass

from clamdpy import ClamdNetworkSocket, ClamdUnixSocket
from clamdpy.exceptions import BufferTooLongError, ClamdException
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hale.core import audit
from hale.core.tasks import retrying_task
from hale.core.uploads.models import Upload

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not give a verdict: try again later."""


class CannotScan(Exception):
    """clamd refused this file for good (larger than its ``StreamMaxLength``)."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    threat: str = ""


def scanning_enabled() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _client():
    if settings.CLAMD_SOCKET:
        return ClamdUnixSocket(
            settings.CLAMD_SOCKET, timeout=settings.CLAMD_TIMEOUT, max_chunk_size=CHUNK_SIZE
        )
    return ClamdNetworkSocket(
        settings.CLAMD_HOST,
        settings.CLAMD_PORT,
        timeout=settings.CLAMD_TIMEOUT,
        max_chunk_size=CHUNK_SIZE,
    )


def ping() -> bool:
    """Whether the configured clamd answers ``PONG``."""
    try:
        return _client().ping() == "PONG"
    except (ClamdException, OSError):
        return False


def scan_stream(stream) -> Verdict:
    """Send ``stream`` (anything with ``read``) to clamd and return its verdict."""
    try:
        result = _client().instream(stream)
    except BufferTooLongError as exc:
        raise CannotScan(exc.error) from exc
    except (ClamdException, OSError) as exc:
        raise ScannerUnavailable(str(exc)) from exc
    if result.status == "OK":
        return Verdict(infected=False)
    if result.status == "FOUND":
        return Verdict(infected=True, threat=(result.reason or "")[:200])
    raise ScannerUnavailable(f"clamd answered ERROR: {result.reason}")


@retrying_task()
def scan_upload(upload_id: int) -> str:
    """Scan one upload that is waiting for it; idempotent (anything else is left alone)."""
    upload = Upload.objects.filter(pk=upload_id, scan_status=Upload.ScanStatus.SCANNING).first()
    if upload is None:
        return "not waiting"
    try:
        with upload.file.open("rb") as handle:
            verdict = scan_stream(handle)
    except FileNotFoundError:
        return _finish(upload_id, Upload.ScanStatus.FAILED, reason="file missing")
    except CannotScan:
        return _finish(upload_id, Upload.ScanStatus.FAILED, reason="too large for clamd")
    except ScannerUnavailable:
        logger.warning("clamd unavailable while scanning upload %s", upload.uuid)
        raise  # retried with back-off; the upload stays "scanning"
    if verdict.infected:
        return _finish(upload_id, Upload.ScanStatus.INFECTED, threat=verdict.threat)
    return _finish(upload_id, Upload.ScanStatus.CLEAN)


@transaction.atomic
def _finish(upload_id: int, status: str, *, threat: str = "", reason: str = "") -> str:
    upload = (
        Upload.objects.select_for_update()
        .filter(pk=upload_id, scan_status=Upload.ScanStatus.SCANNING)
        .first()
    )
    if upload is None:
        return "not waiting"
    upload.scan_status = status
    upload.scanned_at = timezone.now()
    fields = ["scan_status", "scanned_at"]
    if status != Upload.ScanStatus.CLEAN:
        # Nothing unscanned or infected stays in storage; the row stays as the record.
        name = upload.file.name
        storage = upload.file.storage
        upload.file = ""
        upload.threat = threat
        fields += ["file", "threat"]
        if name:
            transaction.on_commit(lambda: _delete_stored(storage, name, upload.uuid))
    upload.save(update_fields=fields)
    if status == Upload.ScanStatus.INFECTED:
        logger.warning("Upload %s is infected (%s); file deleted", upload.uuid, threat)
        audit.record(None, "upload.infected", upload, brand=upload.brand, threat=threat)
    elif status == Upload.ScanStatus.FAILED:
        logger.warning("Upload %s could not be scanned (%s); file deleted", upload.uuid, reason)
        audit.record(None, "upload.scan_failed", upload, brand=upload.brand, reason=reason)
    return status


def _delete_stored(storage, name: str, upload_uuid) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not delete the stored file of upload %s", upload_uuid)
