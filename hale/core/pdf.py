"""PDF documents Hale generates (signed consents, submitted forms, receipts, reports).

``PdfBuilder`` lays out a plain A4 document with reportlab: headings, paragraphs, Markdown
(rendered and sanitised by ``hale.core.markdown`` first, then mapped to reportlab's small
paragraph markup), two-column facts, images. The output is deterministic (no creation time or
random document id inside), so the same content gives the same bytes and a stored SHA-256
identifies the file exactly. ``pdf_text`` reads a PDF's text back (for checks and tests).

The standard PDF fonts cover Latin-1 (English, Spanish, most of Western Europe); text outside
it is kept in the PDF but may show as boxes in a viewer.
"""

import hashlib
import io
import logging
from html import escape
from html.parser import HTMLParser

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from hale.core.markdown import render_markdown

logger = logging.getLogger(__name__)

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("HaleBody", parent=_STYLES["BodyText"], fontSize=10.5, leading=14)
_SMALL = ParagraphStyle("HaleSmall", parent=_BODY, fontSize=8.5, leading=11)
_QUOTE = ParagraphStyle("HaleQuote", parent=_BODY, leftIndent=8 * mm, textColor=colors.grey)
_HEADINGS = {
    1: ParagraphStyle("HaleH1", parent=_STYLES["Heading1"], fontSize=18, leading=22),
    2: ParagraphStyle("HaleH2", parent=_STYLES["Heading2"], fontSize=14, leading=18),
    3: ParagraphStyle("HaleH3", parent=_STYLES["Heading3"], fontSize=12, leading=15),
}

# Inline HTML (from the sanitiser) → reportlab paragraph markup.
_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "code": "font", "del": "strike"}
_BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "dt", "dd", "td", "th"}


def sha256_hex(data: bytes | str) -> str:
    """The SHA-256 of ``data`` (text as UTF-8), in hex."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class _MarkdownFlowables(HTMLParser):
    """Sanitised HTML → reportlab flowables: block elements become paragraphs, list items
    get a bullet or number, inline emphasis is kept, everything else becomes text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.flowables: list[Flowable] = []
        self._text: list[str] = []
        self._block: str | None = None
        self._lists: list[list] = []  # [kind, counter]
        self._open_inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._flush()
            self._lists.append([tag, 0])
        elif tag in _BLOCKS:
            self._flush()
            self._block = tag
            if tag == "li" and self._lists:
                self._lists[-1][1] += 1
        elif tag == "br":
            self._text.append("<br/>")
        elif tag == "hr":
            self._flush()
            self.flowables.append(HRFlowable(width="100%", color=colors.lightgrey))
        elif tag in _INLINE:
            name = _INLINE[tag]
            self._text.append('<font face="Courier">' if name == "font" else f"<{name}>")
            self._open_inline.append(name)

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _INLINE and self._open_inline:
            self._text.append(f"</{self._open_inline.pop()}>")

    def handle_data(self, data):
        self._text.append(escape(data, quote=False))

    def close(self):
        super().close()
        self._flush()

    def _flush(self) -> None:
        while self._open_inline:
            self._text.append(f"</{self._open_inline.pop()}>")
        text = "".join(self._text).strip()
        self._text = []
        block, self._block = self._block, None
        if not text or text == "<br/>":
            return
        if block in ("h2", "h3", "h4", "h5", "h6"):
            level = 2 if block == "h2" else 3
            self.flowables.append(Paragraph(text, _HEADINGS[level]))
        elif block == "li" and self._lists:
            kind, number = self._lists[-1]
            bullet = f"{number}." if kind == "ol" else "•"
            indent = 6 * mm * len(self._lists)
            style = ParagraphStyle("HaleLi", parent=_BODY, leftIndent=indent, bulletIndent=0)
            self.flowables.append(Paragraph(text, style, bulletText=bullet))
        elif block == "blockquote":
            self.flowables.append(Paragraph(text, _QUOTE))
        else:
            self.flowables.append(Paragraph(text, _BODY))


