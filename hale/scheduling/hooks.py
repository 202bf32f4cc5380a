"""Where apps above scheduling take part in it (see ``hale.core.hooks``).

Matching decides who may take whom and keeps match profiles fresh; programs cover sessions;
brands and listings set prices; payments decide what a new booking starts as. Each connects
its receivers in its ``AppConfig.ready()``. Every hook runs inside the scheduling action's
transaction (receivers that start work after commit use ``transaction.on_commit``).
"""

from dataclasses import dataclass
from typing import Any

from hale.core.hooks import Hook


@dataclass(frozen=True)
class Refusal:
    """Why something is refused (translatable ``message``) and where the person can put it
    right: ``url`` (a path; callers add ``?next=`` to come back) labelled ``action``."""

    message: Any
    url: str = ""
    action: Any = ""

    def __str__(self) -> str:
        return str(self.message)


booking_refusal = Hook(
    "booking_refusal",
    """``first(brand=, patient=, specialist=)``: a message (translatable) saying why
    ``patient`` may not pick open times of ``specialist`` themselves, or None. Asked before
    showing slots and again inside ``book_appointment``.""",
)

before_booking = Hook(
    "before_booking",
    """``call(patient=, specialist=, acting_user=)``, inside ``book_appointment`` with the
    specialist locked: a receiver raises ``SchedulingError`` to refuse (e.g. the brand's
    switching rule) or records what a booking starts (the care relationship).""",
)

appointment_booked = Hook(
    "appointment_booked",
    """``call(appointment=)`` once a booking is saved (before its event and notices); a
    receiver may change the price (a program covering the session) with ``save``.""",
)

appointment_cancelled = Hook(
    "appointment_cancelled",
    """``call(appointment=)`` after a booking is cancelled (``cancelled_late`` is set).""",
)

schedule_changed = Hook(
    "schedule_changed",
    """``call(specialist_id=)`` whenever a specialist's free time may have changed
    (availability, bookings, cancellations, reschedules, accepted proposals).""",
)

price_override = Hook(
    "price_override",
    """``first(session_type=, brand=)``: ``(amount_minor, currency)`` replacing the session
    type's own price for a patient of ``brand``, or None.""",
)

booking_hold = Hook(
    "booking_hold",
    """``first(appointment=)`` once a booking is saved (after ``appointment_booked``): the
    moment until which the time is held while the patient pays (the booking then starts
    PENDING_PAYMENT and lapses at that moment unless paid), or None for confirmed.""",
)

hold_lapsed = Hook(
    "hold_lapsed",
    """``call(appointment=)`` when a booking held for payment lapsed unpaid (its time is free
    again); inside the transaction that stored it.""",
)

appointment_accepted = Hook(
    "appointment_accepted",
    """``call(appointment=)`` once a patient accepted a proposal (it is now confirmed), inside
    the transaction; e.g. payments records what the session costs as due.""",
)

payment_url = Hook(
    "payment_url",
    """``first(appointment=)``: the path where the patient pays for this booking (held for
    payment, or due), or None when nothing is to pay.""",
)

cancellation_terms = Hook(
    "cancellation_terms",
    """``first(appointment=, user=)``: what cancelling now means for ``user``'s money (e.g.
    "You will be refunded 40.00 EUR"), shown before they confirm, or None.""",
)

booking_requirement = Hook(
    "booking_requirement",
    """``first(brand=, patient=, specialist=, session_type=)``: a ``Refusal`` when ``patient``
    must do something first (e.g. sign a consent required before the first session or before
    this ``session_type``), or None. Asked, like ``booking_refusal``, before showing slots
    (for the chosen session type) and inside ``book_appointment``, which raises
    ``SchedulingError`` with its message so every caller gets it.""",
)

join_refusal = Hook(
    "join_refusal",
    """``first(appointment=, user=)``: a ``Refusal`` (message + url to put it right) when
    ``user`` may not join ``appointment`` yet (e.g. consents to sign), or None. The video
    issue must call it before letting anyone into a session, and show the refusal with its
    call to action instead of the room.""",
)

join_url = Hook(
    "join_url",
    """``first(appointment=, user=)``: the path where ``user`` joins ``appointment``'s video
    session when its room is open now, or None (shown as "Join" in the calendar). Called for
    each appointment shown: receivers must answer without a query for most of them.""",
)

appointment_sections = Hook(
    "appointment_sections",
    """``call(appointment=, user=, next_url=)``: sections (``hale.accounts.hooks.RecordSection``)
    shown on the patient's appointment page, e.g. the consents this session needs; ``next_url``
    is where a call to action should bring the patient back.""",
)
