"""``serve_upload``: hand a clean upload to a browser that may see it.

The caller has already decided that this person may have this file (its own access helper,
404 otherwise). Here: only clean files go out, streamed from storage (a thread-free async
stream under ASGI), with headers that keep the browser from treating the file as part of
our site: ``nosniff``, a sandboxing Content-Security-Policy for everything that is not an
image, never cached, and shown inline only for images and PDF when the caller asks.
"""

import logging
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from hale.core.uploads.models import Upload
from hale.core.uploads.names import ascii_fallback
from hale.core.uploads.policy import IMAGE_TYPES, INLINE_TYPES

logger = logging.getLogger(__name__)

STREAM_CHUNK = 256 * 1024
# An image shown on its own page (opened in a tab) needs nothing but itself.
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
# Anything else runs in an opaque origin: no script, no forms, no access to our cookies.
SANDBOX_CSP = "sandbox"


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266: an ASCII ``filename`` for old clients and the real name as ``filename*``."""
    kind = "inline" if inline else "attachment"
    fallback = ascii_fallback(name).replace("\\", "_").replace('"', "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve_upload(request: HttpRequest, upload: Upload, *, inline: bool) -> FileResponse:
    """A streaming response with ``upload``'s bytes; 404 unless it is clean and present.

    ``inline=True`` asks to show it in the browser; only images and PDF are (anything else
    downloads). Call it only after your own access check.
    """
    if not upload.is_available:
        raise Http404
    try:
        handle = upload.file.open("rb")
    except (FileNotFoundError, ValueError):
        logger.warning("Stored file of clean upload %s is missing", upload.uuid)
        raise Http404 from None
    show_inline = inline and upload.content_type in INLINE_TYPES
    response = FileResponse(handle, content_type=upload.content_type)
    if isinstance(request, ASGIRequest):
        # FileResponse's own iterator is sync, which ASGI would read whole into memory.
        response.streaming_content = _read_async(handle)
    response["Content-Length"] = str(upload.size)
    response["Content-Disposition"] = content_disposition(upload.original_name, inline=show_inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        IMAGE_CSP if upload.content_type in IMAGE_TYPES else SANDBOX_CSP
    )
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


async def _read_async(handle):
    read = sync_to_async(handle.read, thread_sensitive=False)
    try:
        while chunk := await read(STREAM_CHUNK):
            yield chunk
    finally:
        await sync_to_async(handle.close, thread_sensitive=False)()


def generated_pdf_response(data: bytes, name: str) -> HttpResponse:
    """A PDF Hale generated (a signed consent, a form's answers, a receipt) as a private
    download: never cached, never rendered in a sandbox-less frame, never sniffed."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(name, inline=False)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
