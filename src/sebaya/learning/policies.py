"""The one permission policy for peer learning: every write in the app asks it.

Who may do what:
- Programmes: any editor or admin of an organisation may start one (their organisation becomes
  its organiser); the organisers' editors and admins manage it, its events, materials,
  attendance and reminders. Curators may start programmes but manage only as organisers do
  (through the admin otherwise).
- Registration and action plans: editors and admins of the participating organisation.
- Adoptions: only editors and admins of the adopting organisation (the adoption's own, the
  organisations whose action plans opened it, or, for a documented record without one, the
  pemda organisations of the adopting region) advance it. Nobody else, organisers included.
- Questions: anyone signed in asks on a practice; members of the originating organisation, of
  an adopting organisation and the person who asked answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sebaya.accounts.models import Membership, Organisation, OrganisationKind, Role
from sebaya.innovations.models import Innovation
from sebaya.learning.models import Adoption, LearningEvent, LearningProgramme, Question

EDITING_ROLES = (Role.ADMIN, Role.EDITOR)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_curator(user: Any) -> bool:
    return _active(user) and bool(user.is_staff or user.is_superuser)


def editing_organisation_ids(user: Any) -> set[int]:
    """Organisations in which the user is an editor or admin."""
    if not _active(user):
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=EDITING_ROLES).values_list(
            "organisation_id", flat=True
        )
    )


def member_organisation_ids(user: Any) -> set[int]:
    if not _active(user):
        return set()
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def adopting_organisation_ids(adoption: Adoption) -> set[int]:
    """Organisations that speak for the adopting side of this record."""
    ids = set(adoption.action_plans.values_list("organisation_id", flat=True))
    if adoption.organisation_id:
        ids.add(adoption.organisation_id)
    if not ids:
        # A documented record (a study visit from the news) has no organisation yet: the pemda
        # of the adopting region, and its OPDs, may take it over.
        ids = set(
            Organisation.objects.filter(region_id=adoption.region_id)
            .filter(
                Q(kind__in=[OrganisationKind.PEMDA, OrganisationKind.OPD])
                | Q(parent__region_id=adoption.region_id)
            )
            .values_list("pk", flat=True)
        )
    return ids


class LearningPolicy:
    """Answers "may this user do this" for programmes, events, action plans and adoptions."""

    # Programmes and events -------------------------------------------------------------
    def can_create_programme(self, user: Any) -> bool:
        return _is_curator(user) or bool(editing_organisation_ids(user))

    def organisations_for_programme(self, user: Any) -> Any:
        """Organisations the user may name as organisers of a new programme."""
        if _is_curator(user):
            return Organisation.objects.all()
        return Organisation.objects.filter(pk__in=editing_organisation_ids(user))

    def is_organiser(self, user: Any, programme: LearningProgramme) -> bool:
        orgs = editing_organisation_ids(user)
        if not orgs:
            return False
        return programme.organisers.filter(pk__in=orgs).exists()

    def can_manage_programme(self, user: Any, programme: LearningProgramme) -> bool:
        return self.is_organiser(user, programme)

    def can_manage_event(self, user: Any, event: LearningEvent) -> bool:
        return self.is_organiser(user, event.programme)

    def managed_programmes(self, user: Any) -> Any:
        return LearningProgramme.objects.filter(
            organisers__in=editing_organisation_ids(user)
        ).distinct()

    # Participation ---------------------------------------------------------------------
    def organisations_for_participation(self, user: Any) -> Any:
        """Organisations the user may register, and submit action plans for."""
        return Organisation.objects.filter(pk__in=editing_organisation_ids(user))

    def can_register(self, user: Any, organisation: Organisation) -> bool:
        return organisation.pk in editing_organisation_ids(user)

    def can_submit_action_plan(self, user: Any, organisation: Organisation) -> bool:
        return organisation.pk in editing_organisation_ids(user)

    def can_edit_action_plan(self, user: Any, organisation_id: int) -> bool:
        return organisation_id in editing_organisation_ids(user)

    # Adoptions -------------------------------------------------------------------------
    def can_advance(self, user: Any, adoption: Adoption) -> bool:
        mine = editing_organisation_ids(user)
        return bool(mine) and bool(mine & adopting_organisation_ids(adoption))

    def acting_organisation(self, user: Any, adoption: Adoption) -> Organisation | None:
        """The adopting organisation the user acts for on this record (the first, by name)."""
        ids = editing_organisation_ids(user) & adopting_organisation_ids(adoption)
        return Organisation.objects.filter(pk__in=ids).order_by("name").first()

    # Questions and answers -------------------------------------------------------------
    def can_ask(self, user: Any, innovation: Innovation) -> bool:
        return _active(user)

    def can_answer(self, user: Any, question: Question) -> bool:
        if not _active(user):
            return False
        if question.author_id == user.pk:
            return True
        mine = member_organisation_ids(user)
        if not mine:
            return False
        innovation = question.innovation
        if innovation.organisation_id in mine:
            return True
        return (
            Adoption.objects.filter(innovation=innovation)
            .filter(Q(organisation_id__in=mine) | Q(action_plans__organisation_id__in=mine))
            .exists()
        )

    def is_originator(self, user: Any, innovation: Innovation) -> bool:
        return (
            innovation.organisation_id is not None
            and innovation.organisation_id in member_organisation_ids(user)
        )

    # Following -------------------------------------------------------------------------
    def can_follow(self, user: Any) -> bool:
        return _active(user)


learning_policy = LearningPolicy()
