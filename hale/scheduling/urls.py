"""URLs of scheduling: appointments and booking on brand hosts, the specialist's calendar,
availability and calendar feeds under /practice/schedule/."""

from django.urls import path

from hale.scheduling.views import calendars, practice, staff
from hale.scheduling.views import patient as views_patient

patient_urlpatterns = [
    path("appointments/", views_patient.appointment_list, name="appointment_list"),
    path(
        "appointments/requests/<uuid:request_id>/",
        views_patient.availability_request_detail,
        name="availability_request_detail",
    ),
    path(
        "appointments/<uuid:appointment_id>/",
        views_patient.appointment_detail,
        name="appointment_detail",
    ),
    path(
        "appointments/<uuid:appointment_id>/cancel/",
        views_patient.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "appointments/<uuid:appointment_id>/reschedule/",
        views_patient.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path(
        "appointments/<uuid:appointment_id>/<str:answer>/",
        views_patient.proposal_answer,
        name="proposal_answer",
    ),
    path(
        "appointments/<uuid:appointment_id>/calendar.ics",
        views_patient.appointment_ics,
        name="appointment_ics",
    ),
    path("book/<uuid:specialist_id>/", views_patient.book_specialist, name="book_specialist"),
    path("book/<uuid:specialist_id>/confirm/", views_patient.book_confirm, name="book_confirm"),
    path(
        "book/<uuid:specialist_id>/request/",
        views_patient.request_availability,
        name="request_availability",
    ),
]

# /practice/
practice_urlpatterns = [
    path("schedule/", practice.calendar, name="schedule_calendar"),
    path("schedule/session-types/", practice.session_types, name="schedule_session_types"),
    path(
        "schedule/session-types/<uuid:session_type_id>/",
        practice.session_type_edit,
        name="schedule_session_type_edit",
    ),
    path("schedule/availability/", practice.availability_page, name="schedule_availability"),
    path(
        "schedule/availability/remove/",
        practice.availability_remove,
        name="schedule_availability_remove",
    ),
    path("schedule/propose/", practice.propose, name="schedule_propose"),
    path("schedule/proposals/", practice.proposals, name="schedule_proposals"),
    path(
        "schedule/appointments/<uuid:appointment_id>/",
        practice.appointment,
        name="schedule_appointment",
    ),
    path(
        "schedule/appointments/<uuid:appointment_id>/edit/",
        practice.proposal_edit,
        name="schedule_proposal_edit",
    ),
    path(
        "schedule/appointments/<uuid:appointment_id>/<str:what>/",
        practice.appointment_action,
        name="schedule_appointment_action",
    ),
    path("schedule/requests/", practice.requests_list, name="schedule_requests"),
    path("schedule/requests/<uuid:request_id>/", practice.request_detail, name="schedule_request"),
    path(
        "schedule/requests/<uuid:request_id>/decline/",
        practice.request_decline,
        name="schedule_request_decline",
    ),
    path("schedule/preferences/", calendars.preferences, name="schedule_preferences"),
    path("schedule/calendar-feed/", calendars.feed_page, name="schedule_feed_page"),
    path("schedule/calendar-feed/<str:what>/", calendars.feed_action, name="schedule_feed_action"),
    path("schedule/feed/<str:token>.ics", calendars.feed, name="schedule_feed"),
    path("schedule/external-calendars/", calendars.busy_sources, name="schedule_busy_sources"),
    path(
        "schedule/external-calendars/<uuid:source_id>/",
        calendars.busy_source_card,
        name="schedule_busy_source_card",
    ),
    path(
        "schedule/external-calendars/<uuid:source_id>/<str:what>/",
        calendars.busy_source_action,
        name="schedule_busy_source_action",
    ),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("booking-policy/", staff.booking_policy, name="staff_booking_policy"),
]
