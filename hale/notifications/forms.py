from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hale.notifications.actions import TITLE_MAX
from hale.notifications.kinds import CHANNEL_CHOICES, Kind

BODY_MAX = 5000


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Sent to every patient of the brand who has an account, in the app and "
            "by email unless they switched announcements off."
        ),
    )


class PreferencesForm(forms.Form):
    """One checkbox per (kind, channel) the kinds offer, laid out as a table by the template.

    Kinds the user may not switch off get a disabled, checked box (so the table still tells
    the truth) that is never saved.
    """

    def __init__(self, *args, kinds: list[Kind], current: dict[tuple[str, str], bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.rows: list[tuple[Kind, list[forms.BoundField | None]]] = []
        self._names: dict[str, tuple[str, str]] = {}
        for kind in kinds:
            cells: list[forms.BoundField | None] = []
            for channel, channel_label in CHANNEL_CHOICES:
                if not kind.offers(channel):
                    cells.append(None)
                    continue
                name = f"{kind.key}:{channel}"
                self.fields[name] = forms.BooleanField(
                    required=False,
                    initial=current.get((kind.key, channel), False),
                    disabled=not kind.user_can_disable,
                    label=gettext("%(kind)s: %(channel)s")
                    % {"kind": kind.label, "channel": channel_label},
                )
                self._names[name] = (kind.key, channel)
                cells.append(self[name])
            self.rows.append((kind, cells))

    @property
    def channel_headers(self) -> list:
        return [label for _channel, label in CHANNEL_CHOICES]

    def enabled(self) -> set[tuple[str, str]]:
        return {
            pair
            for name, pair in self._names.items()
            if self.cleaned_data.get(name) and not self.fields[name].disabled
        }
