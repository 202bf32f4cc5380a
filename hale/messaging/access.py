"""Scoped reads for messaging. A conversation or file the user may not see answers 404
(``core.access.Denied``, which the middleware audits), exactly like one that does not exist.

Three ways in, one per portal side: the patient (their brand's patient record), the
specialist (their own conversations on every brand), brand staff (the brand's shared inbox).
Unread counts come from each participant's ``ReadState``: a message is unread for someone
when it was written from the other side after they last read the conversation.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hale.accounts.access import patient_record
from hale.accounts.models import Patient
from hale.core.access import Denied
from hale.matching.models import CareRelationship
from hale.messaging.models import Attachment, Conversation, Message, ReadState, Side
from hale.specialists.models import Specialist
from hale.tenancy.access import staff_brands
from hale.tenancy.models import Brand, BrandMembership

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
INBOX_PAGE = 50


@dataclass(frozen=True)
class Viewer:
    """Who is looking, from which side; ``brand`` for staff and patients."""

    # Any: a User, and the patient or specialist record of the side (set for that side).
    user: Any
    side: str
    brand: Any = None
    patient: Any = None
    specialist: Any = None


def _last_read(user) -> Subquery:
    return Subquery(
        ReadState.objects.filter(conversation=OuterRef("pk"), user=user).values("last_read_at")[:1]
    )


def unread_messages(user, side: str, conversation_ref) -> QuerySet[Message]:
    """Messages of ``conversation_ref`` (an OuterRef or a Conversation) unread by ``user``."""
    last_read = Subquery(
        ReadState.objects.filter(conversation=OuterRef("conversation"), user=user).values(
            "last_read_at"
        )[:1]
    )
    return (
        Message.objects.filter(conversation=conversation_ref, deleted_at=None)
        .exclude(sender_side=side)
        .filter(created_at__gt=Coalesce(last_read, Value(EPOCH)))
    )


def _with_inbox_fields(qs: QuerySet[Conversation], viewer: Viewer) -> QuerySet[Conversation]:
    unread = (
        unread_messages(viewer.user, viewer.side, OuterRef("pk"))
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        qs.select_related("patient", "specialist", "brand", "assigned_to")
        .annotate(
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
            last_body=Subquery(last.values("body")[:1]),
            last_deleted=Subquery(last.values("deleted_at")[:1]),
            last_side=Subquery(last.values("sender_side")[:1]),
        )
        .order_by("-last_message_at", "-pk")
    )


# --- Who is the viewer ---------------------------------------------------------------------


def patient_viewer(user, brand) -> Viewer:
    """The signed-in patient on this brand; 404 for anyone else."""
    patient = patient_record(user, brand)
    if patient is None:
        raise Denied(Patient)
    return Viewer(user=user, side=Side.PATIENT, brand=brand, patient=patient)


def specialist_viewer(user) -> Viewer:
    """The signed-in approved specialist; 404 for anyone else."""
    specialist = (
        Specialist.objects.approved().filter(user=user).select_related("user").first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if specialist is None:
        raise Denied(Specialist)
    return Viewer(user=user, side=Side.SPECIALIST, specialist=specialist)


def staff_viewer(user, brand: Brand) -> Viewer:
    return Viewer(user=user, side=Side.STAFF, brand=brand)


def conversations_for(viewer: Viewer) -> QuerySet[Conversation]:
    """Every conversation ``viewer`` takes part in, without inbox annotations."""
    if viewer.side == Side.PATIENT:
        return Conversation.objects.filter(patient=viewer.patient, brand=viewer.brand)
    if viewer.side == Side.SPECIALIST:
        return Conversation.objects.filter(specialist=viewer.specialist)
    return Conversation.objects.filter(brand=viewer.brand, specialist__isnull=True)


def inbox(viewer: Viewer, *, unread_only: bool = False) -> QuerySet[Conversation]:
    """The viewer's conversations, newest first, with unread count and last message; a
    constant number of queries however many there are."""
    qs = _with_inbox_fields(
        conversations_for(viewer).filter(last_message_at__isnull=False)
        | conversations_for(viewer).filter(assigned_to__isnull=False, specialist__isnull=True),
        viewer,
    )
    if unread_only:
        qs = qs.filter(unread__gt=0)  # type: ignore[misc]  # an annotation
    return qs


def access_conversation(viewer: Viewer, conversation_id: uuid.UUID) -> Conversation:
    conversation = (
        conversations_for(viewer)
        .select_related("patient", "patient__user", "specialist", "specialist__user", "brand")
        .filter(uuid=conversation_id)
        .first()
    )
    if conversation is None:
        raise Denied(Conversation, conversation_id)
    return conversation


def access_message(viewer: Viewer, conversation: Conversation, message_id) -> Message:
    message = conversation.messages.filter(uuid=message_id).first()
    if message is None:
        raise Denied(Message, message_id)
    return message


def access_attachment(viewer: Viewer, attachment_id: uuid.UUID) -> Attachment:
    attachment = (
        Attachment.objects.select_related("upload", "message__conversation")
        .filter(
            uuid=attachment_id,
            message__deleted_at=None,
            message__conversation__in=conversations_for(viewer),
        )
        .first()
    )
    if attachment is None:
        raise Denied(Attachment, attachment_id)
    return attachment


def messages_of(conversation: Conversation, *, query: str = "") -> QuerySet[Message]:
    qs = conversation.messages.select_related("sender").prefetch_related("attachments__upload")
    if query:
        qs = qs.filter(body__icontains=query, deleted_at=None)
    return qs


def read_by_others(conversation: Conversation, viewer: Viewer) -> dt.datetime | None:
    """When the other side last read the conversation (for "Seen 14:02")."""
    other = (
        Q(user=conversation.patient.user_id)
        if viewer.side != Side.PATIENT
        else ~Q(user=conversation.patient.user_id)
    )
    state = (
        ReadState.objects.filter(other, conversation=conversation, last_read_at__isnull=False)
        .order_by("-last_read_at")
        .first()
    )
    return state.last_read_at if state else None


def unread_total(viewer: Viewer) -> int:
    """Unread messages over all the viewer's conversations (the header count), one query."""
    return (
        Message.objects.filter(conversation__in=conversations_for(viewer), deleted_at=None)
        .exclude(sender_side=viewer.side)
        .filter(
            created_at__gt=Coalesce(
                Subquery(
                    ReadState.objects.filter(
                        conversation=OuterRef("conversation"), user=viewer.user
                    ).values("last_read_at")[:1]
                ),
                Value(EPOCH),
            )
        )
        .count()
    )


