"""Pieces the portals share: storing a file through the pipeline and serving one."""

from django.http import HttpRequest, HttpResponse

from hale.core.access import Denied
from hale.core.uploads import UploadRejected, delete_upload, serve_upload, store_upload
from hale.documents.actions import DocumentError
from hale.documents.models import Document


def store_and(form, *, brand, user, action):
    """Store ``form``'s file with the brand's policy, then run ``action(upload)``. On a
    refused file or a refused action the form carries the message, nothing is kept, and
    None is returned."""
    try:
        upload = store_upload(
            file=form.cleaned_data["file"],
            policy=brand.upload_policy(),
            uploaded_by=user,
            brand=brand,
        )
    except UploadRejected as exc:
        form.add_error("file", exc)
        return None
    try:
        return action(upload)
    except DocumentError as exc:
        delete_upload(upload=upload)
        form.add_error(None, str(exc.message))
        return None


def serve_document(request: HttpRequest, document: Document) -> HttpResponse:
    """The document's file, inline for images and PDF unless ``?download=1``; 404 while it is
    still being scanned, after it was withdrawn, or when the scan refused it."""
    if document.upload is None or not document.upload.is_available:
        raise Denied(Document, document.uuid)
    return serve_upload(request, document.upload, inline=request.GET.get("download") != "1")
