"""Demo specialists: two complete, approved profiles and one application waiting for review.

``seed_demo_specialists()`` is idempotent: it fills in what is missing and never undoes what a
newcomer did (a review decision on dr.new stays as it is). ``hale.demo.seed`` calls it.
"""

import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from hale.accounts.demo import demo_user
from hale.accounts.models import User
from hale.specialists import actions
from hale.specialists.models import (
    Education,
    ExpertiseArea,
    ReviewEvent,
    Specialisation,
    Specialist,
)
from hale.specialists.vocabulary import seed_vocabularies

APPLICANT_EMAIL = "dr.new@hale.example"

PROFILES: dict[str, dict[str, Any]] = {
    "dr.rivera@hale.example": {
        "full_name": "Lucía Rivera",
        "display_name": "Dr Lucía Rivera",
        "credentials": "PsyD, Clinical Psychologist",
        "time_zone": "Europe/Madrid",
        "phone": "+34 910 000 101",
        "modalities": ["video", "in_person"],
        "max_weekly_sessions": 20,
        "languages": ["es", "en"],
        "specialisations": ["clinical-psychology", "cognitive-behavioural-therapy"],
        "expertise_areas": ["anxiety", "depression", "stress-burnout", "sleep"],
        "education": [
            ("PsyD in Clinical Psychology", "Universidad Complutense de Madrid", 2012),
            ("MSc in Cognitive Behavioural Therapy", "King's College London", 2008),
        ],
        "bio": (
            "I help adults who feel stuck with anxiety, low mood or burnout. My sessions are "
            "practical and warm: we look at what keeps the problem going and try small, "
            "concrete changes between sessions. I work in Spanish and English."
        ),
        "colour": (47, 111, 115),
    },
    "dr.okafor@hale.example": {
        "full_name": "Daniel Okafor",
        "display_name": "Dr Daniel Okafor",
        "credentials": "LCSW, Therapist",
        "time_zone": "America/New_York",
        "phone": "+1 212 555 0142",
        "modalities": ["video", "phone"],
        "max_weekly_sessions": 25,
        "languages": ["en"],
        "specialisations": ["clinical-social-work", "couples-family-therapy"],
        "expertise_areas": ["relationships", "grief-loss", "trauma-ptsd", "parenting"],
        "education": [
            ("Master of Social Work (MSW)", "Columbia University", 2010),
            ("BA in Psychology", "University of Lagos", 2006),
        ],
        "bio": (
            "I work with individuals, couples and families through loss, conflict and big "
            "life changes. Together we make room for what is hard and build the skills to "
            "talk about it. Evening sessions are available for working parents."
        ),
        "colour": (122, 46, 58),
    },
}

APPLICANT: dict[str, Any] = {
    "full_name": "Noor Haddad",
    "display_name": "Noor Haddad",
    "credentials": "MSc, Registered Dietitian",
    "time_zone": "Europe/London",
    "phone": "+44 20 7946 0123",
    "modalities": ["video"],
    "max_weekly_sessions": 15,
    "languages": ["en", "ar"],
    "specialisations": ["nutrition-dietetics", "health-coaching"],
    "expertise_areas": ["eating-disorders", "chronic-illness", "self-esteem"],
    "education": [("MSc in Nutrition and Dietetics", "University of Leeds", 2018)],
    "bio": (
        "I am a registered dietitian supporting people with a difficult relationship with "
        "food, and those managing diabetes or other long-term conditions. No diets, no "
        "shame: we build eating habits that fit your life."
    ),
    "colour": (43, 76, 126),
}


