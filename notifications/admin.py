"""Django admin for platform operators: deliveries are read-only (the send path owns them)."""

from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "user", "clinic", "local_date", "status", "attempts")
    list_filter = ("kind", "channel", "status")
    search_fields = ("user__email",)
    date_hierarchy = "created_at"
    list_select_related = ("user", "clinic")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
