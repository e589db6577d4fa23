"""Write actions on organisations and memberships, with the small policy that guards them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sebaya.accounts.models import Membership, Organisation, Role, User
from sebaya.core.slugs import unique_slug
from sebaya.history.models import ChangeAction
from sebaya.history.services import record_change, snapshot
from sebaya.regions.models import Region


def _is_curator(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


class AccountsPolicy:
    """Curators create organisations; org admins and curators manage memberships."""

    def can_create_organisation(self, user: Any) -> bool:
        return _is_curator(user)

    def can_edit_organisation(self, user: Any, organisation: Organisation) -> bool:
        return self.can_manage_members(user, organisation)

    def can_manage_members(self, user: Any, organisation: Organisation) -> bool:
        if _is_curator(user):
            return True
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return Membership.objects.filter(
            user=user, organisation=organisation, role=Role.ADMIN
        ).exists()


accounts_policy = AccountsPolicy()


def unique_organisation_slug(name: str) -> str:
    return unique_slug(name, queryset=Organisation.objects.all(), fallback="organisasi")


@transaction.atomic
def organisation_create(
    *,
    user: Any | None,
    name: str,
    kind: str,
    region: Region | None = None,
    parent: Organisation | None = None,
    website: str = "",
    slug: str = "",
) -> Organisation:
    """Create an organisation. `user=None` is the system (demo, seed commands)."""
    if user is not None and not accounts_policy.can_create_organisation(user):
        raise PermissionDenied(_("Hanya kurator yang boleh menambah organisasi."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Nama organisasi wajib diisi.")]})
    if slug and Organisation.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [_("Slug %(slug)s sudah dipakai.") % {"slug": slug}]})
    organisation = Organisation(
        name=name,
        slug=slug or unique_organisation_slug(name),
        kind=kind,
        region=region,
        parent=parent,
        website=website,
    )
    organisation.full_clean()
    organisation.save()
    record_change(
        actor=user, instance=organisation, action=ChangeAction.CREATE, after=snapshot(organisation)
    )
    return organisation


@transaction.atomic
def membership_add(
    *, user: Any, organisation: Organisation, member: User, role: str = Role.MEMBER
) -> Membership:
    """Add `member` to the organisation, or change their role if they already belong."""
    if not accounts_policy.can_manage_members(user, organisation):
        raise PermissionDenied(_("Anda tidak berhak mengelola anggota organisasi ini."))
    if role not in Role.values:
        raise ValidationError({"role": [_("Peran tidak dikenal: %(role)s.") % {"role": role}]})
    membership = Membership.objects.filter(user=member, organisation=organisation).first()
    if membership is None:
        membership = Membership(user=member, organisation=organisation, role=role)
        membership.full_clean()
        membership.save()
        record_change(
            actor=user, instance=membership, action=ChangeAction.CREATE, after=snapshot(membership)
        )
        return membership
    if membership.role != role:
        _keep_an_admin(user, membership, new_role=role)
        before = snapshot(membership)
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        record_change(
            actor=user,
            instance=membership,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(membership),
        )
    return membership


@transaction.atomic
def membership_remove(*, user: Any, membership: Membership) -> None:
    if not accounts_policy.can_manage_members(user, membership.organisation):
        raise PermissionDenied(_("Anda tidak berhak mengelola anggota organisasi ini."))
    _keep_an_admin(user, membership, new_role=None)
    before = snapshot(membership)
    pk, label = membership.pk, str(membership)
    membership.delete()
    record_change(
        actor=user,
        model=Membership._meta.label_lower,
        object_id=pk,
        object_repr=label,
        action=ChangeAction.DELETE,
        before=before,
    )


def _keep_an_admin(user: Any, membership: Membership, *, new_role: str | None) -> None:
    """An org admin may not leave the organisation without one; curators may (they step in)."""
    if membership.role != Role.ADMIN or new_role == Role.ADMIN or _is_curator(user):
        return
    others = (
        Membership.objects.filter(organisation=membership.organisation, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise ValidationError(
            {"role": [_("Organisasi harus tetap memiliki setidaknya satu admin.")]}
        )
