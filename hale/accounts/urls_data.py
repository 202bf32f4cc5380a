"""Data rights URLs, mounted at ``account/data/`` on every host."""

from django.urls import path

from hale.accounts import views_data

urlpatterns = [
    path("", views_data.data_rights_page, name="data_rights"),
    path("export/", views_data.data_export_request, name="data_export_request"),
    path(
        "export/<uuid:export_uuid>/<str:token>/",
        views_data.data_export_download,
        name="data_export_download",
    ),
    path("delete/", views_data.account_delete, name="account_delete"),
    path("deleted/", views_data.account_deleted, name="account_deleted"),
]
