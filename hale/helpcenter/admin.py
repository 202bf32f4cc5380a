"""Operators' view of Help Center articles. Saves and deletes go through the actions, so the
Markdown is rendered and sanitised and every change leaves an audit row."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hale.helpcenter import actions
from hale.helpcenter.models import Article


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "brand",
            "title",
            "slug",
            "summary",
            "body_markdown",
            "language",
            "position",
            "status",
        ]

    def clean(self):
        data = super().clean()
        brand = data.get("brand") or (self.instance.brand if self.instance.pk else None)
        slug = data.get("slug")
        taken = Article.objects.filter(brand=brand, slug=slug).exclude(pk=self.instance.pk)
        if brand and slug and taken.exists():
            self.add_error("slug", _("Another article of this brand already uses this address."))
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "brand", "language", "status", "position", "updated_at"]
    list_filter = ["status", "language", "brand"]
    list_select_related = ["brand"]
    search_fields = ["title", "slug", "summary"]
    ordering = ["brand", "position", "title"]
    fields = [
        "brand",
        "title",
        "slug",
        "summary",
        "body_markdown",
        "language",
        "position",
        "status",
        "published_at",
        "updated_at",
        "created_by",
        "body_html",
    ]
    readonly_fields = ["published_at", "updated_at", "created_by", "body_html"]
    actions = ["publish_selected", "unpublish_selected"]

    def get_readonly_fields(self, request, obj=None):
        # An article never moves between brands: its address belongs to the brand's site.
        return [*self.readonly_fields, "brand"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in actions.CONTENT_FIELDS}
        values = {
            **values,
            "slug": values["slug"] or "",
            "summary": values["summary"] or "",
            "language": values["language"] or "",
        }
        publish = form.cleaned_data.get("status") == Article.Status.PUBLISHED
        if change:
            saved = actions.update_article(acting_user=request.user, article=obj, **values)
            change_status = actions.publish_article if publish else actions.unpublish_article
            saved = change_status(acting_user=request.user, article=saved)
        else:
            saved = actions.create_article(
                acting_user=request.user, brand=obj.brand, publish=publish, **values
            )
        obj.pk, obj.uuid = saved.pk, saved.uuid

    def delete_model(self, request, obj):
        actions.delete_article(acting_user=request.user, article=obj)

    def delete_queryset(self, request, queryset):
        for article in queryset.select_related("brand"):
            actions.delete_article(acting_user=request.user, article=article)

    @admin.action(description=_("Publish the selected articles"))
    def publish_selected(self, request, queryset):
        for article in queryset.select_related("brand"):
            actions.publish_article(acting_user=request.user, article=article)

    @admin.action(description=_("Unpublish the selected articles"))
    def unpublish_selected(self, request, queryset):
        for article in queryset.select_related("brand"):
            actions.unpublish_article(acting_user=request.user, article=article)
