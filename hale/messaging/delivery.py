"""What happens after a message is written, deleted or read: live events to the other
participants' open pages, an in-app notification for the first unread message of a stretch,
and (by the sweep in ``send_unread_emails``) one email per unread stretch after a delay.

Everything here runs after commit and is best effort for the live part; the email sweep is
idempotent under a row lock (``ReadState.emailed``), so a retried task sends nothing twice.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.messaging import access, realtime
from hale.messaging.models import Conversation, Message, ReadState, Side
from hale.notifications.actions import notify
from hale.notifications.kinds import PATIENT, PLATFORM

logger = logging.getLogger(__name__)


# --- Who is on the other side --------------------------------------------------------------


def team_users(conversation: Conversation) -> list:
    """The care team's people in ``conversation``: the specialist, or the brand's staff."""
    if conversation.specialist is not None:
        user = conversation.specialist.user
        return [user] if user.is_active else []
    return list(access.brand_staff_users(conversation.brand))


def recipients(conversation: Conversation, side: str) -> list[tuple[Any, str]]:
    """(user, side) of everyone who should hear of a message written from ``side``."""
    people: list[tuple[Any, str]] = []
    patient_user = conversation.patient.user
    team_side = Side.SPECIALIST if conversation.specialist_id else Side.STAFF
    if side != Side.PATIENT and patient_user is not None and patient_user.is_active:
        people.append((patient_user, Side.PATIENT))
    for user in team_users(conversation):
        people.append((user, team_side))
    return people


def notified(conversation: Conversation, side: str) -> list:
    """Who is *told* (notification, email) of a message from ``side``: the patient, or the
    specialist, or the assigned staff member (all staff while nobody is assigned)."""
    if side != Side.PATIENT:
        user = conversation.patient.user
        return [user] if user is not None and user.is_active else []
    if conversation.specialist_id is None and conversation.assigned_to_id is not None:
        assigned = conversation.assigned_to
        return [assigned] if assigned is not None and assigned.is_active else []
    return team_users(conversation)


def _viewer_for(user, side: str, conversation: Conversation) -> access.Viewer:
    if side == Side.PATIENT:
        return access.Viewer(
            user=user, side=side, brand=conversation.brand, patient=conversation.patient
        )
    if side == Side.SPECIALIST:
        return access.Viewer(user=user, side=side, specialist=conversation.specialist)
    return access.Viewer(user=user, side=side, brand=conversation.brand)


def _url(conversation: Conversation, side: str) -> str:
    if side == Side.PATIENT:
        return reverse("message_thread", args=[conversation.uuid], urlconf="hale.urls_brand")
    if side == Side.SPECIALIST:
        return reverse(
            "practice_message_thread", args=[conversation.uuid], urlconf="hale.urls_platform"
        )
    return reverse(
        "staff_message_thread",
        args=[conversation.brand.slug, conversation.uuid],
        urlconf="hale.urls_platform",
    )


def _portal(side: str) -> str:
    return PATIENT if side == Side.PATIENT else PLATFORM


def _brand_id(conversation: Conversation, side: str) -> int | None:
    return conversation.brand_id if side == Side.PATIENT else None


def _push(conversation: Conversation, people, payload: dict, *, with_count: bool) -> None:
    """Send ``payload`` to everyone first (the page reacts at once), then, when asked, each
    person's new unread total: counting takes a query per person and must not delay the
    event itself."""
    for user, side in people:
        realtime.push(
            user.pk, portal=_portal(side), brand_id=_brand_id(conversation, side), payload=payload
        )
    if with_count:
        _push_count(conversation, people)


def _push_count(conversation: Conversation, people) -> None:
    for user, side in people:
        try:
            total = unread_for_portal(user, side, conversation)
        except Exception:
            logger.warning("Could not count unread messages to push", exc_info=True)
            continue
        realtime.push(
            user.pk,
            portal=_portal(side),
            brand_id=_brand_id(conversation, side),
            payload={
                "type": realtime.COUNT,
                "conversation": str(conversation.uuid),
                "messages_unread": total,
            },
        )


def unread_for_portal(user, side: str, conversation: Conversation) -> int:
    if side == Side.PATIENT:
        return access.unread_total(_viewer_for(user, side, conversation))
    return access.platform_unread_total(user)


# --- After a change ------------------------------------------------------------------------


def after_send(message: Message) -> None:
    conversation = message.conversation
    side = message.sender_side
    people = [(u, s) for u, s in recipients(conversation, side) if u.pk != message.sender_id]
    told = [u for u in notified(conversation, side) if u.pk != message.sender_id]
    # The first unread message of a stretch is notified; the rest only update counts.
    states = [ReadState.objects.get_or_create(conversation=conversation, user=u)[0] for u in told]
    fresh = [
        u for u, s in zip(told, states, strict=True) if _first_unread(conversation, s, message)
    ]
    payload = {
        "type": realtime.CREATED,
        "conversation": str(conversation.uuid),
        "message": str(message.uuid),
        "side": side,
    }
    transaction.on_commit(lambda: _push(conversation, people, payload, with_count=True))
    for user in fresh:
        recipient_side = (
            Side.PATIENT
            if user.pk == conversation.patient.user_id
            else (Side.SPECIALIST if conversation.specialist_id else Side.STAFF)
        )
        notify(
            user=user,
            kind="message.received",
            brand=conversation.brand if recipient_side == Side.PATIENT else None,
            portal=_portal(recipient_side),
            title=_("New message from %(name)s") % {"name": sender_name(message, recipient_side)},
            body=_("Open Messages to read it."),
            url=_url(conversation, recipient_side),
        )
    if told:
        schedule_unread_emails()


def sender_name(message: Message, for_side: str) -> str:
    """How the sender is named to the other side (the clinic's name for staff)."""
    conversation = message.conversation
    if message.sender_side == Side.PATIENT:
        return conversation.patient.full_name or conversation.patient.email
    if message.sender_side == Side.SPECIALIST and conversation.specialist is not None:
        return conversation.specialist.display_name
    return conversation.brand.name


def _first_unread(conversation: Conversation, state: ReadState, message: Message) -> bool:
    """Whether ``message`` starts a new unread stretch for ``state``'s user."""
    since = state.last_read_at or access.EPOCH
    side = Side.PATIENT if state.user_id == conversation.patient.user_id else message.sender_side
    return not (
        Message.objects.filter(conversation=conversation, deleted_at=None, created_at__gt=since)
        .exclude(sender_side=side)
        .exclude(pk=message.pk)
        .exists()
    )


def after_delete(message: Message) -> None:
    conversation = message.conversation
    people = recipients(conversation, message.sender_side)
    payload = {
        "type": realtime.DELETED,
        "conversation": str(conversation.uuid),
        "message": str(message.uuid),
    }
    transaction.on_commit(lambda: _push(conversation, people, payload, with_count=True))


def after_read(conversation: Conversation, viewer: access.Viewer, at: dt.datetime) -> None:
    """Tell the other side their messages were seen, and the reader's own other pages the
    new count."""
    others = [(u, s) for u, s in recipients(conversation, viewer.side) if u.pk != viewer.user.pk]
    seen = {"type": realtime.READ, "conversation": str(conversation.uuid), "at": at.isoformat()}
    _push(conversation, [(u, s) for u, s in others if s != viewer.side], seen, with_count=False)
    _push_count(conversation, [(viewer.user, viewer.side)])


# --- The socket's part ---------------------------------------------------------------------


def unread_for_socket(*, user, portal: str, brand) -> int | None:
    if portal == PATIENT:
        try:
            viewer = access.patient_viewer(user, brand)
        except Exception:
            return None
        return access.unread_total(viewer)
    return access.platform_unread_total(user)


def relay_typing(*, user, portal: str, brand, conversation_id: str) -> None:
    """Forward "typing…" to the other side if ``user`` takes part in the conversation."""
    conversation = participant_conversation(
        user, portal=portal, brand=brand, conversation_id=conversation_id
    )
    if conversation is None:
        return
    conversation, side = conversation
    people = [(u, s) for u, s in recipients(conversation, side) if u.pk != user.pk and s != side]
    name = (
        conversation.patient.full_name
        if side == Side.PATIENT
        else conversation.specialist.display_name
        if conversation.specialist_id
        else conversation.brand.name
    )
    payload = {"type": realtime.TYPING, "conversation": str(conversation.uuid), "name": name}
    _push(conversation, people, payload, with_count=False)


def participant_conversation(user, *, portal: str, brand, conversation_id: str):
    """(conversation, side) when ``user`` takes part in it from this socket's portal."""
    try:
        import uuid

        key = uuid.UUID(conversation_id)
    except ValueError:
        return None
    conversation = (
        Conversation.objects.select_related("patient", "specialist", "brand")
        .filter(uuid=key)
        .first()
    )
    if conversation is None:
        return None
    if portal == PATIENT:
        ok = (
            brand is not None
            and conversation.brand_id == brand.pk
            and conversation.patient.user_id == user.pk
        )
        return (conversation, Side.PATIENT) if ok else None
    if conversation.specialist is not None and conversation.specialist.user_id == user.pk:
        return conversation, Side.SPECIALIST
    if conversation.specialist_id is None and (
        access.brand_staff_users(conversation.brand).filter(pk=user.pk).exists()
    ):
        return conversation, Side.STAFF
    return None


# --- Unread email --------------------------------------------------------------------------


def email_delay() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MESSAGE_UNREAD_EMAIL_MINUTES)


