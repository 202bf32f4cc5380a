"""Patient onboarding after the first sign-in on a brand: the steps, where to resume, and the
action that saves each step.

A short guided flow — about you (name, phone, and date of birth when the brand asks for it),
time zone, language — ending with "what happens next". ``Patient.onboarding_step`` keeps the
furthest step reached, so leaving and coming back resumes there; ``Patient.onboarded_at`` is
set when the last question is answered. It is not a gate: after sign-in the person is sent to
the flow (``AccountAdapter.get_login_redirect_url``) and the home page offers to finish it.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.accounts.access import patient_record
from hale.accounts.actions import update_preferences
from hale.accounts.models import Patient, PortalInvitation, User, validate_time_zone
from hale.core import audit
from hale.core.models import max_length
from hale.core.steps import Step, StepFlow
from hale.tenancy.models import Brand

# A brand that lists this in ``Brand.features`` asks patients for their date of birth.
COLLECT_DATE_OF_BIRTH = "collect_date_of_birth"
OLDEST_AGE_YEARS = 130
BRAND_URLCONF = "hale.urls_brand"


FLOW = StepFlow(
    Step("about", gettext_lazy("About you"), 1),
    Step("time-zone", gettext_lazy("Your time zone"), 2),
    Step("language", gettext_lazy("Your language"), 3),
    Step("next", gettext_lazy("What happens next"), 4),
)
STEPS = FLOW.steps
STEP_KEYS = FLOW.keys
FIRST_STEP = FLOW.first
FINAL_STEP = FLOW.last
get_step = FLOW.get
next_step = FLOW.next
previous_step = FLOW.previous
NAME_MAX_LENGTH = max_length(Patient, "full_name")
PHONE_MAX_LENGTH = max_length(Patient, "phone")
_PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ().\-]{5,24}$")


def resume_step(patient: Patient) -> str:
    """The step to continue at: the furthest one reached (the last page once finished)."""
    if patient.onboarded_at is not None:
        return FINAL_STEP
    return patient.onboarding_step if patient.onboarding_step in STEP_KEYS else FIRST_STEP


def step_reached(patient: Patient, key: str) -> bool:
    return STEP_KEYS.index(key) <= STEP_KEYS.index(resume_step(patient))


def asks_date_of_birth(brand: Brand) -> bool:
    return brand.has_feature(COLLECT_DATE_OF_BIRTH)


def onboarding_patient(user, brand: Brand | None) -> Patient | None:
    """``user``'s patient record on ``brand`` (with portal access), or None."""
    if brand is None or not getattr(user, "is_authenticated", False):
        return None
    patient = (
        Patient.objects.filter(brand=brand, user=user, portal_enabled=True)
        .select_related("user")
        .first()
    )
    if patient is not None:
        patient.brand = brand  # the request's brand: no second query for it
    return patient


def step_url(key: str) -> str:
    return reverse("onboarding_step", args=[key], urlconf=BRAND_URLCONF)


def pending_onboarding_url(user, brand: Brand | None) -> str | None:
    """Where ``user`` finishes onboarding on ``brand``, or None when there is nothing to do
    (finished, not a patient there, or the platform host). One query."""
    return onboarding_url_for(patient_record(user, brand))


def onboarding_url_for(patient: Patient | None) -> str | None:
    """:func:`pending_onboarding_url` for a record already loaded (no query)."""
    if patient is None or patient.onboarded_at is not None:
        return None
    return step_url(resume_step(patient))


def was_invited(patient: Patient) -> bool:
    """Whether the patient came in through a portal invitation from the brand's staff."""
    return patient.invitations.filter(status=PortalInvitation.Status.ACCEPTED).exists()


# --- Validation (the forms use these too) -----------------------------------------------------


def validate_phone(value: str) -> None:
    """A phone number in international or local form: digits, spaces, dashes, brackets."""
    digits = sum(ch.isdigit() for ch in value or "")
    if value and (not _PHONE_RE.match(value) or not 6 <= digits <= 15):
        raise ValidationError(
            _("Enter a phone number with its country code, e.g. +44 20 7946 0000."),
            code="invalid_phone",
        )


