from django.contrib import admin

from hale.notifications.models import (
    Announcement,
    EmailDelivery,
    Notification,
    NotificationPreference,
    OutboxEmail,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "portal", "brand", "created_at", "read_at"]
    list_filter = ["portal", "kind", "brand"]
    list_select_related = ["user", "brand"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["uuid", "created_at"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled", "updated_at"]
    list_filter = ["channel", "enabled", "kind"]
    list_select_related = ["user"]
    search_fields = ["user__email", "kind"]
    raw_id_fields = ["user"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries are written by notify and the email task."""

    list_display = ["title", "user", "kind", "brand", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", "brand"]
    list_select_related = ["user", "brand"]
    search_fields = ["title", "user__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "author", "recipient_count", "created_at"]
    list_filter = ["brand"]
    list_select_related = ["brand", "author"]
    search_fields = ["title", "body"]

    def has_add_permission(self, request):
        # Announcements are sent from the back office, which notifies the patients.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "brand", "created_at"]
    list_filter = ["brand"]
    list_select_related = ["brand"]
    search_fields = ["subject", "to"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
