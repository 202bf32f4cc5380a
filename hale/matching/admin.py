from django.contrib import admin

from hale.matching.models import BrandMatching, CareRelationship, Listing


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["specialist", "brand", "visibility", "price_minor", "created_at"]
    list_filter = ["brand", "visibility"]
    raw_id_fields = ["specialist"]


@admin.register(CareRelationship)
class CareRelationshipAdmin(admin.ModelAdmin):
    list_display = ["patient", "specialist", "brand", "source", "status", "started_at"]
    list_filter = ["brand", "source", "status"]
    raw_id_fields = ["patient", "specialist", "created_by"]


admin.site.register(BrandMatching)
