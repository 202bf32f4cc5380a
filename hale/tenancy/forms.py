from django import forms
from django.utils.translation import gettext_lazy as _

from hale.core.hooks import Hook
from hale.core.uploads import TYPE_GROUPS, type_group_choices
from hale.core.zones import everyday_zones
from hale.tenancy.models import UPLOAD_MAX_MB_LIMIT, Brand, Plan, SignInMethod

signin_methods_chosen = Hook(
    "signin_methods_chosen",
    """Called with ``brand`` and ``methods`` (the sign-in methods about to be saved) when staff
    or an operator change them; a receiver raises ``forms.ValidationError`` to refuse a choice
    that would leave patients no way in (the sign-in app checks single sign-on providers).""",
)

MAX_LOGO_BYTES = 1024 * 1024
# Raster images only: an uploaded SVG could carry script served from our own origin.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"RIFF": "webp",
}


class ColourInput(forms.TextInput):
    input_type = "color"


class SignInMethodsField(forms.MultipleChoiceField):
    """``Brand.signin_methods`` as a group of checkboxes; at least one, kept in a fixed order."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sign-in methods"))
        kwargs.setdefault(
            "help_text",
            _(
                "How patients sign in to your portal. Methods you leave out are not shown and "
                "their pages refuse. Single sign-on uses the OpenID Connect providers the "
                "platform operator set up for your brand."
            ),
        )
        kwargs.setdefault("error_messages", {"required": _("Choose at least one sign-in method.")})
        super().__init__(choices=SignInMethod.choices, **kwargs)

    def clean(self, value):
        chosen = set(super().clean(value))
        return [m for m in SignInMethod.values if m in chosen]


class UploadTypeGroupsField(forms.MultipleChoiceField):
    """``Brand.upload_type_groups`` as checkboxes; at least one, kept in catalogue order."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Files people may upload"))
        kwargs.setdefault(
            "help_text",
            _(
                "The kinds of file patients, specialists and staff may send and share on your "
                "portal. Hale checks each file's contents, not just its name."
            ),
        )
        kwargs.setdefault("error_messages", {"required": _("Choose at least one kind of file.")})
        super().__init__(choices=type_group_choices, **kwargs)

    def clean(self, value):
        chosen = set(super().clean(value))
        return [key for key in TYPE_GROUPS if key in chosen]


def clean_signin_methods_for(brand: Brand, methods: list[str]) -> list[str]:
    """The chosen methods, once every ``signin_methods_chosen`` receiver accepts them."""
    signin_methods_chosen.call(brand=brand, methods=methods)
    return methods


class BrandAdminForm(forms.ModelForm):
    """Django admin's brand form, with the sign-in methods as checkboxes."""

    signin_methods = SignInMethodsField()
    upload_type_groups = UploadTypeGroupsField()

    class Meta:
        model = Brand
        # Platform operators edit every field in the admin (BrandAdmin picks the layout).
        fields = "__all__"  # noqa: DJ007

    def clean_signin_methods(self):
        return clean_signin_methods_for(self.instance, self.cleaned_data["signin_methods"])


class BrandPlanForm(forms.Form):
    """A platform operator puts a brand on a plan, with or without the Portal add-on. It
    carries the plan it showed (``shown``), so a change made meanwhile is not overwritten."""

    plan = forms.ChoiceField(label=_("Plan"), choices=Plan.choices, widget=forms.RadioSelect)
    portal_addon = forms.BooleanField(
        label=_("Portal add-on"),
        required=False,
        help_text=_("Patients sign documents (consents) in the portal, on either plan."),
    )
    shown = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def shown_value(brand: Brand) -> str:
        return f"{brand.plan}:{int(brand.portal_addon)}"

    @classmethod
    def for_brand(cls, brand: Brand, data=None) -> "BrandPlanForm":
        initial = {
            "plan": brand.plan,
            "portal_addon": brand.portal_addon,
            "shown": cls.shown_value(brand),
        }
        return cls(data, initial=initial)

    def clean_shown(self) -> tuple[str, bool]:
        plan, _sep, addon = self.cleaned_data["shown"].partition(":")
        if plan not in Plan.values or addon not in ("0", "1"):
            raise forms.ValidationError(_("Reload the page and try again."))
        return plan, addon == "1"


class BrandSettingsForm(forms.ModelForm):
    """What brand staff may change about their portal's look and defaults (not the plan or
    the Portal add-on: platform operators set those, on the plan page or in the admin)."""

    default_time_zone = forms.ChoiceField(
        label=_("Default time zone"),
        choices=[(z, z) for z in everyday_zones()],
    )
    signin_methods = SignInMethodsField()
    upload_max_mb = forms.IntegerField(
        label=_("Largest upload (MB)"),
        min_value=1,
        max_value=UPLOAD_MAX_MB_LIMIT,
        help_text=_("The largest file people may upload on your portal, in megabytes (1 to 50)."),
    )
    upload_type_groups = UploadTypeGroupsField()

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
            "messaging_policy",
            "referrals_enabled",
            "signin_methods",
            "require_mfa_for_staff",
            "require_mfa_for_specialists",
            "upload_max_mb",
            "upload_type_groups",
        ]
        widgets = {
            "colour_primary": ColourInput(),
            "colour_accent": ColourInput(),
            "colour_background": ColourInput(),
            "colour_text": ColourInput(),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
            "messaging_policy": forms.RadioSelect,
        }

    def clean_signin_methods(self):
        return clean_signin_methods_for(self.instance, self.cleaned_data["signin_methods"])

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
