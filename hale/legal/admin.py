"""Operators' read-only view of legal documents and acceptances. Documents are written and
published in the brand's back office (/staff/brands/<brand>/legal/), where the rules live;
acceptances are evidence and are never edited."""

from django.contrib import admin

from hale.legal.models import LegalAcceptance, LegalDocument


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalDocument)
class LegalDocumentAdmin(ReadOnlyAdmin):
    list_display = ["brand", "kind", "version", "title", "status", "published_at"]
    list_filter = ["kind", "status", "brand"]
    list_select_related = ["brand"]
    search_fields = ["title"]
    ordering = ["brand", "kind", "-version"]


@admin.register(LegalAcceptance)
class LegalAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ["user", "brand", "document", "version", "accepted_at", "ip_address"]
    list_filter = ["brand", "document__kind"]
    list_select_related = ["user", "brand", "document"]
    search_fields = ["user__email"]
    ordering = ["-accepted_at"]
