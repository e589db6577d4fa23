"""Admin for curators: users, organisations and memberships. Writes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from sebaya.accounts.models import Membership, Organisation, User
from sebaya.accounts.services import (
    accounts_policy,
    membership_add,
    membership_remove,
    organisation_create,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


class MembershipInline(admin.TabularInline):
    """Shown for reading; adding and removing members is done on the membership page."""

    model = Membership
    extra = 0
    fields = ("user", "role")
    readonly_fields = ("user", "role")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "region__name")
    raw_id_fields = ("region", "parent")
    # Django 6 makes https the default scheme for typed addresses; use it already.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (MembershipInline,)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or accounts_policy.can_edit_organisation(request.user, obj))

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:
            if not accounts_policy.can_edit_organisation(request.user, obj):
                raise PermissionDenied
            obj.save()
            return
        created = organisation_create(
            user=request.user,
            name=obj.name,
            kind=obj.kind,
            region=obj.region,
            parent=obj.parent,
            website=obj.website,
            slug=obj.slug,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        saved = membership_add(
            user=request.user, organisation=obj.organisation, member=obj.user, role=obj.role
        )
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_remove(user=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset:
            membership_remove(user=request.user, membership=membership)
