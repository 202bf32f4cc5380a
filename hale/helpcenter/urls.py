"""Help Center on a brand host (mounted at /help/): readable by guests and patients."""

from django.urls import path

from hale.helpcenter import views

urlpatterns = [
    path("", views.help_index, name="help_index"),
    path("<slug:slug>/", views.help_article, name="help_article"),
]
