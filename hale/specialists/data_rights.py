"""What the specialists app holds about a person, for data export and account deletion
(see ``hale.core.data_rights``)."""

import posixpath

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.data_rights import (
    ExportSection,
    export_file_path,
    register_eraser,
    register_exporter,
)
from hale.specialists.models import Specialist

SECTION = "specialist_profile"


@register_exporter(
    SECTION,
    label=_("Specialist profile"),
    description=_("Your professional profile, education, photo and the history of its review."),
)
def export_specialist_profile(user) -> ExportSection | dict:
    specialist = (
        Specialist.objects.filter(user=user)
        .prefetch_related("specialisations", "expertise_areas", "education", "review_events")
        .first()
    )
    if specialist is None:
        return {}
    files = {}
    photo = ""
    if specialist.photo:
        name = "photo" + posixpath.splitext(specialist.photo.name or "")[1]
        files[name] = specialist.photo
        photo = export_file_path(SECTION, name)
    data = {
        "uuid": specialist.uuid,
        "display_name": specialist.display_name,
        "credentials": specialist.credentials,
        "status": specialist.status,
        "time_zone": specialist.time_zone,
        "phone": specialist.phone,
        "modalities": specialist.modalities,
        "accepting_new_patients": specialist.accepting_new_patients,
        "max_weekly_sessions": specialist.max_weekly_sessions,
        "specialisations": [s.name for s in specialist.specialisations.all()],
        "expertise_areas": [a.name for a in specialist.expertise_areas.all()],
        "languages": specialist.languages,
        "licence_regions": specialist.licence_regions,
        "bio": specialist.bio,
        "intro_video_url": specialist.intro_video_url,
        "photo": photo,
        "education": [
            {"degree": e.degree, "institution": e.institution, "year": e.year}
            for e in specialist.education.all()
        ],
        "submitted_at": specialist.submitted_at,
        "reviewed_at": specialist.reviewed_at,
        "created_at": specialist.created_at,
        # Decisions and their reasons; reviewers are other people, so not who decided.
        "review_history": [
            {"event": r.kind, "reason": r.reason, "at": r.at}
            for r in sorted(specialist.review_events.all(), key=lambda r: (r.at, r.pk))
        ],
    }
    return ExportSection(data=data, files=files)


@register_eraser("specialists")
def erase_specialist_profile(user, *, acting_user) -> None:
    """Hide the profile for good and clear what describes the person.

    There is no "deleted" state on Specialist: REJECTED is the final state patients never
    see and the review queue skips. The row and its review history stay (who was approved
    to practise, and when, is a record we keep); name, credentials, contact, bio, photo,
    education and expertise go. Appointments and listings are erased by their own apps.
    """
    specialist = Specialist.objects.select_for_update().filter(user=user).first()
    if specialist is None:
        return
    photo_name = specialist.photo.name if specialist.photo else ""
    specialist.status = Specialist.Status.REJECTED
    specialist.display_name = ""
    specialist.credentials = ""
    specialist.phone = ""
    specialist.time_zone = ""
    specialist.bio = ""
    specialist.photo = ""
    specialist.languages = []
    specialist.licence_regions = []
    specialist.intro_video_url = ""
    specialist.offers_video = specialist.offers_phone = specialist.offers_in_person = False
    specialist.accepting_new_patients = False
    specialist.max_weekly_sessions = None
    specialist.review_reason = ""
    specialist.save(
        update_fields=[
            "status",
            "display_name",
            "credentials",
            "phone",
            "time_zone",
            "bio",
            "photo",
            "languages",
            "licence_regions",
            "intro_video_url",
            "offers_video",
            "offers_phone",
            "offers_in_person",
            "accepting_new_patients",
            "max_weekly_sessions",
            "review_reason",
            "updated_at",
        ]
    )
    specialist.specialisations.clear()
    specialist.expertise_areas.clear()
    specialist.education.all().delete()
    audit.record(acting_user, "specialist.erased", specialist)
    if photo_name:
        storage = Specialist._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(photo_name))
