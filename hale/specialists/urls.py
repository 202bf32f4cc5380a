"""URLs of specialist profiles: applying and onboarding in the practice portal, the review
queue for platform staff."""

from django.urls import path

from hale.specialists import views

# /practice/
practice_urlpatterns = [
    path("apply/", views.apply, name="specialist_apply"),
    path("onboarding/", views.onboarding_resume, name="specialist_onboarding"),
    path("onboarding/<slug:step>/", views.onboarding_step, name="specialist_onboarding_step"),
    path("application/", views.application_status, name="specialist_application_status"),
]

# The platform host.
platform_urlpatterns = [
    path("staff/reviews/", views.review_queue, name="staff_review_queue"),
    path("staff/reviews/<uuid:specialist_id>/", views.review_detail, name="staff_review_detail"),
    path(
        "staff/reviews/<uuid:specialist_id>/approve/",
        views.review_approve,
        name="staff_review_approve",
    ),
    path(
        "staff/reviews/<uuid:specialist_id>/request-changes/",
        views.review_request_changes,
        name="staff_review_request_changes",
    ),
    path(
        "staff/reviews/<uuid:specialist_id>/reject/",
        views.review_reject,
        name="staff_review_reject",
    ),
]
