from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hale.authn.models import BrandIdentityProvider, MagicLink
from hale.tenancy.admin import BrandAdmin


class BrandIdentityProviderInline(admin.TabularInline):
    """On the brand page: the OpenID Connect apps its patients may sign in with. Make the
    app first under Social accounts › Social applications (provider "OpenID Connect", a
    unique provider ID, settings ``{"server_url": "<issuer>"}``)."""

    model = BrandIdentityProvider
    extra = 0
    fields = ["social_app", "label", "position"]
    verbose_name = _("single sign-on provider")
    verbose_name_plural = _("single sign-on providers (OpenID Connect)")


BrandAdmin.inlines = [*BrandAdmin.inlines, BrandIdentityProviderInline]


@admin.register(BrandIdentityProvider)
class BrandIdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "brand", "provider_id", "position"]
    list_filter = ["brand"]
    list_select_related = ["brand", "social_app"]
    fields = ["brand", "social_app", "label", "position"]

    @admin.display(description=_("provider ID"))
    def provider_id(self, obj: BrandIdentityProvider) -> str:
        return obj.social_app.provider_id


@admin.register(MagicLink)
class MagicLinkAdmin(admin.ModelAdmin):
    """Read-only: which sign-in links were sent and used (never the tokens)."""

    list_display = ["email", "brand", "created_at", "expires_at", "email_sent_at", "used_at"]
    list_filter = ["brand"]
    list_select_related = ["brand"]
    search_fields = ["email"]
    fields = ["brand", "user", "email", "created_at", "expires_at", "email_sent_at", "used_at"]
    readonly_fields = (
        "brand",
        "user",
        "email",
        "created_at",
        "expires_at",
        "email_sent_at",
        "used_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
