"""Admin for curators: practices with their parts, and the reference lists. Writes use services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sebaya.history.models import ChangeAction
from sebaya.history.services import record_change, snapshot
from sebaya.innovations.models import (
    Award,
    Contact,
    EvidenceItem,
    Innovation,
    Link,
    OutcomeFigure,
    SdgGoal,
    StageEvent,
    Theme,
    Urusan,
)
from sebaya.innovations.policies import innovation_policy
from sebaya.innovations.services import (
    EDITABLE_FIELDS,
    M2M_FIELDS,
    innovation_create,
    innovation_delete,
    innovation_publish,
    innovation_unpublish,
    innovation_update,
    year_error,
)

# Django 6 makes https the default scheme for typed addresses; use it already.
HTTPS_URLS: dict[Any, dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class _PartInline(admin.TabularInline):
    """A part of a practice edited on the practice's page; links assume https."""

    extra = 0
    formfield_overrides = HTTPS_URLS


class StageEventInline(_PartInline):
    model = StageEvent


class EvidenceItemInline(_PartInline):
    model = EvidenceItem


class AwardInline(_PartInline):
    model = Award


class LinkInline(_PartInline):
    model = Link


class ContactInline(_PartInline):
    model = Contact


class OutcomeFigureInline(admin.StackedInline):
    # Stacked: before/after values, periods, unit, source and note do not fit one table row.
    model = OutcomeFigure
    extra = 0
    formfield_overrides = HTTPS_URLS


def _formfield(db_field: models.Field, **kwargs: Any) -> Any:
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class InnovationAdminForm(forms.ModelForm):
    class Meta:
        model = Innovation
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin decides what is shown
        formfield_callback = _formfield

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        # The model allows any small integer; the service's rule is stricter, so say it here
        # rather than fail after the form was accepted.
        message = year_error(year)
        if message:
            raise ValidationError(message)
        return year


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    form = InnovationAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = ("title", "region", "organisation", "status", "stage", "year", "source")
    list_filter = ("status", "stage", "jenis", "running_status", "themes", "urusan", "source")
    search_fields = ("title", "summary", "external_id", "region__name", "organisation__name")
    raw_id_fields = ("region",)
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("themes", "urusan", "sdgs")
    readonly_fields = ("slug", "status", "published_at", "created_by", "created_at", "updated_at")
    list_select_related = ("region", "organisation")
    inlines = (
        StageEventInline,
        EvidenceItemInline,
        AwardInline,
        OutcomeFigureInline,
        LinkInline,
        ContactInline,
    )
    actions = ("publish_selected", "unpublish_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Innovation]:
        return innovation_policy.editable(request.user, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and innovation_policy.can_create(
            request.user, None
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or innovation_policy.can_edit(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or innovation_policy.can_delete(request.user, obj))

    def save_model(self, request: HttpRequest, obj: Innovation, form: Any, change: bool) -> None:
        plain = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in EDITABLE_FIELDS and name not in M2M_FIELDS
        }
        if change:
            innovation_update(user=request.user, innovation=obj, **plain)
            return
        for name in ("organisation", "region", "title"):
            plain.pop(name, None)
        created = innovation_create(
            user=request.user,
            organisation=obj.organisation,
            region=obj.region,
            title=obj.title,
            **plain,
        )
        # The form's instance is `obj`; point it at the saved row so inlines and
        # many-to-many fields are saved against it.
        obj.pk = created.pk
        obj.slug = created.slug
        obj.created_by = created.created_by
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Themes, urusan, SDGs and the inline parts are saved here, outside the services:
        record what they were and became, so the practice's history misses nothing."""
        obj = form.instance
        before = self._parts(obj)
        super().save_related(request, form, formsets, change)
        record_change(
            actor=request.user,
            action=ChangeAction.UPDATE,
            instance=obj,
            before=before,
            after=self._parts(obj),
            note="admin",
        )

    def _parts(self, obj: Innovation) -> dict[str, Any]:
        parts: dict[str, Any] = snapshot(obj, fields=M2M_FIELDS)
        for inline in self.inlines:
            rows = inline.model.objects.filter(innovation=obj).order_by("pk")
            parts[inline.model._meta.label_lower] = [
                snapshot(row, exclude=("innovation",)) for row in rows
            ]
        return parts

    def delete_model(self, request: HttpRequest, obj: Innovation) -> None:
        innovation_delete(user=request.user, innovation=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Innovation]) -> None:
        for innovation in queryset:
            innovation_delete(user=request.user, innovation=innovation)

    @admin.action(description=_("Terbitkan praktik terpilih"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Innovation]) -> None:
        self._run(request, queryset, innovation_publish)

    @admin.action(description=_("Tarik praktik terpilih dari terbitan"))
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Innovation]) -> None:
        self._run(request, queryset, innovation_unpublish)

    def _run(self, request: HttpRequest, queryset: QuerySet[Innovation], action: Any) -> None:
        done = 0
        for innovation in queryset:
            try:
                action(user=request.user, innovation=innovation)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, f"{innovation}: {'; '.join(_messages(exc))}")
        if done:
            messages.success(request, _("%(count)d praktik diproses.") % {"count": done})


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_id", "name_en", "display_order")
    search_fields = ("slug", "name_id", "name_en")


@admin.register(Urusan)
class UrusanAdmin(admin.ModelAdmin):
    list_display = ("code", "name_id", "name_en", "category")
    list_filter = ("category",)
    search_fields = ("code", "name_id", "name_en")


@admin.register(SdgGoal)
class SdgGoalAdmin(admin.ModelAdmin):
    list_display = ("number", "name_id", "name_en")
    search_fields = ("name_id", "name_en")