def placeholder_png(rgb: tuple[int, int, int], size: int = 96) -> bytes:
    """A solid-colour PNG, so demo profiles have a photo without an imaging library."""
    row = b"\x00" + bytes(rgb) * size
    raw = zlib.compress(row * size, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _photo(slug: str, rgb) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{slug}.png", placeholder_png(rgb), content_type="image/png")


def _fill_approved(user: User, spec: dict) -> Specialist:
    """Complete an approved demo profile, touching only what is still empty."""
    specialist, _created = Specialist.objects.get_or_create(
        user=user,
        defaults={
            "display_name": spec["display_name"],
            "credentials": spec["credentials"],
            "status": Specialist.Status.APPROVED,
        },
    )
    if specialist.status != Specialist.Status.APPROVED or specialist.bio:
        return specialist  # a newcomer changed it, or it is already complete
    now = timezone.now()
    specialist.time_zone = specialist.time_zone or spec["time_zone"]
    specialist.phone = spec["phone"]
    specialist.offers_video = "video" in spec["modalities"]
    specialist.offers_phone = "phone" in spec["modalities"]
    specialist.offers_in_person = "in_person" in spec["modalities"]
    specialist.accepting_new_patients = True
    specialist.max_weekly_sessions = spec["max_weekly_sessions"]
    specialist.languages = spec["languages"]
    specialist.bio = spec["bio"]
    specialist.onboarding_step = "review"
    specialist.submitted_at = specialist.submitted_at or now
    specialist.reviewed_at = specialist.reviewed_at or now
    if not specialist.photo:
        specialist.photo = _photo(specialist.uuid.hex[:8], spec["colour"])
    specialist.save()
    specialist.specialisations.set(Specialisation.objects.filter(slug__in=spec["specialisations"]))
    specialist.expertise_areas.set(ExpertiseArea.objects.filter(slug__in=spec["expertise_areas"]))
    if not specialist.education.exists():
        Education.objects.bulk_create(
            [
                Education(
                    specialist=specialist,
                    degree=degree,
                    institution=institution,
                    year=year,
                    position=i,
                )
                for i, (degree, institution, year) in enumerate(spec["education"])
            ]
        )
    if not specialist.review_events.exists():
        ReviewEvent.objects.bulk_create(
            [
                ReviewEvent(specialist=specialist, kind=ReviewEvent.Kind.SUBMITTED, actor=user),
                ReviewEvent(specialist=specialist, kind=ReviewEvent.Kind.APPROVED),
            ]
        )
    return specialist


def _submit_applicant() -> Specialist:
    """dr.new: an application taken through the real onboarding actions and submitted."""
    spec = APPLICANT
    user = demo_user(APPLICANT_EMAIL, spec["full_name"], time_zone=spec["time_zone"])
    existing = Specialist.objects.filter(user=user).first()
    if existing is not None and not existing.is_editable:
        return existing  # already submitted (or reviewed by a newcomer): leave it
    specialist = existing or actions.start_application(user=user)
    steps = {
        "about": {key: spec[key] for key in ("display_name", "credentials", "time_zone", "phone")},
        "practice": {
            "modalities": spec["modalities"],
            "accepting_new_patients": True,
            "max_weekly_sessions": spec["max_weekly_sessions"],
        },
        "education": {
            "education": [
                {"degree": d, "institution": i, "year": y} for d, i, y in spec["education"]
            ]
        },
        "expertise": {
            "specialisations": list(
                Specialisation.objects.filter(slug__in=spec["specialisations"])
            ),
            "expertise_areas": list(ExpertiseArea.objects.filter(slug__in=spec["expertise_areas"])),
            "languages": spec["languages"],
        },
        "profile": {"bio": spec["bio"], "photo": _photo("applicant", spec["colour"])},
    }
    for step, data in steps.items():
        specialist = actions.save_onboarding_step(specialist=specialist, step=step, data=data)
    return actions.submit_for_review(specialist=specialist)


@transaction.atomic
def seed_demo_specialists() -> list[Specialist]:
    """Complete the approved demo specialists and queue one application for review."""
    seed_vocabularies(Specialisation, ExpertiseArea)
    seeded = []
    for email, spec in PROFILES.items():
        user = demo_user(email, spec["full_name"], time_zone=spec["time_zone"])
        seeded.append(_fill_approved(user, spec))
    seeded.append(_submit_applicant())
    return seeded
