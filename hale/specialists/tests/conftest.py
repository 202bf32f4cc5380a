"""Fixtures for specialist application tests: applicants at each stage, image bytes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from hale.specialists import actions
from hale.specialists.demo import placeholder_png
from hale.specialists.models import ExpertiseArea, Specialisation, Specialist

PNG = placeholder_png((10, 20, 30), size=8)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
BIO = (
    "I help adults with anxiety and low mood using practical, evidence-based therapy that "
    "fits around work and family."
)


def png_upload(name: str = "me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def complete_steps(specialist: Specialist) -> Specialist:
    """Fill every onboarding step through the actions (a complete, unsubmitted application)."""
    steps = {
        "about": {
            "display_name": "Dr New",
            "credentials": "PsyD",
            "time_zone": "Europe/Madrid",
            "phone": "+34 600 000 000",
        },
        "practice": {
            "modalities": ["video"],
            "accepting_new_patients": True,
            "max_weekly_sessions": 10,
        },
        "education": {
            "education": [
                {"degree": "PsyD", "institution": "Universidad de Salamanca", "year": 2015}
            ]
        },
        "expertise": {
            "specialisations": list(Specialisation.objects.filter(slug="clinical-psychology")),
            "expertise_areas": list(ExpertiseArea.objects.filter(slug="anxiety")),
            "languages": ["es", "en"],
        },
        "profile": {"bio": BIO, "photo": png_upload()},
    }
    for step, data in steps.items():
        specialist = actions.save_onboarding_step(specialist=specialist, step=step, data=data)
    return specialist


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded photos go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def applicant_user(db):
    return make_user("applicant@example.com", full_name="Ada Applicant")


@pytest.fixture
def draft(applicant_user) -> Specialist:
    """A new, empty application."""
    return actions.start_application(user=applicant_user)


@pytest.fixture
def complete_draft(draft) -> Specialist:
    return complete_steps(draft)


@pytest.fixture
def submitted(complete_draft) -> Specialist:
    return actions.submit_for_review(specialist=complete_draft)