def validate_date_of_birth(value: datetime.date | None) -> None:
    """A date in the past, and not impossibly long ago."""
    if value is None:
        return
    today = timezone.localdate()
    if value >= today:
        raise ValidationError(_("Your date of birth must be in the past."), code="future")
    if value.year < today.year - OLDEST_AGE_YEARS:
        raise ValidationError(_("Check the year of your date of birth."), code="too_old")


def _about(patient: Patient, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    full_name = " ".join((data.get("full_name") or "").split())
    phone = (data.get("phone") or "").strip()
    if not full_name:
        errors["full_name"] = [_("Tell us your name.")]
    elif len(full_name) > NAME_MAX_LENGTH:
        errors["full_name"] = [
            _("Keep your name under %(max)d characters.") % {"max": NAME_MAX_LENGTH}
        ]
    if len(phone) > PHONE_MAX_LENGTH:
        errors["phone"] = [_("Enter a shorter phone number.")]
    else:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    values = {"full_name": full_name, "phone": phone}
    if asks_date_of_birth(patient.brand):
        date_of_birth = data.get("date_of_birth")
        if date_of_birth is None:
            errors["date_of_birth"] = [_("Enter your date of birth.")]
        else:
            try:
                validate_date_of_birth(date_of_birth)
            except ValidationError as exc:
                errors["date_of_birth"] = exc.messages
        values["date_of_birth"] = date_of_birth
    if errors:
        raise ValidationError(errors)
    return values


def _time_zone(data: dict) -> dict:
    zone = data.get("time_zone") or ""
    try:
        if not zone:
            raise ValidationError("")
        validate_time_zone(zone)
    except ValidationError:
        raise ValidationError({"time_zone": [_("Choose your time zone.")]}) from None
    return {"time_zone": zone}


def _language(data: dict) -> dict:
    language = data.get("language") or ""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the languages offered.")]})
    return {"language": language}


# --- The action -------------------------------------------------------------------------------


@transaction.atomic
def save_onboarding_step(*, acting_user: User, patient: Patient, step: str, data: dict) -> Patient:
    """Save one step's answers on the Patient and on the account, and move the saved step on.

    - about: name (patient and account), phone, and date of birth when the brand asks for it;
    - time-zone: the zone (patient and account: times everywhere use it);
    - language: the language (patient and account); this finishes onboarding.

    Only the patient themself may save. Going back to an earlier step never moves the saved
    step back. Invalid answers raise ``ValidationError`` keyed by field and change nothing.
    """
    if patient.user_id != acting_user.pk:
        raise PermissionDenied(_("You can only set up your own account."))
    if step not in STEP_KEYS or step == FINAL_STEP:
        raise ValidationError(_("There is nothing to save on this step."), code="no_step")
    patient = (
        Patient.objects.select_for_update(of=("self",))
        .select_related("brand", "user")
        .get(pk=patient.pk)
    )
    user = acting_user  # the patient's own user (checked above)

    if step == "about":
        values = _about(patient, data)
    elif step == "time-zone":
        values = _time_zone(data)
    else:
        values = _language(data)

    changed = [name for name, value in values.items() if getattr(patient, name) != value]
    for name in changed:
        setattr(patient, name, values[name])
    fields = list(changed)

    if "full_name" in values and user.full_name != values["full_name"]:
        user.full_name = values["full_name"]
        user.save(update_fields=["full_name"])
    if "time_zone" in values:
        update_preferences(user=user, time_zone=values["time_zone"])
    if "language" in values:
        update_preferences(user=user, language=values["language"])

    reached = next_step(step)
    if STEP_KEYS.index(reached) > STEP_KEYS.index(resume_step(patient)):
        patient.onboarding_step = reached
        fields.append("onboarding_step")
    finished = reached == FINAL_STEP and patient.onboarded_at is None
    if finished:
        patient.onboarded_at = timezone.now()
        fields.append("onboarded_at")
    if fields:
        patient.save(update_fields=fields)
    audit.record(
        acting_user,
        "patient.onboarding_saved",
        patient,
        brand=patient.brand,
        step=step,
        fields=changed,
        finished=finished,
    )
    return patient
