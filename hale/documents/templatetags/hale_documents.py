"""Template filters of documents: ``markdown`` renders a note through the one sanitising
Markdown renderer (``hale.core.markdown``)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from hale.core.markdown import render_markdown

register = template.Library()


@register.filter(name="note_html")
def note_html(value: str) -> SafeString:
    """A note's Markdown as sanitised HTML (nh3 allow-list)."""
    return mark_safe(render_markdown(value or ""))  # noqa: S308 - sanitised by render_markdown
