"""URLs of the Help Center: reading on brand hosts, writing in the staff back office."""

from django.urls import path

from hale.helpcenter import views

patient_urlpatterns = [
    path("help/", views.help_index, name="help_index"),
    path("help/<slug:slug>/", views.help_article, name="help_article"),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("help/", views.staff_help_list, name="staff_help_list"),
    path("help/new/", views.staff_help_create, name="staff_help_create"),
    path("help/preview/", views.staff_help_preview, name="staff_help_preview"),
    path("help/<uuid:article_id>/", views.staff_help_edit, name="staff_help_edit"),
    path("help/<uuid:article_id>/delete/", views.staff_help_delete, name="staff_help_delete"),
    path("help/<uuid:article_id>/publish/", views.staff_help_publish, name="staff_help_publish"),
    path(
        "help/<uuid:article_id>/unpublish/", views.staff_help_unpublish, name="staff_help_unpublish"
    ),
]
