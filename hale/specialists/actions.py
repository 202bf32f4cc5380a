"""State changes for specialist applications: sign-up, onboarding, submission and review.

The workflow: ``start_application`` creates a DRAFT profile; ``save_onboarding_step`` saves one
step of the guided onboarding at a time and moves ``onboarding_step`` on so the specialist
resumes where they left off; ``submit_for_review`` checks completeness and moves the profile to
SUBMITTED; a reviewer then calls ``approve``, ``request_changes`` (back to the specialist, who
edits and resubmits) or ``reject`` (final). Reviewers are defined in ``access.is_reviewer``.

Each action locks the profile row, re-checks the state (two reviewers, or a reviewer and the
specialist, can act at the same moment), writes a ``ReviewEvent`` and an audit row, and
notifies the specialist of a decision (in-app and email, sent after commit).
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.accounts.actions import update_preferences
from hale.core import audit
from hale.specialists.access import is_reviewer
from hale.specialists.models import (
    Education,
    ExpertiseArea,
    Modality,
    ReviewEvent,
    Specialisation,
    Specialist,
)
from hale.specialists.onboarding import next_step
from hale.specialists.vocabulary import SPOKEN_LANGUAGE_CODES

BIO_MIN_LENGTH = 80
BIO_MAX_LENGTH = 3000
MAX_EDUCATION_ROWS = 10
REASON_MAX_LENGTH = 2000


class ApplicationError(ValidationError):
    """A request about an application we refuse, with a message the user can read."""


class InvalidTransition(ApplicationError):
    """The application is not in a state that allows this (e.g. already decided)."""


class IncompleteApplication(ApplicationError):
    """Submission refused; ``missing`` lists (step key, message) for every missing item."""

    def __init__(self, missing: list[tuple[str, str]]):
        self.missing = missing
        super().__init__([message for _step, message in missing], code="incomplete")


class NotAReviewer(PermissionDenied):
    """The acting user may not review this application."""


def _locked(specialist: Specialist) -> Specialist:
    """The profile row, locked for the rest of the transaction."""
    return Specialist.objects.select_for_update().get(pk=specialist.pk)


def _require_editable(specialist: Specialist) -> None:
    if not specialist.is_editable:
        raise InvalidTransition(
            _("This application can no longer be changed (it is %(status)s).")
            % {"status": specialist.get_status_display().lower()},
            code="not_editable",
        )


# --- Applying and onboarding ----------------------------------------------------------------


@transaction.atomic
def start_application(*, user) -> Specialist:
    """Give ``user`` a DRAFT specialist profile (or return the one they have)."""
    existing = Specialist.objects.filter(user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            specialist = Specialist.objects.create(
                user=user, display_name=user.full_name, time_zone=user.time_zone
            )
    except IntegrityError:
        # A double click: the other request created it first.
        return Specialist.objects.get(user=user)
    audit.record(user, "specialist.application_started", specialist)
    return specialist


def _save_about(specialist: Specialist, data: Mapping[str, Any]) -> list[str]:
    specialist.display_name = " ".join(str(data.get("display_name") or "").split())
    specialist.credentials = " ".join(str(data.get("credentials") or "").split())
    specialist.time_zone = str(data.get("time_zone") or "").strip()
    specialist.phone = str(data.get("phone") or "").strip()
    return ["display_name", "credentials", "time_zone", "phone"]


def _save_practice(specialist: Specialist, data: Mapping[str, Any]) -> list[str]:
    modalities = set(data.get("modalities") or [])
    unknown = modalities - set(Modality.values)
    if unknown:
        raise ApplicationError({"modalities": _("Choose from the session types listed.")})
    specialist.offers_video = Modality.VIDEO in modalities
    specialist.offers_phone = Modality.PHONE in modalities
    specialist.offers_in_person = Modality.IN_PERSON in modalities
    specialist.accepting_new_patients = bool(data.get("accepting_new_patients"))
    specialist.max_weekly_sessions = data.get("max_weekly_sessions") or None
    specialist.licence_regions = list(data.get("licence_regions") or [])
    return [
        "offers_video",
        "offers_phone",
        "offers_in_person",
        "accepting_new_patients",
        "max_weekly_sessions",
        "licence_regions",
    ]


def _save_education(specialist: Specialist, data: Mapping[str, Any]) -> list[str]:
    rows = list(data.get("education") or [])
    if len(rows) > MAX_EDUCATION_ROWS:
        raise ApplicationError(
            {"education": _("List at most %(max)d qualifications.") % {"max": MAX_EDUCATION_ROWS}}
        )
    entries = []
    for position, row in enumerate(rows):
        entry = Education(
            specialist=specialist,
            degree=" ".join(str(row.get("degree") or "").split()),
            institution=" ".join(str(row.get("institution") or "").split()),
            year=row.get("year"),
            position=position,
        )
        entry.full_clean(exclude=["specialist"])
        entries.append(entry)
    # The formset shows every row; saving replaces them all.
    specialist.education.all().delete()
    Education.objects.bulk_create(entries)
    return []


def _save_expertise(specialist: Specialist, data: Mapping[str, Any]) -> list[str]:
    languages = list(dict.fromkeys(data.get("languages") or []))
    if not set(languages) <= SPOKEN_LANGUAGE_CODES:
        raise ApplicationError({"languages": _("Choose from the languages listed.")})
    specialisations = list(data.get("specialisations") or [])
    areas = list(data.get("expertise_areas") or [])
    if not all(isinstance(s, Specialisation) for s in specialisations) or not all(
        isinstance(a, ExpertiseArea) for a in areas
    ):
        raise TypeError("specialisations and expertise_areas take model instances")
    specialist.languages = languages
    specialist.specialisations.set(specialisations)
    specialist.expertise_areas.set(areas)
    return ["languages"]


def _save_profile(specialist: Specialist, data: Mapping[str, Any]) -> list[str]:
    bio = str(data.get("bio") or "").replace("\r\n", "\n").strip()
    if len(bio) > BIO_MAX_LENGTH:
        raise ApplicationError(
            {"bio": _("Keep your bio under %(max)d characters.") % {"max": BIO_MAX_LENGTH}}
        )
    specialist.bio = bio
    specialist.intro_video_url = str(data.get("intro_video_url") or "").strip()
    fields = ["bio", "intro_video_url"]
    photo = data.get("photo")
    old_name = specialist.photo.name if specialist.photo else ""
    if photo:
        specialist.photo = photo
        fields.append("photo")
    elif data.get("remove_photo") and old_name:
        specialist.photo = ""
        fields.append("photo")
    if "photo" in fields and old_name:
        storage = specialist.photo.storage
        # Delete the replaced file only once the new one is committed.
        transaction.on_commit(lambda: storage.delete(old_name))
    return fields


_STEP_SAVERS = {
    "about": _save_about,
    "practice": _save_practice,
    "education": _save_education,
    "expertise": _save_expertise,
    "profile": _save_profile,
}


@transaction.atomic
def save_onboarding_step(
    *, specialist: Specialist, step: str, data: Mapping[str, Any]
) -> Specialist:
    """Save one onboarding step and move the resume point to the step after it.

    ``data`` holds the step's cleaned values (see the step forms). Invalid values raise a
    ValidationError keyed by field and change nothing.
    """
    if step not in _STEP_SAVERS:
        raise ValueError(f"Unknown onboarding step {step!r}")
    specialist = _locked(specialist)
    _require_editable(specialist)
    fields = _STEP_SAVERS[step](specialist, data)
    if fields:
        specialist.clean_fields(
            exclude=[f.name for f in Specialist._meta.fields if f.name not in fields]
        )
    specialist.onboarding_step = next_step(step)
    specialist.save(update_fields=[*fields, "onboarding_step", "updated_at"])
    if step == "about" and specialist.time_zone and not specialist.user.time_zone:
        # Their own pages should show times in the zone they work in.
        update_preferences(user=specialist.user, time_zone=specialist.time_zone)
    audit.record(specialist.user, "specialist.onboarding_saved", specialist, step=step)
    return specialist


def missing_items(specialist: Specialist) -> list[tuple[str, str]]:
    """Everything a complete application still lacks, as (step key, translated message)."""
    missing: list[tuple[str, str]] = []
    if not specialist.display_name:
        missing.append(("about", _("Your display name")))
    if not specialist.credentials:
        missing.append(("about", _("Your credentials")))
    if not specialist.time_zone:
        missing.append(("about", _("Your time zone")))
    if not specialist.phone:
        missing.append(("about", _("Your phone number")))
    if not specialist.modalities:
        missing.append(("practice", _("At least one type of session you offer")))
    if not specialist.education.exists():
        missing.append(("education", _("At least one degree or qualification")))
    if not specialist.specialisations.exists():
        missing.append(("expertise", _("At least one specialisation")))
    if not specialist.expertise_areas.exists():
        missing.append(("expertise", _("At least one area of expertise")))
    if not specialist.languages:
        missing.append(("expertise", _("At least one language you hold sessions in")))
    if len(specialist.bio) < BIO_MIN_LENGTH:
        missing.append(
            ("profile", _("A bio of at least %(min)d characters") % {"min": BIO_MIN_LENGTH})
        )
    if not specialist.photo:
        missing.append(("profile", _("A profile photo")))
    return missing


@transaction.atomic
def submit_for_review(*, specialist: Specialist) -> Specialist:
    """Send a complete DRAFT (or CHANGES_REQUESTED) application to the review queue."""
    specialist = _locked(specialist)
    if specialist.status == Specialist.Status.SUBMITTED:
        raise InvalidTransition(
            _("Your application is already waiting for review."), code="already_submitted"
        )
    _require_editable(specialist)
    missing = missing_items(specialist)
    if missing:
        raise IncompleteApplication(missing)
    specialist.status = Specialist.Status.SUBMITTED
    specialist.submitted_at = timezone.now()
    specialist.save(update_fields=["status", "submitted_at", "updated_at"])
    ReviewEvent.objects.create(
        specialist=specialist, kind=ReviewEvent.Kind.SUBMITTED, actor=specialist.user
    )
    audit.record(specialist.user, "specialist.submitted", specialist)
    return specialist


# --- Review ---------------------------------------------------------------------------------


def _clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").replace("\r\n", "\n").strip()
    if required and not reason:
        raise ApplicationError({"reason": _("Give the specialist a reason.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}}
        )
    return reason


def _decide(
    *, acting_user, specialist: Specialist, status: str, event: str, reason: str
) -> Specialist:
    if not is_reviewer(acting_user) or acting_user.pk == specialist.user_id:
        raise NotAReviewer(_("You may not review this application."))
    specialist = _locked(specialist)
    if specialist.status != Specialist.Status.SUBMITTED:
        raise InvalidTransition(
            _("This application is not waiting for review (it is %(status)s).")
            % {"status": specialist.get_status_display().lower()},
            code="not_submitted",
        )
    now = timezone.now()
    specialist.status = status
    specialist.reviewed_at = now
    specialist.reviewed_by = acting_user
    specialist.review_reason = reason
    specialist.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_reason", "updated_at"]
    )
    ReviewEvent.objects.create(specialist=specialist, kind=event, actor=acting_user, reason=reason)
    audit.record(acting_user, f"specialist.{event}", specialist, reason=reason)
    return specialist


def _notify_decision(specialist: Specialist, *, kind: str, title, body) -> None:
    from hale.notifications.actions import notify

    notify(
        user=specialist.user,
        kind=kind,
        title=title,
        body=body,
        url=reverse("specialist_application_status"),
        context={"reason": specialist.review_reason, "display_name": specialist.display_name},
    )


@transaction.atomic
def approve(*, acting_user, specialist: Specialist) -> Specialist:
    """Approve a submitted application: the specialist becomes visible to patients."""
    specialist = _decide(
        acting_user=acting_user,
        specialist=specialist,
        status=Specialist.Status.APPROVED,
        event=ReviewEvent.Kind.APPROVED,
        reason="",
    )
    _notify_decision(
        specialist,
        kind="specialist.application_approved",
        title=gettext_lazy("Your specialist application is approved"),
        body=gettext_lazy("Welcome to Hale. Patients can now find your profile."),
    )
    return specialist


@transaction.atomic
def request_changes(*, acting_user, specialist: Specialist, reason: str) -> Specialist:
    """Send a submitted application back to the specialist with what to change."""
    reason = _clean_reason(reason, required=True)
    specialist = _decide(
        acting_user=acting_user,
        specialist=specialist,
        status=Specialist.Status.CHANGES_REQUESTED,
        event=ReviewEvent.Kind.CHANGES_REQUESTED,
        reason=reason,
    )
    _notify_decision(
        specialist,
        kind="specialist.application_changes_requested",
        title=gettext_lazy("Please update your specialist application"),
        body=format_lazy(
            gettext_lazy(
                "A reviewer asked for changes: {reason} Update your application and "
                "submit it again."
            ),
            reason=_sentence(reason),
        ),
    )
    return specialist


@transaction.atomic
def reject(*, acting_user, specialist: Specialist, reason: str) -> Specialist:
    """Decline a submitted application (final)."""
    reason = _clean_reason(reason, required=True)
    specialist = _decide(
        acting_user=acting_user,
        specialist=specialist,
        status=Specialist.Status.REJECTED,
        event=ReviewEvent.Kind.REJECTED,
        reason=reason,
    )
    _notify_decision(
        specialist,
        kind="specialist.application_rejected",
        title=gettext_lazy("Your specialist application was declined"),
        body=format_lazy(gettext_lazy("The reviewer's reason: {reason}"), reason=reason),
    )
    return specialist


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
