"""Markdown → safe HTML (Help Center articles, legal documents, program and consent texts).

Markdown passes raw HTML through, so its output is never trusted: it is cleaned with nh3 against
an allow-list. What survives is plain document structure — no scripts, no event handlers, no
``style`` attributes, no frames, and links only to http(s), mailto, tel or relative addresses.
"""

import xml.etree.ElementTree as ET  # noqa: S405 - builds elements, never parses input

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "dd",
        "del",
        "details",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "s",
        "samp",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align", "scope"},
}
# Tags removed together with everything inside them (the rest keep their text).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "textarea",
        "select",
        "svg",
        "math",
    }
)
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener noreferrer nofollow"
MAX_MARKDOWN_LENGTH = 100_000


class _AccessibleOutline(Treeprocessor):
    """Keep the page's outline in order and its tables navigable.

    The page title is the only h1, so headings shift until the article's top level is h2
    (authors may start at ``#`` or at ``##``). Column headers get ``scope="col"``.
    """

    LEVELS = ("h1", "h2", "h3", "h4", "h5", "h6")

    def run(self, root: ET.Element) -> None:
        headings = []
        for element in root.iter():
            if element.tag in self.LEVELS:
                headings.append(element)
            elif element.tag == "thead":
                for cell in element.iter("th"):
                    cell.set("scope", "col")
        if not headings:
            return
        shift = 2 - min(int(element.tag[1]) for element in headings)
        if shift <= 0:
            return
        for element in headings:
            element.tag = f"h{min(int(element.tag[1]) + shift, 6)}"


class _AccessibleOutlineExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_AccessibleOutline(md), "hale_accessible_outline", 5)


def _markdown_to_html(text: str) -> str:
    # A fresh converter per call: Markdown instances keep state and are not thread-safe.
    converter = markdown.Markdown(
        extensions=[
            "abbr",
            "def_list",
            "fenced_code",
            "tables",
            "sane_lists",
            _AccessibleOutlineExtension(),
        ],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return converter.convert(text)


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown source → sanitised HTML, safe to mark safe in a template."""
    return sanitise_html(_markdown_to_html(text or "")).strip()


def one_line(value: str | None) -> str:
    """``value`` with runs of white space (newlines included) folded to single spaces."""
    return " ".join((value or "").split())


def clean_markdown_document(
    *,
    title: str,
    body_markdown: str,
    summary: str = "",
    title_max: int,
    summary_max: int,
    summary_field: str = "summary",
    messages: dict[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Normalise and check a titled Markdown text (an article, a legal document, a consent).

    Returns ``(values, errors)``: the normalised ``title``, ``body_markdown`` and summary
    (under ``summary_field``), and translated messages keyed by field for what is wrong.
    ``messages`` gives the wording that differs per kind of document: ``no_title``,
    ``no_body`` and ``body_too_long`` (with ``%(max)d``).
    """
    from django.utils.translation import gettext as _

    errors: dict[str, str] = {}
    title = one_line(title)
    summary = one_line(summary)
    body_markdown = (body_markdown or "").replace("\r\n", "\n").strip()
    if not title:
        errors["title"] = messages["no_title"]
    elif len(title) > title_max:
        errors["title"] = _("Keep the title under %(max)d characters.") % {"max": title_max}
    if len(summary) > summary_max:
        errors[summary_field] = _("Keep the summary under %(max)d characters.") % {
            "max": summary_max
        }
    if not body_markdown:
        errors["body_markdown"] = messages["no_body"]
    elif len(body_markdown) > MAX_MARKDOWN_LENGTH:
        errors["body_markdown"] = messages["body_too_long"] % {"max": MAX_MARKDOWN_LENGTH}
    values = {"title": title, "body_markdown": body_markdown, summary_field: summary}
    return values, errors
