"""Every change to conversations and messages: start, send, delete, read, assign.

Each action locks the conversation row, so two senders (or a sender and the auto-close
tidy-up) are serialised, checks the brand policy on facts looked up inside the lock, writes,
and after commit pushes live events and notifications. Message text and file names never go
to logs or audit rows; staff reads are audited.
"""

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import Patient
from hale.core import audit
from hale.core.uploads import Upload, delete_uploads
from hale.messaging import access, policy
from hale.messaging.errors import MessagingError
from hale.messaging.models import Attachment, Conversation, Message, ReadState, Side
from hale.specialists.models import Specialist

logger = logging.getLogger(__name__)

MAX_BODY = 10_000
MAX_ATTACHMENTS = 5


def _facts(conversation: Conversation, viewer: access.Viewer) -> policy.Facts:
    specialist = conversation.specialist
    staff_inbox = specialist is None
    care = "" if specialist is None else access.care_status(conversation.patient, specialist)
    return policy.Facts(
        policy=conversation.brand.messaging_policy,
        side=viewer.side,
        care=care,
        assigned_to_actor=staff_inbox and conversation.assigned_to_id == viewer.user.pk,
        staff_inbox=staff_inbox,
    )


def send_decision(
    conversation: Conversation, viewer: access.Viewer, *, now=None
) -> policy.Decision:
    """What the policy says about ``viewer`` writing in ``conversation`` now (start or reply)."""
    facts = _facts(conversation, viewer)
    if conversation.last_message_at is None:
        return policy.can_start(facts)
    return policy.can_send(facts, conversation, now=now or timezone.now())


def start_decision(
    viewer: access.Viewer, *, patient: Patient, specialist: Specialist | None
) -> policy.Decision:
    """May ``viewer`` open a conversation between ``patient`` and ``specialist`` (or staff)?"""
    existing = _find(patient, specialist)
    if existing is not None and existing.last_message_at is not None:
        return send_decision(existing, viewer)
    conversation = existing or Conversation(
        brand=patient.brand, patient=patient, specialist=specialist
    )
    return policy.can_start(_facts(conversation, viewer))


def _find(patient: Patient, specialist: Specialist | None) -> Conversation | None:
    return (
        Conversation.objects.select_related("brand", "patient", "specialist")
        .filter(patient=patient, specialist=specialist)
        .first()
    )


def _locked(conversation_id: int) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("brand", "patient", "patient__user", "specialist", "specialist__user")
        .get(pk=conversation_id)
    )


def conversation_for(*, patient: Patient, specialist: Specialist | None, side: str) -> Conversation:
    """The one conversation of ``patient`` with ``specialist`` (None: the clinic's staff),
    created empty if there is none yet (a concurrent creator wins, we read theirs)."""
    existing = _find(patient, specialist)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                brand=patient.brand, patient=patient, specialist=specialist, started_by_side=side
            )
    except Exception:  # IntegrityError: someone else created it a moment ago
        found = _find(patient, specialist)
        if found is None:
            raise
        return found


def _clean_body(body: str, attachments: Sequence[Upload]) -> str:
    body = (body or "").strip()
    if not body and not attachments:
        raise MessagingError(_("Write a message or attach a file."), code="empty")
    if len(body) > MAX_BODY:
        raise MessagingError(
            _("A message can be at most %(max)s characters.") % {"max": MAX_BODY}, code="long"
        )
    if len(attachments) > MAX_ATTACHMENTS:
        raise MessagingError(
            _("You can attach at most %(max)s files to a message.") % {"max": MAX_ATTACHMENTS},
            code="files",
        )
    return body


@transaction.atomic
def send_message(
    *,
    conversation: Conversation,
    viewer: access.Viewer,
    body: str,
    attachments: Sequence[Upload] = (),
    now: dt.datetime | None = None,
) -> Message:
    """Write ``body`` (and the already stored ``attachments``) into ``conversation`` as
    ``viewer``. Refused with ``MessagingError`` when the policy says no; the caller then
    deletes the uploads it stored (``delete_uploads``), so nothing is kept."""
    body = _clean_body(body, attachments)
    conversation = _locked(conversation.pk)
    # Taken once the lock is held, so messages and stamps follow the order writers got in.
    now = now or timezone.now()
    first = conversation.last_message_at is None
    facts = _facts(conversation, viewer)
    decision = policy.can_start(facts) if first else policy.can_send(facts, conversation, now=now)
    if not decision:
        raise MessagingError(decision.reason, decision.instead, code="policy")
    if any(u.brand_id not in (None, conversation.brand_id) for u in attachments):
        raise MessagingError(_("That file cannot be attached here."), code="files")

    message = Message.objects.create(
        conversation=conversation,
        sender=viewer.user,
        sender_side=viewer.side,
        body=body,
        created_at=now,
    )
    Attachment.objects.bulk_create(Attachment(message=message, upload=u) for u in attachments)

    fields = ["last_message_at"]
    conversation.last_message_at = max(filter(None, [conversation.last_message_at, now]))
    if first:
        conversation.started_by_side = viewer.side
        fields.append("started_by_side")
    if viewer.side == Side.PATIENT:
        conversation.last_patient_message_at = now
        fields.append("last_patient_message_at")
    else:
        conversation.last_team_message_at = now
        conversation.closed_at = None
        fields += ["last_team_message_at", "closed_at"]
        if conversation.specialist_id is None and conversation.assigned_to_id is None:
            # The first staff member to answer takes the patient unless someone is assigned.
            conversation.assigned_to = viewer.user
            fields.append("assigned_to")
    conversation.save(update_fields=fields)
    _mark_read(conversation, viewer.user, now)
    audit.record(
        viewer.user,
        "message.sent",
        message,
        brand=conversation.brand,
        conversation=str(conversation.uuid),
        attachments=len(attachments),
    )
    from hale.messaging import delivery

    delivery.after_send(message)
    return message


