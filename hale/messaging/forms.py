"""Forms of secure messaging: write a message (text and files), start a conversation, search
a conversation, assign a patient to a staff member."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.messaging.actions import MAX_ATTACHMENTS, MAX_BODY


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            files = [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        else:
            files = [super().clean(data, initial)] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("You can attach at most %(max)s files to a message."),
                params={"max": MAX_ATTACHMENTS},
            )
        return files


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3, "data-message-body": ""}),
    )
    attachments = MultipleFileField(label=_("Attach files"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        return data


class StartForm(MessageForm):
    """A new conversation: whom to write to (the choices come from the view), then the
    message."""

    to = forms.ChoiceField(label=_("To"))

    field_order = ["to", "body", "attachments"]

    def __init__(self, *args, recipients: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = recipients


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search this conversation"), max_length=100, required=False)


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args, staff: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Nobody")), *staff]
