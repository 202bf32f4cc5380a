"""Forms of documents and notes. File checks (size, type from the bytes) are the upload
pipeline's (``hale.core.uploads.store_upload``); these only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.documents.actions import MAX_MESSAGE, MAX_NOTE, MAX_TITLE
from hale.documents.models import DocumentKind


class NoteEditor(forms.Textarea):
    """A Markdown textarea with a small toolbar (bold, italic, lists, link) added by
    ``js/note-editor.js``; without JavaScript it is a plain textarea."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "rows": 6,
                "data-note-editor": "",
                "data-label-toolbar": _("Formatting"),
                "data-label-bold": _("Bold"),
                "data-label-italic": _("Italic"),
                "data-label-bullets": _("Bulleted list"),
                "data-label-numbers": _("Numbered list"),
                "data-label-link": _("Link"),
                "data-label-link-text": _("link text"),
                **(attrs or {}),
            }
        )


def _file_field(policy) -> forms.FileField:
    field = forms.FileField(label=_("File"))
    if policy is not None:
        field.help_text = policy.describe()
        field.widget.attrs["accept"] = policy.accept
    return field


class ShareForm(forms.Form):
    """Staff or a specialist share a file with the patient."""

    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    message = forms.CharField(
        label=_("Message to the patient (optional)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field(policy)
        self.order_fields(["kind", "title", "file", "message"])


class UploadForm(forms.Form):
    """The patient adds a file of their own."""

    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)

    def __init__(self, *args, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field(policy)


class PatientNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Your note"),
        max_length=MAX_NOTE,
        widget=NoteEditor,
        help_text=_("Markdown: **bold**, _italic_, - list, 1. list, [text](https://...)."),
    )
    shared = forms.BooleanField(
        label=_("Share with my care team"),
        required=False,
        help_text=_("Your specialists and clinic staff can then read this note."),
    )


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Private note"),
        max_length=MAX_NOTE,
        widget=NoteEditor,
        help_text=_("Markdown: **bold**, _italic_, - list, 1. list, [text](https://...)."),
    )
    session = forms.ChoiceField(label=_("About the session (optional)"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        from hale.core.templatetags.hale import when

        self.sessions = {str(a.uuid): a for a in sessions}
        self.fields["session"].choices = [("", _("No particular session"))] + [
            (key, f"{when(a.start)} · {a.session_name}") for key, a in self.sessions.items()
        ]

    def appointment(self):
        return self.sessions.get(self.cleaned_data.get("session") or "")


class TypeFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All types")), *DocumentKind.choices],
    )
