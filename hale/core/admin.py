from django.contrib import admin

from hale.core.models import AuditEvent, Upload


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "brand", "object_type", "object_id"]
    list_filter = ["action", "brand"]
    search_fields = ["action", "object_id", "actor__email"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Read-only: uploads change only through the pipeline (``hale.core.uploads``)."""

    list_display = ["uuid", "content_type", "size", "scan_status", "brand", "created_at"]
    list_filter = ["scan_status", "content_type", "brand"]
    search_fields = ["uuid", "sha256"]
    readonly_fields = [f.name for f in Upload._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
