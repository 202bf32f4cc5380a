"""Listings back office (mounted at /staff/brands/<brand_slug>/listings/)."""

from django.urls import path

from hale.matching import views

urlpatterns = [
    path("", views.staff_listings, name="staff_listings"),
    path("add/", views.staff_listing_add, name="staff_listing_add"),
    path("settings/", views.staff_matching_settings, name="staff_matching_settings"),
    path("assign/", views.staff_override, name="staff_care_override"),
    path(
        "<uuid:listing_id>/visibility/",
        views.staff_listing_visibility,
        name="staff_listing_visibility",
    ),
    path("<uuid:listing_id>/price/", views.staff_listing_price, name="staff_listing_price"),
]
