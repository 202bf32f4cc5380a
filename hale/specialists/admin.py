from django.contrib import admin

from hale.specialists.models import (
    Education,
    ExpertiseArea,
    ReviewEvent,
    Specialisation,
    Specialist,
)


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "reason"]
    readonly_fields = ("at", "kind", "actor", "reason")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Specialist)
class SpecialistAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "status", "submitted_at", "created_at"]
    list_filter = ["status", "accepting_new_patients"]
    search_fields = ["display_name", "user__email"]
    raw_id_fields = ["user"]
    filter_horizontal = ["specialisations", "expertise_areas"]
    # Decisions go through the review queue (/staff/reviews/) so they are audited and the
    # specialist is told; the admin shows the workflow fields read-only.
    readonly_fields = [
        "status",
        "onboarding_step",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "review_reason",
    ]
    inlines = [EducationInline, ReviewEventInline]


@admin.register(Specialisation, ExpertiseArea)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