def schedule_unread_emails() -> None:
    """After commit, ask the worker to sweep when the delay has passed (when it can wait)."""
    from hale.messaging import tasks

    if tasks.can_defer():
        run_at = timezone.now() + email_delay()
        transaction.on_commit(lambda: tasks.send_unread_emails.using(run_after=run_at).enqueue())
    # Inline backends cannot wait; the periodic sweep (worker start, cron) covers them.


def send_unread_emails(*, now: dt.datetime | None = None) -> int:
    """Email everyone with a message unread for longer than the delay, once per unread
    stretch. Returns how many were told."""
    now = now or timezone.now()
    cutoff = now - email_delay()
    told = 0
    candidates = ReadState.objects.filter(emailed=False).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            state = (
                ReadState.objects.select_for_update(of=("self",))
                .select_related("conversation__patient", "conversation__brand", "user")
                .filter(pk=pk, emailed=False)
                .first()
            )
            if state is None or not state.user.is_active:
                continue
            conversation = state.conversation
            side = (
                Side.PATIENT
                if state.user_id == conversation.patient.user_id
                else (Side.SPECIALIST if conversation.specialist_id else Side.STAFF)
            )
            since = state.last_read_at or access.EPOCH
            waiting = (
                Message.objects.filter(
                    conversation=conversation,
                    deleted_at=None,
                    created_at__gt=since,
                    created_at__lte=cutoff,
                )
                .exclude(sender_side=side)
                .exists()
            )
            if not waiting:
                continue
            state.emailed = True
            state.save(update_fields=["emailed"])
            brand = conversation.brand if side == Side.PATIENT else None
            notify(
                user=state.user,
                kind="message.unread",
                brand=brand,
                portal=_portal(side),
                title=_("You have an unread message"),
                body=_("A message is waiting for you in %(portal)s. Sign in to read it.")
                % {"portal": conversation.brand.name if side == Side.PATIENT else "Hale"},
                url=_url(conversation, side),
            )
            told += 1
    return told
