"""Forms of the guided onboarding (one per step) and of the staff review decisions."""

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import validate_time_zone
from hale.core.zones import everyday_zones
from hale.specialists.actions import (
    BIO_MAX_LENGTH,
    BIO_MIN_LENGTH,
    MAX_EDUCATION_ROWS,
    REASON_MAX_LENGTH,
)
from hale.specialists.models import ExpertiseArea, Modality, Specialisation, Specialist
from hale.specialists.validators import (
    PHOTO_ACCEPT,
    normalise_region,
    validate_https_url,
    validate_phone,
    validate_photo,
    validate_region,
)
from hale.specialists.vocabulary import SPOKEN_LANGUAGES


class AboutForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=150,
        help_text=_("How patients will see your name, e.g. “Dr Ana García”."),
    )
    credentials = forms.CharField(
        label=_("Credentials"),
        max_length=150,
        help_text=_(
            "Your professional title and qualifications, e.g. “PsyD, Clinical Psychologist”."
        ),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("The zone you work in. Your availability and appointments use it."),
        widget=forms.Select(attrs={"data-time-zone-select": ""}),
    )
    # Filled by onboarding.js from the browser; used when no zone is chosen in the select.
    detected_time_zone = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-detected-time-zone": ""})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        validators=[validate_phone],
        help_text=_("With the country code. Only the Hale team sees it."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", _("Choose your time zone")),
            *((name, name) for name in everyday_zones()),
        ]

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone") or ""
        if not zone:
            detected = cleaned.get("detected_time_zone") or ""
            try:
                validate_time_zone(detected)
            except forms.ValidationError:
                detected = ""
            zone = detected
        if not zone:
            self.add_error("time_zone", _("Choose your time zone."))
        cleaned["time_zone"] = zone
        return cleaned

    @classmethod
    def initial_for(cls, specialist: Specialist, request_zone: str) -> dict:
        return {
            "display_name": specialist.display_name,
            "credentials": specialist.credentials,
            "time_zone": specialist.time_zone or specialist.user.time_zone or "",
            "detected_time_zone": request_zone,
            "phone": specialist.phone,
        }


class PracticeForm(forms.Form):
    modalities = forms.MultipleChoiceField(
        label=_("Types of session you offer"),
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one type of session.")},
    )
    accepting_new_patients = forms.BooleanField(
        label=_("I am accepting new patients"),
        required=False,
    )
    max_weekly_sessions = forms.IntegerField(
        label=_("Most sessions a week"),
        required=False,
        min_value=1,
        max_value=80,
        help_text=_("Optional. We will not book you beyond this."),
    )
    licence_regions = forms.CharField(
        label=_("Regions where you hold a licence"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional. ISO codes separated by commas, such as “ES, US-CA”. Services that "
            "match patients by region only match you in these regions."
        ),
    )

    def clean_licence_regions(self) -> list[str]:
        codes = []
        for part in self.cleaned_data["licence_regions"].replace(";", ",").split(","):
            code = normalise_region(part)
            if not code:
                continue
            validate_region(code)
            if code not in codes:
                codes.append(code)
        return codes

    @classmethod
    def initial_for(cls, specialist: Specialist) -> dict:
        return {
            "modalities": specialist.modalities,
            "accepting_new_patients": specialist.accepting_new_patients,
            "max_weekly_sessions": specialist.max_weekly_sessions,
            "licence_regions": ", ".join(specialist.licence_regions or []),
        }


class EducationForm(forms.Form):
    degree = forms.CharField(label=_("Degree or qualification"), max_length=150)
    institution = forms.CharField(label=_("Institution"), max_length=200)
    year = forms.IntegerField(label=_("Year completed"), min_value=1940)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.now().year:
            raise forms.ValidationError(_("Enter a year that has passed."))
        return year


class BaseEducationFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The rows to keep: filled in and not marked for removal."""
        return [
            {k: form.cleaned_data[k] for k in ("degree", "institution", "year")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def education_formset(specialist: Specialist, data=None):
    rows = [
        {"degree": e.degree, "institution": e.institution, "year": e.year}
        for e in specialist.education.all()
    ]
    formset_class = forms.formset_factory(
        EducationForm,
        formset=BaseEducationFormSet,
        extra=1 if rows else 0,
        min_num=1,
        validate_min=True,
        max_num=MAX_EDUCATION_ROWS,
        validate_max=True,
        can_delete=True,
    )
    return formset_class(
        data,
        initial=rows,
        prefix="education",
        error_messages={
            "too_few_forms": _("Add at least one degree or qualification."),  # type: ignore[dict-item]
        },
    )


class VocabularyChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.label


class ExpertiseForm(forms.Form):
    specialisations = VocabularyChoiceField(
        label=_("Specialisations"),
        queryset=Specialisation.objects.none(),
        to_field_name="slug",
        error_messages={"required": _("Choose at least one specialisation.")},
    )
    expertise_areas = VocabularyChoiceField(
        label=_("Areas of expertise"),
        queryset=ExpertiseArea.objects.none(),
        to_field_name="slug",
        error_messages={"required": _("Choose at least one area of expertise.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you hold sessions in"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )

    def __init__(self, *args, specialist: Specialist, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered terms, plus any retired term the profile already has (so saving keeps it).
        offered = Q(is_active=True) | Q(specialists=specialist)
        fields = cast(dict[str, Any], self.fields)
        fields["specialisations"].queryset = Specialisation.objects.filter(offered).distinct()
        fields["expertise_areas"].queryset = ExpertiseArea.objects.filter(offered).distinct()
        fields["languages"].choices = sorted(
            ((code, str(name)) for code, name in SPOKEN_LANGUAGES), key=lambda c: c[1]
        )

    @classmethod
    def initial_for(cls, specialist: Specialist) -> dict:
        return {
            "specialisations": [s.slug for s in specialist.specialisations.all()],
            "expertise_areas": [a.slug for a in specialist.expertise_areas.all()],
            "languages": specialist.languages,
        }


class ProfileForm(forms.Form):
    bio = forms.CharField(
        label=_("Bio"),
        min_length=BIO_MIN_LENGTH,
        max_length=BIO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=format_lazy(
            _("Tell patients how you work and who you help (at least {min} characters)."),
            min=BIO_MIN_LENGTH,
        ),
    )
    photo = forms.FileField(
        label=_("Profile photo"),
        required=False,
        validators=[validate_photo],
        widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=_(
            "A clear photo of your face. JPEG, PNG or WebP, at most 5 MB. Needed before you submit."
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)
    intro_video_url = forms.URLField(
        label=_("Introduction video link"),
        required=False,
        max_length=500,
        validators=[validate_https_url],
        help_text=_("Optional. A secure (https://) link to a short video introducing you."),
    )

    @classmethod
    def initial_for(cls, specialist: Specialist) -> dict:
        return {"bio": specialist.bio, "intro_video_url": specialist.intro_video_url}


class ReasonForm(forms.Form):
    """The reason a reviewer gives when asking for changes or declining."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The specialist sees this exactly as you write it."),
        error_messages={"required": _("Give the specialist a reason.")},
    )
