"""Forms: the consent box on sign-up, and the back office's document editor.

Forms only parse input; the actions in ``hale.legal.actions`` validate and save.
"""

from allauth.account import app_settings as account_settings
from allauth.core import context as allauth_context
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.core.http import client_ip, user_agent
from hale.legal import access, actions
from hale.legal.models import LegalDocument

CONSENT_FIELD = "accept_legal"


def _document_link(document: LegalDocument) -> SafeString:
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}'
        '<span class="visually-hidden"> {}</span></a>',
        reverse("legal_document", args=[document.kind], urlconf="hale.urls_brand"),
        document.get_kind_display(),
        _("(opens in a new tab)"),
    )


def consent_label(documents: list[LegalDocument]) -> SafeString:
    """ "I accept the Terms of Service and the Privacy Policy", each a link to its current
    version (or just the one a brand has published)."""
    links = [_document_link(d) for d in documents]
    if len(links) == 1:
        return format_html(_("I accept the {document}"), document=links[0])
    return format_html(
        _("I accept the {terms} and the {privacy}"), terms=links[0], privacy=links[1]
    )


class ConsentSignupForm(forms.Form):
    """allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``: allauth builds both of its sign-up forms (email
    and social) on top of this class, so whatever sign-up form a brand uses gets the consent
    box, and ``signup()`` runs once the user exists.

    On a brand host with published Terms or Privacy Policy, the box is required and placed
    last; accepting records one acceptance per current document (version, time, IP, browser).
    Elsewhere (no documents, the platform host) the box is left out.
    """

    accept_legal = forms.BooleanField(required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's AccountMiddleware keeps the request in a context variable for forms.
        request = allauth_context.request
        self.legal_brand = getattr(request, "brand", None)
        self.legal_documents = access.current_documents(self.legal_brand)
        if not self.legal_documents:
            del self.fields[CONSENT_FIELD]
            return
        field = self.fields[CONSENT_FIELD]
        field.label = consent_label(self.legal_documents)
        if len(self.legal_documents) > 1:
            message = _("To create an account, accept the Terms of Service and the Privacy Policy.")
        else:
            message = _("To create an account, accept the %(document)s.") % {
                "document": self.legal_documents[0].get_kind_display()
            }
        field.error_messages["required"] = message

    @property
    def field_order(self) -> list[str]:  # type: ignore[override]  # allauth re-reads it
        """allauth's own order (its ``SIGNUP_FIELDS``), then any other field, then consent:
        allauth re-applies this after it adds the password fields."""
        names = [*account_settings.SIGNUP_FIELDS, *self.fields]
        return [name for name in names if name != CONSENT_FIELD] + [CONSENT_FIELD]

    def signup(self, request, user) -> None:
        if not self.legal_documents or not self.cleaned_data.get(CONSENT_FIELD):
            return
        actions.record_acceptance(
            user=user,
            brand=self.legal_brand,
            documents=self.legal_documents,
            ip=client_ip(request),
            user_agent=user_agent(request),
        )


class LegalDocumentForm(forms.ModelForm):
    """A version's text; the brand and kind come from the URL, the status from buttons."""

    class Meta:
        model = LegalDocument
        fields = ["title", "change_summary", "body_markdown"]
        labels = {
            "title": gettext_lazy("Title"),
            "change_summary": gettext_lazy("What changed (shown to patients asked to accept)"),
            "body_markdown": gettext_lazy("Text (Markdown)"),
        }
        help_texts = {
            "change_summary": gettext_lazy(
                "A sentence or two, e.g. “We now explain how video sessions are recorded.” "
                "Leave it blank for a first version."
            ),
            "body_markdown": gettext_lazy(
                "Use Markdown: ## for a heading, **bold**, *italic*, "
                "[link text](https://example.com), - for a list. "
                "Scripts, frames and styles are removed."
            ),
        }
        widgets = {
            "change_summary": forms.Textarea(attrs={"rows": 2}),
            "body_markdown": forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
        }

    def __init__(self, *args, preview_url: str = "", **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if preview_url:
            # Live preview: htmx posts the form (with its CSRF token) as the author types.
            self.fields["body_markdown"].widget.attrs.update(
                {
                    "hx-post": preview_url,
                    "hx-trigger": "input changed delay:600ms",
                    "hx-target": "#legal-preview",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )

    def validate_unique(self):
        # Versions are numbered by the action, which knows the brand.
        pass
