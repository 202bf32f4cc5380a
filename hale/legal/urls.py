"""URLs of the legal documents: reading and accepting on brand hosts, versions in the staff
back office."""

from django.urls import path

from hale.legal import views

patient_urlpatterns = [
    path("legal/accept/", views.accept, name="legal_accept"),
    path("legal/<slug:kind>/", views.document, name="legal_document"),
    path("legal/<slug:kind>/v/<int:version>/", views.document, name="legal_document_version"),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("legal/", views.staff_list, name="staff_legal_list"),
    path("legal/preview/", views.staff_preview, name="staff_legal_preview"),
    path("legal/new/<slug:kind>/", views.staff_create, name="staff_legal_create"),
    path("legal/<uuid:document_id>/", views.staff_edit, name="staff_legal_edit"),
    path("legal/<uuid:document_id>/publish/", views.staff_publish, name="staff_legal_publish"),
    path("legal/<uuid:document_id>/discard/", views.staff_discard, name="staff_legal_discard"),
]
