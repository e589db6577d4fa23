# factory-boy types a factory call as the factory, not the model it returns:
# mypy: disable-error-code="arg-type, attr-defined"
"""Organisation and membership services and their policy."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from sebaya.accounts.models import Membership, OrganisationKind, Role
from sebaya.accounts.services import (
    accounts_policy,
    membership_add,
    membership_remove,
    organisation_create,
)
from tests.accounts.factories import (
    CuratorFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_curator_creates_an_organisation_with_a_unique_slug():
    curator = CuratorFactory()
    region = RegionFactory(code="33.14", name="Kabupaten Sragen")
    first = organisation_create(
        user=curator, name="Pemerintah Kabupaten Sragen", kind=OrganisationKind.PEMDA, region=region
    )
    second = organisation_create(
        user=curator, name="Pemerintah Kabupaten Sragen", kind=OrganisationKind.PEMDA
    )
    assert first.slug == "pemerintah-kabupaten-sragen"
    assert second.slug == "pemerintah-kabupaten-sragen-2"
    assert first.region == region


def test_system_may_create_organisations_but_ordinary_users_may_not():
    assert organisation_create(user=None, name="Bappeda", kind=OrganisationKind.OPD).pk
    for user in (UserFactory(), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            organisation_create(user=user, name="Bappeda Lain", kind=OrganisationKind.OPD)


def test_organisation_needs_a_name_and_a_known_kind():
    curator = CuratorFactory()
    with pytest.raises(ValidationError) as exc:
        organisation_create(user=curator, name=" ", kind=OrganisationKind.OPD)
    assert exc.value.message_dict["name"] == ["Nama organisasi wajib diisi."]
    with pytest.raises(ValidationError):
        organisation_create(user=curator, name="X", kind="klub")


def test_org_admin_adds_and_changes_members():
    admin = MembershipFactory(role=Role.ADMIN)
    newcomer = UserFactory()
    membership = membership_add(
        user=admin.user, organisation=admin.organisation, member=newcomer, role=Role.EDITOR
    )
    assert membership.role == Role.EDITOR
    again = membership_add(
        user=admin.user, organisation=admin.organisation, member=newcomer, role=Role.MEMBER
    )
    assert again.pk == membership.pk
    assert Membership.objects.get(pk=membership.pk).role == Role.MEMBER


def test_editors_and_outsiders_cannot_manage_members():
    editor = MembershipFactory(role=Role.EDITOR)
    outsider_admin = MembershipFactory(role=Role.ADMIN)
    for user in (editor.user, outsider_admin.user, AnonymousUser()):
        assert not accounts_policy.can_manage_members(user, editor.organisation)
        with pytest.raises(PermissionDenied):
            membership_add(user=user, organisation=editor.organisation, member=UserFactory())
        with pytest.raises(PermissionDenied):
            membership_remove(user=user, membership=editor)


def test_curator_manages_any_organisation():
    curator = CuratorFactory()
    organisation = OrganisationFactory()
    membership = membership_add(
        user=curator, organisation=organisation, member=UserFactory(), role=Role.ADMIN
    )
    membership_remove(user=curator, membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_org_admin_removes_a_member_but_not_the_last_admin():
    admin = MembershipFactory(role=Role.ADMIN)
    member = MembershipFactory(organisation=admin.organisation, role=Role.MEMBER)
    membership_remove(user=admin.user, membership=member)
    assert not Membership.objects.filter(pk=member.pk).exists()
    with pytest.raises(ValidationError):
        membership_remove(user=admin.user, membership=admin)
    with pytest.raises(ValidationError):
        membership_add(
            user=admin.user, organisation=admin.organisation, member=admin.user, role=Role.EDITOR
        )
    second = MembershipFactory(organisation=admin.organisation, role=Role.ADMIN)
    membership_remove(user=second.user, membership=admin)
    assert not Membership.objects.filter(pk=admin.pk).exists()


def test_unknown_role_is_refused():
    curator = CuratorFactory()
    with pytest.raises(ValidationError):
        membership_add(
            user=curator, organisation=OrganisationFactory(), member=UserFactory(), role="raja"
        )
