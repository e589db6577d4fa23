"""The one permission policy for innovations: every write and every visibility rule asks it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from sebaya.accounts.models import Membership, Organisation, Role
from sebaya.innovations.models import Innovation, PublicationStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from sebaya.accounts.models import User

    AnyUser = User | AnonymousUser

EDITING_ROLES = (Role.ADMIN, Role.EDITOR)


def _is_curator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def editable_organisation_ids(user: Any) -> set[int]:
    """Organisations whose practices the user may create and edit."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=EDITING_ROLES).values_list(
            "organisation_id", flat=True
        )
    )


def member_organisation_ids(user: Any) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


class InnovationPolicy:
    """Answers "may this user do this to that practice" and lists what a user may see or edit."""

    def visible(self, user: Any, queryset: QuerySet[Innovation] | None = None) -> QuerySet:
        """Published practices for everyone; drafts only for their organisation and curators."""
        qs = Innovation.objects.all() if queryset is None else queryset
        if _is_curator(user):
            return qs
        published = Q(status=PublicationStatus.PUBLISHED)
        orgs = member_organisation_ids(user)
        if orgs:
            return qs.filter(published | Q(organisation_id__in=orgs))
        return qs.filter(published)

    def editable(self, user: Any, queryset: QuerySet[Innovation] | None = None) -> QuerySet:
        qs = Innovation.objects.all() if queryset is None else queryset
        if _is_curator(user):
            return qs
        return qs.filter(organisation_id__in=editable_organisation_ids(user))

    def can_view(self, user: Any, innovation: Innovation) -> bool:
        if innovation.status == PublicationStatus.PUBLISHED or _is_curator(user):
            return True
        return innovation.organisation_id in member_organisation_ids(user)

    def can_create(self, user: Any, organisation: Organisation | None) -> bool:
        if _is_curator(user):
            return True
        return organisation is not None and organisation.pk in editable_organisation_ids(user)

    def can_edit(self, user: Any, innovation: Innovation) -> bool:
        if _is_curator(user):
            return True
        return (
            innovation.organisation_id is not None
            and innovation.organisation_id in editable_organisation_ids(user)
        )

    def can_publish(self, user: Any, innovation: Innovation) -> bool:
        """Members who edit a practice may publish it; curators may publish any."""
        return self.can_edit(user, innovation)

    def can_delete(self, user: Any, innovation: Innovation) -> bool:
        """Deleting loses history: drafts by their editors, anything by curators."""
        if _is_curator(user):
            return True
        return innovation.status == PublicationStatus.DRAFT and self.can_edit(user, innovation)

    def organisations_for_create(self, user: Any) -> QuerySet[Organisation]:
        """Organisations the user may add practices for: their editing ones; curators any."""
        if _is_curator(user):
            return Organisation.objects.all()
        return Organisation.objects.filter(pk__in=editable_organisation_ids(user))

    def can_import(self, user: Any) -> bool:
        """Bulk imports touch every region's records: curators only."""
        return _is_curator(user)


innovation_policy = InnovationPolicy()
