"""Help Center back office on the platform host (mounted at /staff/brands/<brand_slug>/help/)."""

from django.urls import path

from hale.helpcenter import views

urlpatterns = [
    path("", views.staff_help_list, name="staff_help_list"),
    path("new/", views.staff_help_create, name="staff_help_create"),
    path("preview/", views.staff_help_preview, name="staff_help_preview"),
    path("<uuid:article_id>/", views.staff_help_edit, name="staff_help_edit"),
    path("<uuid:article_id>/delete/", views.staff_help_delete, name="staff_help_delete"),
    path("<uuid:article_id>/publish/", views.staff_help_publish, name="staff_help_publish"),
    path("<uuid:article_id>/unpublish/", views.staff_help_unpublish, name="staff_help_unpublish"),
]
