from django.contrib import admin

from .models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["full_name", "clinic", "primary_therapist", "status"]
    list_filter = ["clinic", "status"]
    search_fields = ["full_name"]
    raw_id_fields = ["user", "primary_therapist"]
