"""Specialist pages on the platform host (mounted at /practice/schedule/)."""

from django.urls import path

from hale.scheduling import views_calendars as calendars
from hale.scheduling import views_practice as views

urlpatterns = [
    path("", views.calendar, name="schedule_calendar"),
    path("session-types/", views.session_types, name="schedule_session_types"),
    path(
        "session-types/<uuid:session_type_id>/",
        views.session_type_edit,
        name="schedule_session_type_edit",
    ),
    path("availability/", views.availability_page, name="schedule_availability"),
    path("availability/remove/", views.availability_remove, name="schedule_availability_remove"),
    path("propose/", views.propose, name="schedule_propose"),
    path("proposals/", views.proposals, name="schedule_proposals"),
    path("appointments/<uuid:appointment_id>/", views.appointment, name="schedule_appointment"),
    path(
        "appointments/<uuid:appointment_id>/edit/",
        views.proposal_edit,
        name="schedule_proposal_edit",
    ),
    path(
        "appointments/<uuid:appointment_id>/<str:what>/",
        views.appointment_action,
        name="schedule_appointment_action",
    ),
    path("requests/", views.requests_list, name="schedule_requests"),
    path("requests/<uuid:request_id>/", views.request_detail, name="schedule_request"),
    path(
        "requests/<uuid:request_id>/decline/",
        views.request_decline,
        name="schedule_request_decline",
    ),
    path("preferences/", calendars.preferences, name="schedule_preferences"),
    path("calendar-feed/", calendars.feed_page, name="schedule_feed_page"),
    path("calendar-feed/<str:what>/", calendars.feed_action, name="schedule_feed_action"),
    path("feed/<str:token>.ics", calendars.feed, name="schedule_feed"),
    path("external-calendars/", calendars.busy_sources, name="schedule_busy_sources"),
    path(
        "external-calendars/<uuid:source_id>/<str:what>/",
        calendars.busy_source_action,
        name="schedule_busy_source_action",
    ),
]
