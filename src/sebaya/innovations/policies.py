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
SUBMITTABLE = (PublicationStatus.DRAFT, PublicationStatus.REVISION)


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
        """Curators publish any practice; its editors publish it once a curator verified it."""
        if innovation.status == PublicationStatus.PUBLISHED:
            return False
        if _is_curator(user):
            return True
        return innovation.status == PublicationStatus.VERIFIED and self.can_edit(user, innovation)

    def can_unpublish(self, user: Any, innovation: Innovation) -> bool:
        """A published practice goes back to draft by its editors or a curator."""
        return innovation.status == PublicationStatus.PUBLISHED and self.can_edit(user, innovation)

    def can_submit(self, user: Any, innovation: Innovation) -> bool:
        """Editors of the owning organisation submit drafts and revised practices for review."""
        return innovation.status in SUBMITTABLE and self.can_edit(user, innovation)

    def can_review(self, user: Any, innovation: Innovation) -> bool:
        """Curators review submitted practices: verify them or ask for a revision."""
        return innovation.status == PublicationStatus.SUBMITTED and _is_curator(user)

    def can_recheck(self, user: Any, innovation: Innovation) -> bool:
        """The yearly "still running?" check: whoever may edit the practice."""
        return self.can_edit(user, innovation)

    def can_view_history(self, user: Any, innovation: Innovation) -> bool:
        """Every member of the owning organisation (any role) and curators."""
        if _is_curator(user):
            return True
        return (
            innovation.organisation_id is not None
            and innovation.organisation_id in member_organisation_ids(user)
        )

    def can_review_any(self, user: Any) -> bool:
        return _is_curator(user)

    def reviewable(self, user: Any) -> QuerySet:
        """The review queue: submitted practices, for curators only."""
        if not _is_curator(user):
            return Innovation.objects.none()
        return Innovation.objects.filter(status=PublicationStatus.SUBMITTED)

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
