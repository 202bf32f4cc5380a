from django.contrib import admin

from hale.scheduling.models import (
    Appointment,
    AppointmentEvent,
    BookingPolicy,
    Break,
    BusyTime,
    DateOverride,
    OneOffSlot,
    SessionType,
    WeeklyRule,
)


@admin.register(SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "specialist", "duration_minutes", "modality", "is_active"]
    list_filter = ["modality", "is_active"]
    raw_id_fields = ["specialist"]


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    list_display = ["brand", "cancellation_notice_hours"]


class EventInline(admin.TabularInline):
    model = AppointmentEvent
    extra = 0
    readonly_fields = ["kind", "from_status", "to_status", "actor", "reason", "data", "at"]
    can_delete = False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the actions (the portals), so history stays whole."""

    list_display = ["session_name", "specialist", "patient", "brand", "start", "status"]
    list_filter = ["status", "brand"]
    raw_id_fields = ["patient", "specialist", "session_type", "cancelled_by", "created_by"]
    readonly_fields = [f.name for f in Appointment._meta.fields]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


for model in (WeeklyRule, DateOverride, Break, OneOffSlot, BusyTime):
    admin.site.register(model, raw_id_fields=["specialist"])
