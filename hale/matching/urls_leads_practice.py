"""A clinical lead's supervision pages (mounted at /practice/supervision/)."""

from django.urls import path

from hale.matching import views_leads

urlpatterns = [
    path("", views_leads.supervision_home, name="supervision_home"),
    path("<uuid:supervision_id>/", views_leads.supervision_patients, name="supervision_patients"),
    path(
        "<uuid:supervision_id>/patients/<uuid:patient_id>/",
        views_leads.supervision_history,
        name="supervision_history",
    ),
]
