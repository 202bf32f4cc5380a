"""Patient onboarding on a brand host (mounted at /welcome/)."""

from django.urls import path

from hale.accounts import views_onboarding

urlpatterns = [
    path("", views_onboarding.onboarding_resume, name="onboarding_resume"),
    path("<slug:step>/", views_onboarding.onboarding_step, name="onboarding_step"),
]
