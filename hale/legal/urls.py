"""Legal pages on a brand host (mounted at /legal/): readable by guests and patients."""

from django.urls import path

from hale.legal import views

urlpatterns = [
    path("accept/", views.accept, name="legal_accept"),
    path("<slug:kind>/", views.document, name="legal_document"),
    path("<slug:kind>/v/<int:version>/", views.document, name="legal_document_version"),
]
