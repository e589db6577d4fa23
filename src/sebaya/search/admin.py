"""Admin for curators: the search glossary, which they extend and correct."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from sebaya.search.models import GlossaryEntry


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "expansions_short", "from_file"]
    list_filter = ["kind", "from_file"]
    search_fields = ["term", "expansions", "note"]
    readonly_fields = ["from_file"]
    fields = ["term", "kind", "expansions", "note", "from_file"]

    @admin.display(description=_("padanan"))
    def expansions_short(self, obj: GlossaryEntry) -> str:
        return Truncator(" | ".join(obj.expansion_list())).chars(120)

    def save_model(self, request: HttpRequest, obj: GlossaryEntry, form: Any, change: bool) -> None:
        # A curator's entry is theirs from now on: reloading the glossary file never overwrites it.
        obj.from_file = False
        super().save_model(request, obj, form, change)
