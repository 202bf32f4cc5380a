"""The brand's messaging policy as plain rules over facts the actions look up.

Four policies (``Brand.MessagingPolicy``):

- **reply only** (default): patients cannot start a conversation; they may reply in one the
  care team started, until it closes 48 hours after the team's last message that the patient
  has not answered. The team can always write again, which reopens it.
- **never initiate**: patients cannot start a conversation; they may reply.
- **assigned only**: specialists message only patients in their active care, staff only
  patients assigned to them; patients may start conversations.
- **all clients**: anyone in a care relationship (current or past, for the care team) may
  start one.

Everywhere a patient writes to a specialist only while that specialist has them in active
care. ``closed_for_patient`` is computed from the conversation's stamps, so it is right even
when no worker ran.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hale.messaging.models import Side
from hale.tenancy.models import Brand

Policy = Brand.MessagingPolicy
REPLY_WINDOW = dt.timedelta(hours=48)


@dataclass(frozen=True)
class Decision:
    """Whether an action is allowed; when not, why and what the person can do instead."""

    allowed: bool
    reason: str | Promise = ""
    instead: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about the people and the conversation."""

    policy: str
    side: str
    # Specialist conversations: the patient's care with that specialist ("active", "ended"
    # or "" for none). Staff conversations: whether the acting staff member is assigned.
    care: str = ""
    assigned_to_actor: bool = False
    staff_inbox: bool = False


def closes_at(*, policy: str, last_team_message_at, last_patient_message_at) -> dt.datetime | None:
    """When a reply-only conversation closes for the patient (None: it does not)."""
    if policy != Policy.REPLY_ONLY or last_team_message_at is None:
        return None
    if last_patient_message_at is not None and last_patient_message_at >= last_team_message_at:
        return None
    return last_team_message_at + REPLY_WINDOW


def closed_for_patient(conversation, *, policy: str, now: dt.datetime) -> bool:
    if policy == Policy.REPLY_ONLY and conversation.started_by_side == Side.PATIENT:
        # Started under another policy: under reply-only the patient waits for the team.
        return conversation.last_team_message_at is None or _past(conversation, policy, now)
    return _past(conversation, policy, now)


def _past(conversation, policy: str, now: dt.datetime) -> bool:
    at = closes_at(
        policy=policy,
        last_team_message_at=conversation.last_team_message_at,
        last_patient_message_at=conversation.last_patient_message_at,
    )
    return at is not None and now >= at


def _team(facts: Facts) -> Decision:
    if facts.staff_inbox:
        if facts.policy == Policy.ASSIGNED_ONLY and not facts.assigned_to_actor:
            return Decision(
                False,
                _("This clinic lets staff message only the patients assigned to them."),
                _("Ask a brand admin to assign this patient to you."),
            )
        return ALLOWED
    if facts.care == "active":
        return ALLOWED
    if facts.care == "ended" and facts.policy != Policy.ASSIGNED_ONLY:
        return ALLOWED
    return Decision(
        False,
        _("You can message only patients in your care."),
        _("The patient's clinic can assign them to you."),
    )


def _patient_to_specialist(facts: Facts) -> Decision | None:
    if not facts.staff_inbox and facts.care != "active":
        return Decision(
            False,
            _("This specialist is not in charge of your care at the moment."),
            _("You can write to the clinic instead."),
        )
    return None


def can_start(facts: Facts) -> Decision:
    """May someone on ``facts.side`` start a conversation?"""
    if facts.side != Side.PATIENT:
        return _team(facts)
    if facts.policy in (Policy.REPLY_ONLY, Policy.NEVER_INITIATE):
        return Decision(
            False,
            _("Your care team starts conversations here; you can reply once they write."),
            _("To reach the clinic now, use the contact details below or book a session."),
        )
    return _patient_to_specialist(facts) or ALLOWED


def can_send(facts: Facts, conversation, *, now: dt.datetime) -> Decision:
    """May someone on ``facts.side`` write in ``conversation`` now?"""
    if facts.side != Side.PATIENT:
        return _team(facts)
    refused = _patient_to_specialist(facts)
    if refused is not None:
        return refused
    if closed_for_patient(conversation, policy=facts.policy, now=now):
        return Decision(
            False,
            _(
                "This conversation is closed: replies are open for 48 hours after your care "
                "team's last message."
            ),
            _("Your care team can write again, or you can book a session."),
        )
    return ALLOWED
