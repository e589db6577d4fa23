from django.contrib import admin

from sebaya.history.models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Read-only: history is written by the services, never edited."""

    list_display = ("at", "model", "object_repr", "action", "actor")
    list_filter = ("model", "action")
    search_fields = ("object_repr", "object_id", "actor__username")
    list_select_related = ("actor",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
