"""Who may enter a video room, and when (the one place that decides, for the pages and the
WebSocket alike).

A room exists for each confirmed video appointment of a brand with the ``video`` feature.
Only its patient (on their brand's host) and its specialist (on the platform host) may join,
only inside the join window (``VIDEO_JOIN_EARLY_MINUTES`` before the start until
``VIDEO_JOIN_GRACE_MINUTES`` after the end), and only once nothing refuses it
(``scheduling.hooks.join_refusal``: consents to sign, a session to pay first).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from hale.scheduling import hooks
from hale.scheduling.models import Appointment
from hale.specialists.models import Modality
from hale.video.models import VideoRoom

FEATURE = "video"

OPEN, EARLY, ENDED, REFUSED, NONE = "open", "early", "ended", "refused", "none"


@dataclass(frozen=True)
class JoinState:
    state: str
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    refusal: Any = None

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


def has_video(appointment: Appointment) -> bool:
    return appointment.modality == Modality.VIDEO and FEATURE in (appointment.brand.features or [])


def window(appointment: Appointment) -> tuple[dt.datetime, dt.datetime]:
    opens = appointment.start - dt.timedelta(minutes=settings.VIDEO_JOIN_EARLY_MINUTES)
    closes = appointment.end + dt.timedelta(minutes=settings.VIDEO_JOIN_GRACE_MINUTES)
    return opens, closes


def role_of(appointment: Appointment, user) -> str | None:
    """ "patient" or "specialist" when ``user`` is one of the two people of the session."""
    if not getattr(user, "is_authenticated", False):
        return None
    if appointment.patient.user_id == user.pk:
        return "patient"
    if appointment.specialist.user_id == user.pk:
        return "specialist"
    return None


def join_state(appointment: Appointment, user, now: dt.datetime | None = None) -> JoinState:
    """Where ``user`` (a participant; callers check) stands with the session's room now."""
    now = now or timezone.now()
    if not has_video(appointment) or appointment.effective_status(now) not in (
        Appointment.Status.CONFIRMED,
        Appointment.Status.PENDING_PAYMENT,
    ):
        return JoinState(NONE)
    opens, closes = window(appointment)
    if now < opens:
        return JoinState(EARLY, opens, closes)
    if now >= closes:
        return JoinState(ENDED, opens, closes)
    refusal = hooks.join_refusal.first(appointment=appointment, user=user)
    if refusal is not None:
        return JoinState(REFUSED, opens, closes, refusal)
    if appointment.status != Appointment.Status.CONFIRMED:
        return JoinState(NONE, opens, closes)
    return JoinState(OPEN, opens, closes)


def room(room_id: str) -> VideoRoom | None:
    """The room with this id, with its appointment and both people."""
    return (
        VideoRoom.objects.select_related(
            "appointment__patient", "appointment__specialist", "appointment__brand"
        )
        .filter(room_id=room_id)
        .first()
    )


def open_now(appointments, now: dt.datetime | None = None):
    """Of ``appointments`` (a queryset), the confirmed video sessions whose room is open now,
    soonest first (the home pages' "Join")."""
    now = now or timezone.now()
    early = dt.timedelta(minutes=settings.VIDEO_JOIN_EARLY_MINUTES)
    grace = dt.timedelta(minutes=settings.VIDEO_JOIN_GRACE_MINUTES)
    found = (
        appointments.filter(
            status=Appointment.Status.CONFIRMED,
            modality=Modality.VIDEO,
            start__lte=now + early,
            end__gt=now - grace,
        )
        .select_related("patient", "specialist", "brand")
        .order_by("start", "pk")[:10]
    )
    # (JSON "contains" is not portable to SQLite; a person has a handful of these at most.)
    return [a for a in found if has_video(a)]
