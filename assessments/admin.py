"""Platform operators see instruments and clinic settings here. Patient results are not in
the Django admin on purpose: every read of them must go through the audited pages, and a
result is never edited in place (corrections are new versions)."""

from django.contrib import admin

from .models import AssessmentSettings, Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "code", "scoring_rule", "clinic", "bundled"]
    list_filter = ["scoring_rule", "bundled", "clinic"]
    search_fields = ["title", "code"]
    # Answers already given refer to these texts: load a new version instead of editing.
    readonly_fields = [
        "clinic",
        "code",
        "version",
        "scoring_rule",
        "items",
        "options",
        "bundled",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False  # use `manage.py load_instrument`, which checks the file

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentSettings)
class AssessmentSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "clinic",
        "treadmill_speed",
        "treadmill_speed_unit",
        "treadmill_incline",
        "cart_strong_pct",
        "cart_min_height_in",
        "walker_min_height_in",
    ]
    raw_id_fields = ["clinic"]
