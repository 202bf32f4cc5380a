from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import Patient, PortalInvitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_superuser", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "language", "time_zone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "brand", "portal_enabled", "created_at"]
    list_filter = ["brand", "portal_enabled"]
    search_fields = ["email", "full_name"]
    raw_id_fields = ["user"]


@admin.register(PortalInvitation)
class PortalInvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations change only through the back office actions (tokens are hashed)."""

    list_display = ["email", "patient", "created_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "patient__full_name"]
    readonly_fields = [f.name for f in PortalInvitation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
