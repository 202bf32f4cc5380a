"""Demo intake forms: on Calm Minds, "New client intake" (one question of every type) is
sent automatically when Dr Rivera's first session type is booked, and has been sent to Alex;
on Northside, a "Health questionnaire" waits for Priya. Idempotent: forms are looked up by
title, and a form already sent is not sent again."""

from django.db import transaction

from hale.accounts.models import Patient
from hale.intake import actions
from hale.intake.models import Assignment, IntakeForm
from hale.matching.models import Listing
from hale.scheduling.models import SessionType
from hale.tenancy.models import BrandMembership

INTAKE = [
    {"label": "What would you like us to call you?", "type": "short_text", "required": True},
    {
        "label": "What brings you to therapy?",
        "type": "long_text",
        "required": True,
        "help": "A few sentences are enough.",
    },
    {
        "label": "How did you hear about us?",
        "type": "single_choice",
        "choices": ["A friend or family member", "My doctor", "Searching online", "Other"],
    },
    {
        "label": "When do sessions suit you?",
        "type": "multiple_choice",
        "choices": ["Mornings", "Afternoons", "Evenings", "Weekends"],
    },
    {"label": "Date of birth", "type": "date", "required": True},
    {"label": "Have you had therapy before?", "type": "yes_no", "required": True},
    {"label": "Signature", "type": "signature", "required": True},
]
HEALTH = [
    {"label": "Do you take any medication?", "type": "yes_no", "required": True},
    {"label": "If so, which ones?", "type": "long_text"},
    {"label": "Allergies", "type": "short_text"},
    {"label": "Signature", "type": "signature", "required": True},
]


def _staff(brand):
    membership = BrandMembership.objects.filter(brand=brand).select_related("user").first()
    return membership.user if membership else None


def _form(brand, title, rows, session_types=()):
    form = IntakeForm.objects.filter(brand=brand, title=title).first()
    if form is None:
        form = actions.save_form(
            brand=brand,
            acting_user=_staff(brand),
            title=title,
            rows=rows,
            session_types=session_types,
        )
    return form


def _send(form, email):
    patient = Patient.objects.filter(brand=form.brand, email=email).first()
    if patient is None or Assignment.objects.filter(form=form, patient=patient).exists():
        return
    actions.send_form(form=form, patient=patient, acting_user=_staff(form.brand))


@transaction.atomic
def seed_demo_intake(brands: dict) -> None:
    calm, northside = brands["calm"], brands["northside"]
    first_type = (
        SessionType.objects.filter(
            specialist__user__email="dr.rivera@hale.example",
            is_active=True,
            specialist__in=Listing.objects.filter(brand=calm).values("specialist"),
        )
        .order_by("pk")
        .first()
    )
    intake = _form(calm, "New client intake", INTAKE, [first_type] if first_type else [])
    _send(intake, "alex@calm.example")
    health = _form(northside, "Health questionnaire", HEALTH)
    _send(health, "priya@northside.example")
