"""Every state change of scheduling, split by concern; import from here.

Rules kept in these modules (views only parse and render): one transaction per action, the
specialist locked before anything that takes or frees their time (then the appointment), the
chosen time re-checked inside the lock, an ``AppointmentEvent`` and an audit row for every
transition, both people told after commit. Apps above take part through
``hale.scheduling.hooks``.
"""

from hale.scheduling.actions.availability import (
    AVAILABILITY_MODELS,
    SESSION_TYPE_FIELDS,
    add_break,
    add_date_override,
    add_one_off_slot,
    add_weekly_rule,
    remove_availability_item,
    save_booking_policy,
    save_schedule_preferences,
    save_session_type,
)
from hale.scheduling.actions.booking import (
    book_appointment,
    can_reschedule,
    cancel_appointment,
    cancellation_is_late,
    confirm_paid_booking,
    policy_message,
    record_outcome,
    release_hold,
    reschedule_appointment,
    set_clinic_notes,
)
from hale.scheduling.actions.calendars import (
    MAX_BUSY_SOURCES,
    add_busy_source,
    create_calendar_feed,
    remove_busy_source,
    request_busy_import,
    revoke_calendar_feed,
)
from hale.scheduling.actions.closing import (
    ACCOUNT_CLOSED_REASON,
    close_appointment_for_deleted_account,
    close_request_for_deleted_account,
)
from hale.scheduling.actions.common import MAX_PROPOSAL_HOURS, REASON_MAX, is_offered
from hale.scheduling.actions.proposals import (
    accept_proposal,
    change_proposal,
    decline_proposal,
    propose_appointment,
    withdraw_proposal,
)
from hale.scheduling.actions.requests import (
    REQUEST_TEXT_MAX,
    decline_availability_request,
    request_availability,
)
from hale.scheduling.errors import AppointmentChanged, SchedulingError, SlotTaken

__all__ = [
    "request_busy_import",
    "ACCOUNT_CLOSED_REASON",
    "AppointmentChanged",
    "AVAILABILITY_MODELS",
    "MAX_BUSY_SOURCES",
    "MAX_PROPOSAL_HOURS",
    "REASON_MAX",
    "REQUEST_TEXT_MAX",
    "SESSION_TYPE_FIELDS",
    "SchedulingError",
    "SlotTaken",
    "accept_proposal",
    "add_break",
    "add_busy_source",
    "add_date_override",
    "add_one_off_slot",
    "add_weekly_rule",
    "book_appointment",
    "confirm_paid_booking",
    "release_hold",
    "can_reschedule",
    "cancel_appointment",
    "cancellation_is_late",
    "change_proposal",
    "close_appointment_for_deleted_account",
    "close_request_for_deleted_account",
    "create_calendar_feed",
    "decline_availability_request",
    "decline_proposal",
    "is_offered",
    "policy_message",
    "propose_appointment",
    "record_outcome",
    "remove_availability_item",
    "remove_busy_source",
    "request_availability",
    "reschedule_appointment",
    "revoke_calendar_feed",
    "save_booking_policy",
    "save_schedule_preferences",
    "save_session_type",
    "set_clinic_notes",
    "withdraw_proposal",
]
