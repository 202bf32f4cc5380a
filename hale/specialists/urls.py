"""Specialist portal pages of the application (platform host, mounted at /practice/)."""

from django.urls import path

from hale.specialists import views

urlpatterns = [
    path("apply/", views.apply, name="specialist_apply"),
    path("onboarding/", views.onboarding_resume, name="specialist_onboarding"),
    path("onboarding/<slug:step>/", views.onboarding_step, name="specialist_onboarding_step"),
    path("application/", views.application_status, name="specialist_application_status"),
]
