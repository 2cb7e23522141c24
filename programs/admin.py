"""Django admin for platform operators: the bundled library and clinics' content, read-mostly.

Plans, versions and suggestions are patient data and are changed only through the services
(the clinic pages), so the admin shows them read-only.
"""

from django.contrib import admin

from clinic.models import ClinicalSettings

from .models import (
    Exercise,
    Plan,
    PlanVersion,
    ProgramTemplate,
    ProgressionSuggestion,
    TemplateExercise,
    TemplateWeek,
)


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "clinic", "version", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name", "slug")
    readonly_fields = ("version", "created_at", "updated_at")


class TemplateWeekInline(admin.TabularInline):
    model = TemplateWeek
    extra = 0


class TemplateExerciseInline(admin.TabularInline):
    model = TemplateExercise
    extra = 0
    autocomplete_fields = ("exercise",)


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "clinic", "weeks", "version", "is_active")
    inlines = (TemplateWeekInline, TemplateExerciseInline)
    readonly_fields = ("version", "created_at", "updated_at")


@admin.register(ClinicalSettings)
class ClinicalSettingsAdmin(admin.ModelAdmin):
    list_display = ("clinic", "auto_apply_hold", "updated_at")


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(_ReadOnly):
    list_display = ("patient", "name", "status", "start_date")
    list_filter = ("status",)
    list_select_related = ("patient",)


@admin.register(PlanVersion)
class PlanVersionAdmin(_ReadOnly):
    list_display = ("plan", "number", "kind", "created_at", "created_by")
    list_select_related = ("plan__patient", "created_by")


@admin.register(ProgressionSuggestion)
class ProgressionSuggestionAdmin(_ReadOnly):
    list_display = ("plan", "week_number", "decision", "status", "created_at")
    list_filter = ("decision", "status")
    list_select_related = ("plan__patient",)
