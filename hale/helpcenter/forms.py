"""Forms for the Help Center back office. They only parse input; actions validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.helpcenter.models import Article


class ArticleForm(forms.ModelForm):
    """An article's text and settings; the brand comes from the URL, the status from buttons."""

    class Meta:
        model = Article
        fields = ["title", "slug", "summary", "body_markdown", "language", "position"]
        labels = {
            "title": _("Title"),
            "slug": _("Address"),
            "summary": _("Summary"),
            "body_markdown": _("Article text (Markdown)"),
            "language": _("Language"),
            "position": _("Order"),
        }
        help_texts = {
            "slug": _(
                "Letters, numbers and hyphens, e.g. booking-your-first-session. "
                "Leave it blank to make one from the title."
            ),
            "body_markdown": _(
                "Use Markdown: ## for a heading, **bold**, *italic*, "
                "[link text](https://example.com), - for a list. "
                "Scripts, frames and styles are removed."
            ),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body_markdown": forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        }

    def __init__(self, *args, preview_url: str = "", **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if preview_url:
            # Live preview: htmx posts the form (with its CSRF token) as the author types.
            self.fields["body_markdown"].widget.attrs.update(
                {
                    "hx-post": preview_url,
                    "hx-trigger": "input changed delay:600ms",
                    "hx-target": "#help-preview",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )

    def validate_unique(self):
        # Uniqueness per brand is checked by the action, which knows the brand.
        pass
