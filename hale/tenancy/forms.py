import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.tenancy.models import Brand

MAX_LOGO_BYTES = 1024 * 1024
# Raster images only: an uploaded SVG could carry script served from our own origin.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"RIFF": "webp",
}


class ColourInput(forms.TextInput):
    input_type = "color"


class BrandSettingsForm(forms.ModelForm):
    """What brand staff may change about their portal's look and defaults."""

    default_time_zone = forms.ChoiceField(
        label=_("Default time zone"),
        choices=[(z, z) for z in sorted(zoneinfo.available_timezones())],
    )

    class Meta:
        model = Brand
        fields = [
            "name",
            "tagline",
            "logo",
            "colour_primary",
            "colour_accent",
            "colour_background",
            "colour_text",
            "default_language",
            "default_time_zone",
            "support_email",
        ]
        widgets = {
            "colour_primary": ColourInput(),
            "colour_accent": ColourInput(),
            "colour_background": ColourInput(),
            "colour_text": ColourInput(),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):
            return logo  # unchanged or cleared
        if logo.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must be at most 1 MB."))
        head = logo.read(12)
        logo.seek(0)
        kind = next((k for sig, k in LOGO_SIGNATURES.items() if head.startswith(sig)), None)
        if kind is None or (kind == "webp" and head[8:12] != b"WEBP"):
            raise forms.ValidationError(_("Upload the logo as a PNG, JPEG or WebP image."))
        return logo
