from django.contrib import admin

from sebaya.learning.models import Adoption, AdoptionStageChange


class StageChangeInline(admin.TabularInline):
    model = AdoptionStageChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "to_stage", "date", "note", "source_url", "changed_by")


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ("innovation", "region", "stage", "stage_changed_on")
    list_filter = ("stage",)
    search_fields = ("innovation__title", "region__name")
    raw_id_fields = ("innovation", "region", "organisation")
    readonly_fields = ("stage", "stage_changed_on", "version")
    inlines = [StageChangeInline]
