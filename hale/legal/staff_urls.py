"""Legal documents back office on the platform host (mounted at
/staff/brands/<brand_slug>/legal/)."""

from django.urls import path

from hale.legal import views

urlpatterns = [
    path("", views.staff_list, name="staff_legal_list"),
    path("preview/", views.staff_preview, name="staff_legal_preview"),
    path("new/<slug:kind>/", views.staff_create, name="staff_legal_create"),
    path("<uuid:document_id>/", views.staff_edit, name="staff_legal_edit"),
    path("<uuid:document_id>/publish/", views.staff_publish, name="staff_legal_publish"),
    path("<uuid:document_id>/discard/", views.staff_discard, name="staff_legal_discard"),
]