@transaction.atomic
def delete_message(*, message: Message, viewer: access.Viewer) -> Message:
    """The sender removes their own message: text and files go, a tombstone stays."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("conversation__brand")
        .get(pk=message.pk)
    )
    if message.sender_id != viewer.user.pk or message.sender_side != viewer.side:
        raise MessagingError(_("You can delete only your own messages."), code="not_yours")
    if message.deleted_at is not None:
        return message
    uploads = [a.upload for a in message.attachments.select_related("upload")]
    message.body = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "deleted_at"])
    delete_uploads(uploads=uploads)
    audit.record(viewer.user, "message.deleted", message, brand=message.conversation.brand)
    from hale.messaging import delivery

    delivery.after_delete(message)
    return message


def _mark_read(conversation: Conversation, user, at: dt.datetime) -> bool:
    """Move ``user``'s read mark up to ``at`` (never back); whether it moved. One query when
    the mark exists, as it does after the first read."""
    earlier = Q(last_read_at__isnull=True) | Q(last_read_at__lt=at)
    if ReadState.objects.filter(earlier, conversation=conversation, user=user).update(
        last_read_at=at, emailed=False
    ):
        return True
    _state, created = ReadState.objects.get_or_create(
        conversation=conversation, user=user, defaults={"last_read_at": at}
    )
    return created


def mark_read(*, conversation: Conversation, viewer: access.Viewer) -> bool:
    """``viewer`` has seen everything in ``conversation`` up to now; tells the other side
    (for "Seen") when something changed. Staff reads are audited."""
    with transaction.atomic():
        latest = (
            conversation.messages.order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        changed = latest is not None and _mark_read(conversation, viewer.user, latest)
        if viewer.side == Side.STAFF:
            audit.record(
                viewer.user, "conversation.read_by_staff", conversation, brand=conversation.brand
            )
    if changed and latest is not None:
        from hale.messaging import delivery

        seen_at = latest
        transaction.on_commit(lambda: delivery.after_read(conversation, viewer, seen_at))
    return changed


@transaction.atomic
def assign_conversation(*, brand, patient: Patient, assignee, acting_user) -> Conversation:
    """A brand admin assigns a patient's clinic conversation to a staff member (or nobody)."""
    if not access.is_brand_admin(acting_user, brand):
        raise MessagingError(_("Only a brand admin can assign patients."), code="admin")
    if assignee is not None and not access.brand_staff_users(brand).filter(pk=assignee.pk).exists():
        raise MessagingError(_("Choose a member of this clinic's staff."), code="assignee")
    conversation = conversation_for(patient=patient, specialist=None, side=Side.STAFF)
    conversation = _locked(conversation.pk)
    conversation.assigned_to = assignee
    conversation.save(update_fields=["assigned_to"])
    audit.record(
        acting_user,
        "conversation.assigned",
        conversation,
        brand=brand,
        assignee=assignee.pk if assignee else None,
    )
    return conversation


def close_expired_conversations(*, now: dt.datetime | None = None) -> int:
    """Tidy-up: stamp ``closed_at`` on reply-only conversations past their window. The rule
    itself is evaluated on every read and send; this only records it for lists."""
    now = now or timezone.now()
    closed = 0
    candidates = Conversation.objects.filter(
        brand__messaging_policy=policy.Policy.REPLY_ONLY,
        closed_at__isnull=True,
        last_team_message_at__lte=now - policy.REPLY_WINDOW,
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            conversation = _locked(pk)
            if conversation.closed_at is None and policy.closed_for_patient(
                conversation, policy=conversation.brand.messaging_policy, now=now
            ):
                at = policy.closes_at(
                    policy=conversation.brand.messaging_policy,
                    last_team_message_at=conversation.last_team_message_at,
                    last_patient_message_at=conversation.last_patient_message_at,
                )
                conversation.closed_at = at or now
                conversation.save(update_fields=["closed_at"])
                closed += 1
    return closed
