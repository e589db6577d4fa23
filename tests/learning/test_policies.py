"""Permissions: only the adopting organisation advances its adoption; organisers manage their
programme; nobody else."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from sebaya.learning.models import AdoptionStage
from sebaya.learning.policies import learning_policy
from sebaya.learning.services import (
    action_plan_remind,
    adoption_advance,
    attendance_set,
    event_create,
    event_session_add,
    featured_practice_add,
    programme_update,
)
from tests.innovations.factories import InnovationFactory
from tests.learning.helpers import submit_plan, today

pytestmark = pytest.mark.django_db


def test_only_editors_of_the_adopting_organisation_advance_its_adoption(world, curator):
    adoption = submit_plan(world).adoption
    assert learning_policy.can_advance(world.adopter, adoption)
    for user in (
        world.adopter_member,  # a plain member of the adopting organisation
        world.organiser,  # the programme's organiser
        world.originator,  # the practice's own region
        world.outsider,  # another region's admin
        curator,  # curators fix records in the admin, not here
        AnonymousUser(),
    ):
        assert not learning_policy.can_advance(user, adoption), user
        with pytest.raises(PermissionDenied):
            adoption_advance(
                user=user, adoption=adoption, to_stage=AdoptionStage.STUDI_TIRU, date=today()
            )
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.MINAT


def test_organisers_manage_their_programme_and_nobody_else(world, curator):
    assert learning_policy.can_manage_programme(world.organiser, world.programme)
    event_session_add(user=world.organiser, event=world.event, title="Pembukaan")
    for user in (world.adopter, world.originator, world.outsider, curator, AnonymousUser()):
        assert not learning_policy.can_manage_programme(user, world.programme)
        with pytest.raises(PermissionDenied):
            programme_update(user=user, programme=world.programme, title="Diambil alih")
        with pytest.raises(PermissionDenied):
            event_create(
                user=user, programme=world.programme, kind="workshop", title="X", starts_on=today()
            )
        with pytest.raises(PermissionDenied):
            event_session_add(user=user, event=world.event, title="Sesi liar")
        with pytest.raises(PermissionDenied):
            featured_practice_add(user=user, event=world.event, innovation=InnovationFactory())
        with pytest.raises(PermissionDenied):
            attendance_set(user=user, registration=world.event.registrations.get(), attended=True)
    world.programme.refresh_from_db()
    assert world.programme.title != "Diambil alih"


def test_only_organisers_send_reminders(world):
    plan = submit_plan(world)
    for user in (world.adopter, world.originator, world.outsider):
        with pytest.raises(PermissionDenied):
            action_plan_remind(user=user, action_plan=plan)
    assert action_plan_remind(user=world.organiser, action_plan=plan) >= 1


def test_answers_come_from_the_originator_the_adopters_and_the_asker(world):
    from sebaya.learning.services import answer_post, question_ask

    submit_plan(world)
    question = question_ask(user=world.outsider, innovation=world.practice, body="Berapa biaya?")
    assert learning_policy.can_answer(world.originator, question)
    assert learning_policy.can_answer(world.adopter_member, question)  # adopting organisation
    assert learning_policy.can_answer(world.outsider, question)  # the asker
    assert not learning_policy.can_answer(world.organiser, question)
    with pytest.raises(PermissionDenied):
        answer_post(user=world.organiser, question=question, body="Tidak tahu.")
