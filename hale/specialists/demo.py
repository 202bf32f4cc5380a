"""Demo specialists: eight complete, approved profiles (different specialities, languages,
prices and licence regions, listed across the two brands) and one application waiting for
review.

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
        "licence_regions": ["ES"],
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
        "licence_regions": ["US-NY", "US-NJ"],
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
    "dr.moreau@hale.example": {
        "full_name": "Claire Moreau",
        "display_name": "Dr Claire Moreau",
        "credentials": "MD, Psychiatrist",
        "time_zone": "Europe/Paris",
        "phone": "+33 1 70 00 01 23",
        "modalities": ["video"],
        "max_weekly_sessions": 18,
        "languages": ["fr", "en"],
        "licence_regions": ["FR", "ES"],
        "specialisations": ["psychiatry"],
        "expertise_areas": ["adhd", "depression", "sleep", "ocd"],
        "education": [("Doctorate of Medicine, Psychiatry", "Université Paris Cité", 2011)],
        "bio": (
            "A psychiatrist for adults with ADHD, mood and sleep difficulties. I explain the "
            "options, medication included, and we decide together at a pace that suits you."
        ),
        "colour": (94, 60, 120),
    },
    "dr.tanaka@hale.example": {
        "full_name": "Kenji Tanaka",
        "display_name": "Kenji Tanaka",
        "credentials": "MA, Counsellor",
        "time_zone": "Europe/London",
        "phone": "+44 20 7946 0456",
        "modalities": ["video", "phone"],
        "max_weekly_sessions": 22,
        "languages": ["en", "ja"],
        "licence_regions": ["GB"],
        "specialisations": ["counselling"],
        "expertise_areas": ["work-career", "stress-burnout", "self-esteem"],
        "education": [("MA in Counselling", "University of Edinburgh", 2015)],
        "bio": (
            "Counselling for people under pressure at work or between careers. Short, "
            "focused sessions by video or phone, in English or Japanese."
        ),
        "colour": (30, 90, 60),
    },
    "dr.silva@hale.example": {
        "full_name": "Ana Silva",
        "display_name": "Dr Ana Silva",
        "credentials": "PhD, Psychotherapist",
        "time_zone": "Europe/Lisbon",
        "phone": "+351 21 000 0789",
        "modalities": ["video", "in_person"],
        "max_weekly_sessions": 16,
        "languages": ["pt", "es", "en"],
        "licence_regions": ["PT", "ES"],
        "specialisations": ["psychotherapy"],
        "expertise_areas": ["trauma-ptsd", "anxiety", "lgbtq"],
        "education": [("PhD in Clinical Psychology", "Universidade de Lisboa", 2013)],
        "bio": (
            "Trauma-informed psychotherapy (EMDR and schema therapy) in a safe, affirming "
            "space. LGBTQ+ clients are warmly welcome."
        ),
        "colour": (160, 82, 45),
    },
    "dr.weber@hale.example": {
        "full_name": "Jonas Weber",
        "display_name": "Jonas Weber",
        "credentials": "MSc, Child and Adolescent Therapist",
        "time_zone": "Europe/Berlin",
        "phone": "+49 30 0000 0321",
        "modalities": ["video"],
        "max_weekly_sessions": 20,
        "languages": ["de", "en"],
        "licence_regions": ["DE"],
        "specialisations": ["child-adolescent", "couples-family-therapy"],
        "expertise_areas": ["parenting", "anxiety", "adhd"],
        "education": [
            ("MSc in Child and Adolescent Psychotherapy", "Freie Universität Berlin", 2016)
        ],
        "bio": (
            "I see children and teenagers together with their parents: school worries, "
            "anxiety, attention and family changes."
        ),
        "colour": (70, 70, 140),
    },
    "dr.mensah@hale.example": {
        "full_name": "Efua Mensah",
        "display_name": "Efua Mensah",
        "credentials": "LPC, Addiction Counsellor",
        "time_zone": "America/Chicago",
        "phone": "+1 312 555 0199",
        "modalities": ["video", "phone"],
        "max_weekly_sessions": 24,
        "languages": ["en"],
        "licence_regions": ["US-IL", "US-NY"],
        "specialisations": ["counselling", "health-coaching"],
        "expertise_areas": ["addiction", "grief-loss", "relationships"],
        "education": [
            ("MA in Clinical Mental Health Counseling", "Loyola University Chicago", 2014)
        ],
        "bio": (
            "Recovery from alcohol, drugs and gambling without judgement, and support for "
            "the families around it. Early-morning sessions available."
        ),
        "colour": (20, 100, 120),
    },
    "dr.costa@hale.example": {
        "full_name": "Marta Costa",
        "display_name": "Marta Costa",
        "credentials": "RD, Dietitian",
        "time_zone": "Europe/Madrid",
        "phone": "+34 910 000 202",
        "modalities": ["video", "in_person"],
        "max_weekly_sessions": 20,
        "languages": ["es", "ca", "en"],
        "licence_regions": ["ES"],
        "specialisations": ["nutrition-dietetics"],
        "expertise_areas": ["eating-disorders", "chronic-illness"],
        "education": [
            ("Degree in Human Nutrition and Dietetics", "Universitat de Barcelona", 2017)
        ],
        "bio": (
            "Nutrition support for eating disorders, diabetes and digestive conditions, "
            "alongside your therapist when you have one."
        ),
        "colour": (150, 120, 30),
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
    specialist.licence_regions = spec.get("licence_regions", [])
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
