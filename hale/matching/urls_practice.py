"""A specialist's listings and profile preview (mounted at /practice/listings/)."""

from django.urls import path

from hale.matching import views

urlpatterns = [
    path("", views.practice_listings, name="practice_listings"),
    path("<uuid:listing_id>/preview/", views.practice_preview, name="practice_preview"),
]
