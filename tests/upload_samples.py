"""Small real files of each kind, made in memory, for upload tests (any app may use them)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image, PngImagePlugin

from tests.clamd import EICAR

__all__ = ["EICAR"]


def png(size=(16, 12), colour="teal", *, text: dict[str, str] | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def gif(size=(10, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("P", size, 3).save(out, "GIF")
    return out.getvalue()


def webp(size=(10, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "WEBP")
    return out.getvalue()


GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_location(size=(40, 20)) -> bytes:
    """A JPEG that tells where it was taken (EXIF GPS), what took it, and that it must be
    rotated (orientation 6: 90° clockwise), plus a comment and XMP."""
    image = Image.new("RGB", size, "navy")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # London
    )
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif.tobytes(),
        comment=b"taken at home",
        xmp=b"<x:xmpmeta><dc:creator>Alice</dc:creator></x:xmpmeta>",
    )
    return out.getvalue()


def decompression_bomb(side=12_000) -> bytes:
    """A PNG of a few KB that would decode to 144 megapixels."""
    out = io.BytesIO()
    Image.new("1", (side, side), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf(text: str = "Hello from Hale", *, extra: bytes = b"") -> bytes:
    """A minimal valid one-page PDF (with its cross-reference table)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if extra:
        out.write(b"% " + extra + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _ooxml(main_part: str, content_type: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{main_part}"/></Relationships>',
        )
        archive.writestr(main_part, '<?xml version="1.0" encoding="UTF-8"?><document/>')
    return out.getvalue()


def docx() -> bytes:
    return _ooxml(
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    )


def xlsx() -> bytes:
    return _ooxml(
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    )


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # The ODF rule: an uncompressed "mimetype" member first.
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office/>')
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>')
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


def windows_exe() -> bytes:
    """The start of a Windows program (MZ header and PE signature)."""
    header = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 56)
    header[0x3C:0x40] = (64).to_bytes(4, "little")
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
TEXT = "Blood pressure log, week 3: fine. Naïve café ✓\n".encode()
CSV = b"date,systolic,diastolic\n2026-12-01,120,80\n2026-12-02,118,79\n"
