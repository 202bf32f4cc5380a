"""Patient pages on a brand host (mounted at the root of hale/urls_brand.py)."""

from django.urls import path

from hale.scheduling import views_patient as views

urlpatterns = [
    path("appointments/", views.appointment_list, name="appointment_list"),
    path(
        "appointments/requests/<uuid:request_id>/",
        views.availability_request_detail,
        name="availability_request_detail",
    ),
    path(
        "appointments/<uuid:appointment_id>/", views.appointment_detail, name="appointment_detail"
    ),
    path(
        "appointments/<uuid:appointment_id>/cancel/",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "appointments/<uuid:appointment_id>/reschedule/",
        views.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path(
        "appointments/<uuid:appointment_id>/<str:answer>/",
        views.proposal_answer,
        name="proposal_answer",
    ),
    path(
        "appointments/<uuid:appointment_id>/calendar.ics",
        views.appointment_ics,
        name="appointment_ics",
    ),
    path("book/<uuid:specialist_id>/", views.book_specialist, name="book_specialist"),
    path("book/<uuid:specialist_id>/confirm/", views.book_confirm, name="book_confirm"),
    path(
        "book/<uuid:specialist_id>/request/",
        views.request_availability,
        name="request_availability",
    ),
]
