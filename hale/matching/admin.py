from django.contrib import admin

from hale.matching.models import (
    BrandMatching,
    BrandQuestionnaire,
    CareRelationship,
    Listing,
    ListingRequest,
    Supervision,
)


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["specialist", "brand", "visibility", "price_minor", "created_at"]
    list_filter = ["brand", "visibility"]
    raw_id_fields = ["specialist"]


@admin.register(ListingRequest)
class ListingRequestAdmin(admin.ModelAdmin):
    list_display = ["specialist", "brand", "status", "created_at", "decided_at"]
    list_filter = ["brand", "status"]
    raw_id_fields = ["specialist", "decided_by"]


@admin.register(CareRelationship)
class CareRelationshipAdmin(admin.ModelAdmin):
    list_display = ["patient", "specialist", "brand", "source", "status", "started_at"]
    list_filter = ["brand", "source", "status"]
    raw_id_fields = ["patient", "specialist", "created_by"]


admin.site.register(BrandMatching)


# Clinical leads and brand questionnaires (staff normally use the back office pages).


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ["lead", "supervisee", "brand", "created_at"]
    list_filter = ["brand"]
    raw_id_fields = ["lead", "supervisee", "created_by"]


@admin.register(BrandQuestionnaire)
class BrandQuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["brand", "region", "updated_at"]
    raw_id_fields = ["updated_by"]
