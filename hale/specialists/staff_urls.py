"""The specialist review queue in the staff back office (platform host, at /staff/reviews/)."""

from django.urls import path

from hale.specialists import views

urlpatterns = [
    path("", views.review_queue, name="staff_review_queue"),
    path("<uuid:specialist_id>/", views.review_detail, name="staff_review_detail"),
    path("<uuid:specialist_id>/approve/", views.review_approve, name="staff_review_approve"),
    path(
        "<uuid:specialist_id>/request-changes/",
        views.review_request_changes,
        name="staff_review_request_changes",
    ),
    path("<uuid:specialist_id>/reject/", views.review_reject, name="staff_review_reject"),
]
