from django.contrib import admin

from hale.tenancy.forms import BrandAdminForm
from hale.tenancy.models import Brand, BrandDomain, BrandMembership


class BrandDomainInline(admin.TabularInline):
    model = BrandDomain
    extra = 0


class BrandMembershipInline(admin.TabularInline):
    model = BrandMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "plan", "portal_addon", "discovery_mode", "is_active"]
    list_filter = [
        "is_active",
        "plan",
        "portal_addon",
        "discovery_mode",
        "pricing_mode",
        "require_mfa_for_staff",
        "require_mfa_for_specialists",
    ]
    search_fields = ["name", "slug", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    form = BrandAdminForm
    # Apps above add their own inlines (sign-in adds its identity providers).
    inlines = [BrandDomainInline, BrandMembershipInline]
