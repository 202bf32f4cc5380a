"""The one error the pipeline raises for a file it will not keep."""

from django.core.exceptions import ValidationError


class UploadRejected(ValidationError):
    """A file refused with a message the uploader can read (``exc.message``, translated).

    A ``ValidationError``, so a view can hand it straight to ``form.add_error("file", exc)``.
    ``code`` says why: ``too_large``, ``empty``, ``type``, ``mismatch``, ``text``, ``image``,
    ``infected`` or ``scan_failed``.
    """

    def __init__(self, message, code: str):
        super().__init__(message, code=code)