def platform_unread_total(user) -> int:
    """A platform user's unread messages: as a specialist plus as staff of each brand."""
    total = 0
    specialist = Specialist.objects.approved().filter(user=user).first()
    if specialist is not None:
        total += unread_total(Viewer(user=user, side=Side.SPECIALIST, specialist=specialist))
    for brand in staff_brands(user).filter(memberships__user=user):
        total += unread_total(staff_viewer(user, brand))
    return total


# --- Facts for the policy ------------------------------------------------------------------


def care_status(patient: Patient, specialist: Specialist) -> str:
    """ "active", "ended" or "" for the patient's care with ``specialist`` on their brand."""
    statuses = set(
        CareRelationship.objects.filter(
            patient=patient, specialist=specialist, brand_id=patient.brand_id
        ).values_list("status", flat=True)
    )
    if CareRelationship.Status.ACTIVE in statuses:
        return "active"
    return "ended" if statuses else ""


def patient_specialists(patient: Patient) -> QuerySet[Specialist]:
    """Specialists the patient is in active care with (whom they could write to)."""
    return (
        Specialist.objects.filter(
            care_relationships__patient=patient,
            care_relationships__brand_id=patient.brand_id,
            care_relationships__status=CareRelationship.Status.ACTIVE,
        )
        .distinct()
        .order_by("display_name")
    )


def brand_staff_users(brand: Brand) -> QuerySet:
    """People who read the brand's shared inbox."""
    return (
        get_user_model().objects.filter(brand_memberships__brand=brand, is_active=True).distinct()
    )


def is_brand_admin(user, brand: Brand) -> bool:
    return (
        bool(getattr(user, "is_superuser", False))
        or BrandMembership.objects.filter(
            brand=brand, user=user, role=BrandMembership.Role.ADMIN
        ).exists()
    )


def now() -> dt.datetime:
    return timezone.now()
