"""Specialist pages on the platform host under /practice/schedule/: calendar, session types,
availability, proposals, appointments and availability requests, a module each by concern."""

from hale.scheduling.views.practice.appointments import appointment, appointment_action
from hale.scheduling.views.practice.availability import (
    availability_page,
    availability_remove,
    session_type_edit,
    session_types,
)
from hale.scheduling.views.practice.calendar import calendar
from hale.scheduling.views.practice.proposals import proposal_edit, proposals, propose
from hale.scheduling.views.practice.requests import request_decline, request_detail, requests_list

__all__ = [
    "appointment",
    "appointment_action",
    "availability_page",
    "availability_remove",
    "calendar",
    "proposal_edit",
    "proposals",
    "propose",
    "request_decline",
    "request_detail",
    "requests_list",
    "session_type_edit",
    "session_types",
]
