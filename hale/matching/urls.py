"""Discovery on a brand host (mounted at the root of hale/urls_brand.py)."""

from django.urls import path

from hale.matching import views

urlpatterns = [
    path("specialists/", views.browse, name="specialist_browse"),
    path("specialists/<uuid:specialist_id>/", views.profile, name="specialist_public_profile"),
    path("match/", views.match, name="match"),
    path("match/choose/<uuid:specialist_id>/", views.choose, name="match_choose"),
    path("match/result/", views.match_result, name="match_result"),
]