class PdfBuilder:
    """Build one PDF: call the layout methods in reading order, then ``build()``."""

    def __init__(self, *, title: str, subject: str = "") -> None:
        self.title = title
        self.subject = subject
        self._story: list[Flowable] = []

    def heading(self, text: str, level: int = 1) -> None:
        self._story.append(Paragraph(escape(str(text)), _HEADINGS[min(max(level, 1), 3)]))

    def paragraph(self, text: str, *, small: bool = False) -> None:
        """Plain text (escaped); line breaks are kept."""
        markup = escape(str(text)).replace("\n", "<br/>")
        self._story.append(Paragraph(markup, _SMALL if small else _BODY))

    def markdown(self, source: str) -> None:
        """Markdown, rendered and sanitised exactly as Hale shows it on a page."""
        parser = _MarkdownFlowables()
        parser.feed(render_markdown(source))
        parser.close()
        self._story.extend(parser.flowables)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        """A two-column table of labels and values (an audit trail, a summary)."""
        data = [
            [Paragraph(f"<b>{escape(str(k))}</b>", _SMALL), Paragraph(escape(str(v)), _SMALL)]
            for k, v in rows
        ]
        if not data:
            return
        table = Table(data, colWidths=[45 * mm, 125 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self._story.append(table)

    def table(self, header: list[str], rows: list[list[str]], *, widths_mm=None) -> None:
        """A table with a header row (a report, the lines of a receipt); the last columns
        are right-aligned figures when ``widths_mm`` is given for them."""
        data = [[Paragraph(f"<b>{escape(str(h))}</b>", _SMALL) for h in header]]
        data += [[Paragraph(escape(str(cell)), _SMALL) for cell in row] for row in rows]
        widths = [w * mm for w in widths_mm] if widths_mm else None
        table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.grey),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self._story.append(table)

    def image(self, png: bytes, *, width_mm: float = 60) -> None:
        """An image (PNG or JPEG bytes) scaled to ``width_mm``, keeping its proportions."""
        picture = Image(io.BytesIO(png))
        ratio = picture.imageHeight / picture.imageWidth if picture.imageWidth else 1
        picture.drawWidth = width_mm * mm
        picture.drawHeight = width_mm * mm * ratio
        picture.hAlign = "LEFT"
        self._story.append(picture)

    def spacer(self, height_mm: float = 4) -> None:
        self._story.append(Spacer(1, height_mm * mm))

    def build(self) -> bytes:
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=self.title,
            subject=self.subject,
            author="Hale",
            creator="Hale",
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            invariant=1,
        )
        document.build(list(self._story) or [Spacer(1, 1)])
        return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, in order (pypdf's extraction)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def store_pdf_once(rows, pk: int, *, build, filename, language) -> str:
    """Make and store the PDF of one row once: the row of ``rows`` (a queryset, with what
    ``build`` reads select-related) is locked; a row that has its PDF already is left as it
    is (a retried task stops there). The row's model has ``pdf``, ``pdf_sha256`` and
    ``pdf_generated_at``. ``build(row)`` returns the bytes and runs in ``language(row)``."""
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone, translation

    with transaction.atomic():
        row = rows.select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None:
            return "missing"
        if row.pdf_sha256:
            return "done already"
        with translation.override(language(row) or "en"):
            data = build(row)
        row.pdf.save(filename(row), ContentFile(data), save=False)
        row.pdf_sha256 = sha256_hex(data)
        row.pdf_generated_at = timezone.now()
        row.save(update_fields=["pdf", "pdf_sha256", "pdf_generated_at"])
    return "made"


def read_stored_pdf(field) -> bytes | None:
    """The bytes of a stored PDF (a ``FieldFile``), or None when there is none or the file
    is missing from storage (logged)."""
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError, ValueError):
        logger.warning("Stored PDF %s is missing", field.name)
        return None
