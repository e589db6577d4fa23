"""Django admin for regions, indicator definitions and observations."""

from django.contrib import admin
from django.db import models

from sebaya.regions.models import Indicator, Observation, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    # 91,600 regions with villages: a select box of parents would not render.
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("code",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_id", "name_en", "unit", "lower_is_better", "display_order")
    search_fields = ("slug", "name_id", "name_en")
    ordering = ("display_order", "slug")


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("region", "indicator", "period", "value", "unit", "series_break", "source_url")
    list_filter = ("indicator", "period_granularity", "series_break", "region__level")
    search_fields = ("region__name", "region__code", "period", "source_url", "note")
    raw_id_fields = ("region",)
    list_select_related = ("region", "indicator")
    date_hierarchy = "period_start"
    readonly_fields = ("created_at", "updated_at")
    # Sources are web pages; Django 6 makes https the default scheme, say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
