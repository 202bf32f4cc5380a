"""Images are decoded and written anew with Pillow before they are kept.

That drops everything but the pixels (EXIF with its GPS position and camera serial, XMP,
comments, PNG text chunks; the colour profile is kept so colours stay right), applies the
EXIF orientation first so photos stay upright, and refuses decompression bombs: a small file
that would decode to a huge picture is refused from its header, before any pixel is decoded.
"""

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from hale.core.uploads.errors import UploadRejected
from hale.core.uploads.policy import GIF, JPEG, PNG, WEBP

# About 50 megapixels (an 8660 x 5770 photo); the sum over all frames of an animation.
MAX_PIXELS = 50_000_000
MAX_FRAMES = 500
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WEBP"}
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError)


def _too_large() -> UploadRejected:
    return UploadRejected(
        _("This image is too large (max %(megapixels)s megapixels).")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        code="image",
    )


def _unreadable() -> UploadRejected:
    return UploadRejected(
        _("This image could not be read. It may be damaged; try saving it again."),
        code="image",
    )


def reencode(path: str, mime: str) -> bytes:
    """The image at ``path`` (already detected as ``mime``) written anew, without metadata."""
    fmt = PILLOW_FORMATS[mime]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[fmt]) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if frames > MAX_FRAMES or width * height * frames > MAX_PIXELS:
                    raise _too_large()
                if frames > 1:
                    return _animation(image, fmt)
                return _still(image, fmt)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large() from None
        except _UNREADABLE:
            raise _unreadable() from None


def _still(image: Image.Image, fmt: str) -> bytes:
    image.load()
    icc_profile = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    clean = ImageOps.exif_transpose(image)
    clean.info = {}
    options: dict = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if fmt == "JPEG":
        if clean.mode not in {"L", "RGB", "CMYK"}:
            clean = clean.convert("RGB")
        options.update(quality=90, optimize=True)
    elif fmt == "PNG":
        if transparency is not None and clean.mode in {"P", "L", "RGB"}:
            options["transparency"] = transparency
        options["optimize"] = True
    elif fmt == "GIF" and transparency is not None:
        options["transparency"] = transparency
    elif fmt == "WEBP":
        if clean.mode not in {"RGB", "RGBA"}:
            clean = clean.convert("RGBA")
        options.update(quality=90)
    out = io.BytesIO()
    clean.save(out, fmt, **options)
    return out.getvalue()


def _animation(image: Image.Image, fmt: str) -> bytes:
    """An animated GIF or WebP: every frame copied to a fresh image, timings kept."""
    loop = image.info.get("loop", 0)
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        fresh = frame.convert("RGBA")
        fresh.info = {}
        frames.append(fresh)
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=durations, loop=loop)
    return out.getvalue()
