"""Read-only admin: consents change only through actions; signatures and versions never."""

from django.contrib import admin

from hale.consents.models import ConsentRequest, ConsentSignature, ConsentTemplate, ConsentVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentTemplate)
class ConsentTemplateAdmin(ReadOnlyAdmin):
    list_display = ("title", "brand", "requirement", "is_active")
    list_filter = ("brand", "requirement")


@admin.register(ConsentVersion)
class ConsentVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "number", "published_at")


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(ReadOnlyAdmin):
    list_display = ("uuid", "version", "signed_at", "method")
    exclude = ("image_png",)


@admin.register(ConsentRequest)
class ConsentRequestAdmin(ReadOnlyAdmin):
    list_display = ("template", "created_at", "fulfilled_at")
