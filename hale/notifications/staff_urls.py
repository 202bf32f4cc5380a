"""Staff back office (platform host), included at /staff/brands/<brand_slug>/announcements/."""

from django.urls import path

from hale.notifications import views

urlpatterns = [
    path("", views.staff_announcements, name="staff_announcements"),
]
