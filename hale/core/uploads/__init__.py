"""The one upload pipeline: every file a person gives Hale comes in through here.

Use it from a view, before the action that attaches the file to something::

    from hale.core.uploads import UploadRejected, store_upload, serve_upload

    try:
        upload = store_upload(
            file=form.cleaned_data["file"],
            policy=request.brand.upload_policy(),   # hale.tenancy: the brand's limits
            uploaded_by=request.user,
            brand=request.brand,
        )
    except UploadRejected as exc:
        form.add_error("file", exc)              # "This file is too large (max 10 MB)." ...

    # later, in a download view, after your own access check (404 otherwise):
    return serve_upload(request, upload, inline=True)

What it guarantees: the size is within the policy (counted while reading); the type is read
from the bytes (``detect``) and agrees with the name's extension; text is UTF-8; SVG, HTML
and XML are never taken; images are re-encoded without metadata and decompression bombs
refused (``images``); the file lands in the private storage under a random name; the name is
kept only for display, sanitised (``names``); with clamd configured nothing is served before
it is scanned clean (``scanning``); a refused file leaves no file and no row behind. Logs
name uploads by id only, never by file name or content.

Public API: ``Upload``, ``UploadPolicy``, ``TYPE_GROUPS``, ``UploadRejected``,
``store_upload``, ``serve_upload``, ``delete_upload``, ``delete_uploads``.
"""

from hale.core.uploads.errors import UploadRejected
from hale.core.uploads.policy import (
    DEFAULT_TYPE_GROUPS,
    FILE_TYPES,
    TYPE_GROUPS,
    FileType,
    TypeGroup,
    UploadPolicy,
    type_group_choices,
    validate_type_groups,
)

# These need the app registry (models, tasks): imported on first use, so this package can be
# imported while models load (hale.tenancy's Brand uses the policy types above).
_LAZY = {
    "Upload": "hale.core.uploads.models",
    "store_upload": "hale.core.uploads.store",
    "delete_upload": "hale.core.uploads.store",
    "delete_uploads": "hale.core.uploads.store",
    "serve_upload": "hale.core.uploads.serve",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_TYPE_GROUPS",
    "FILE_TYPES",
    "TYPE_GROUPS",
    "FileType",
    "TypeGroup",
    "Upload",
    "UploadPolicy",
    "UploadRejected",
    "delete_upload",
    "delete_uploads",
    "serve_upload",
    "store_upload",
    "type_group_choices",
    "validate_type_groups",
]
