"""Matching questionnaire back office (mounted at /staff/brands/<brand_slug>/questionnaire/)."""

from django.urls import path

from hale.matching import views_questionnaire

urlpatterns = [
    path("", views_questionnaire.staff_questionnaire, name="staff_questionnaire"),
    path("reset/", views_questionnaire.staff_questionnaire_reset, name="staff_questionnaire_reset"),
]
