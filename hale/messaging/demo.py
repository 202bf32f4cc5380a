"""Demo conversations: each demo patient in care has a thread with their specialist (the
specialist's latest message still unread), Calm Minds' staff have written to Alex, and
Northside lets patients start conversations ("all clients")."""

import datetime as dt

from django.utils import timezone

from hale.accounts.models import Patient
from hale.matching.models import CareRelationship
from hale.messaging import access, actions
from hale.messaging.models import Side
from hale.tenancy.models import Brand

PATIENTS = ["alex@calm.example", "priya@northside.example", "jo@northside.example"]

THREAD = [
    (
        Side.SPECIALIST,
        26,
        "Hello {first}, thanks for booking. Is there anything you'd like me to know before we "
        "meet?",
    ),
    (Side.PATIENT, 25, "Thank you! Mostly sleep. I've been waking up at 4am most nights."),
    (
        Side.SPECIALIST,
        3,
        "That's useful. Could you keep a short sleep diary until our session? Bedtime, wake "
        "time, and how rested you feel.",
    ),
]


def seed_demo_messages(brands: dict[str, Brand]) -> None:
    northside = brands.get("northside")
    if northside is not None and northside.messaging_policy != Brand.MessagingPolicy.ALL_CLIENTS:
        northside.messaging_policy = Brand.MessagingPolicy.ALL_CLIENTS
        northside.save(update_fields=["messaging_policy"])
    now = timezone.now()
    care = (
        CareRelationship.objects.filter(
            patient__user__email__in=PATIENTS, status=CareRelationship.Status.ACTIVE
        )
        .select_related("patient__user", "patient__brand", "specialist__user")
        .order_by("pk")
    )
    for relationship in care:
        patient, specialist = relationship.patient, relationship.specialist
        conversation = actions.conversation_for(
            patient=patient, specialist=specialist, side=Side.SPECIALIST
        )
        if conversation.last_message_at is not None:
            continue
        first = (patient.full_name or "there").split()[0]
        for side, hours_ago, text in THREAD:
            viewer = (
                access.Viewer(user=patient.user, side=side, brand=patient.brand, patient=patient)
                if side == Side.PATIENT
                else access.Viewer(user=specialist.user, side=side, specialist=specialist)
            )
            actions.send_message(
                conversation=conversation,
                viewer=viewer,
                body=text.format(first=first),
                now=now - dt.timedelta(hours=hours_ago),
            )
    _staff_welcome(brands.get("calm"), now)


def _staff_welcome(brand: Brand | None, now: dt.datetime) -> None:
    if brand is None:
        return
    patient = Patient.objects.filter(brand=brand, user__email="alex@calm.example").first()
    staff = access.brand_staff_users(brand).order_by("pk").first()
    if patient is None or staff is None:
        return
    conversation = actions.conversation_for(patient=patient, specialist=None, side=Side.STAFF)
    if conversation.last_message_at is not None:
        return
    actions.send_message(
        conversation=conversation,
        viewer=access.staff_viewer(staff, brand),
        body=(
            "Hi Alex, welcome to Calm Minds. Your first session is covered by your plan. "
            "Reply here within two days if you have any questions about billing."
        ),
        now=now - dt.timedelta(hours=5),
    )
