"""Followers hear of changes in the site and by e-mail (Django's mail framework, locmem here)."""

import datetime

import pytest
from django.core import mail

from sebaya.learning.models import AdoptionStage, Notification, NotificationKind
from sebaya.learning.services import (
    action_plan_remind,
    adoption_advance,
    answer_post,
    follow_set,
    notifications_mark_read,
    question_ask,
    send_stalled_digests,
)
from tests.accounts.factories import UserFactory
from tests.learning.helpers import submit_plan, today

pytestmark = pytest.mark.django_db(transaction=True)


def test_followers_of_the_adoption_and_the_practice_are_told_of_a_stage_change(world):
    plan = submit_plan(world)
    watcher = UserFactory(email="pemantau@example.org")
    follow_set(user=watcher, follow=True, innovation=world.practice)
    follow_set(user=world.originator, follow=True, adoption=plan.adoption)
    mail.outbox.clear()

    adoption_advance(
        user=world.adopter, adoption=plan.adoption, to_stage=AdoptionStage.STUDI_TIRU, date=today()
    )

    notes = Notification.objects.filter(kind=NotificationKind.STAGE_CHANGED)
    assert set(notes.values_list("user", flat=True)) == {watcher.pk, world.originator.pk}
    assert "Studi tiru" in notes.first().text
    # The actor (who follows the adoption since writing the plan) is not told of their own act.
    assert not notes.filter(user=world.adopter).exists()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([watcher.email, world.originator.email])
    assert all(m.subject == "[Sebaya] Tahap adopsi berubah" for m in mail.outbox)
    assert f"/belajar/adopsi/{plan.adoption.pk}/" in mail.outbox[0].body
    assert notes.filter(emailed_at=None).count() == 0


def test_unfollowing_stops_notifications(world):
    plan = submit_plan(world)
    watcher = UserFactory()
    follow_set(user=watcher, follow=True, adoption=plan.adoption)
    follow_set(user=watcher, follow=False, adoption=plan.adoption)
    adoption_advance(
        user=world.adopter, adoption=plan.adoption, to_stage=AdoptionStage.STUDI_TIRU, date=today()
    )
    assert not Notification.objects.filter(user=watcher).exists()


def test_a_refused_change_notifies_nobody(world):
    plan = submit_plan(world)
    follow_set(user=world.originator, follow=True, adoption=plan.adoption)
    mail.outbox.clear()
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        adoption_advance(
            user=world.adopter,
            adoption=plan.adoption,
            to_stage=AdoptionStage.PELEMBAGAAN,
            date=today(),
        )
    assert not Notification.objects.filter(kind=NotificationKind.STAGE_CHANGED).exists()
    assert mail.outbox == []


def test_originators_hear_of_action_plans_and_questions_and_askers_of_answers(world):
    mail.outbox.clear()
    submit_plan(world)
    assert Notification.objects.filter(
        user=world.originator, kind=NotificationKind.ACTION_PLAN
    ).exists()

    question = question_ask(
        user=world.adopter, innovation=world.practice, body="Bagaimana data desa dikumpulkan?"
    )
    assert Notification.objects.filter(user=world.originator, kind=NotificationKind.QUESTION)
    answer_post(user=world.originator, question=question, body="Lewat musyawarah desa.")
    told = Notification.objects.get(user=world.adopter, kind=NotificationKind.ANSWER)
    assert "Lewat musyawarah desa" in told.text
    assert any(m.to == [world.adopter.email] and "Jawaban baru" in m.subject for m in mail.outbox)


def test_reminder_reaches_the_adopting_organisation_once_a_day(world):
    plan = submit_plan(world)
    mail.outbox.clear()
    sent = action_plan_remind(user=world.organiser, action_plan=plan)
    assert sent == 2  # the editor and the member of the adopting organisation
    assert {m.to[0] for m in mail.outbox} == {world.adopter.email, world.adopter_member.email}
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        action_plan_remind(user=world.organiser, action_plan=plan)


def test_stalled_digest_goes_to_organisers_of_programmes_with_stalled_plans(world):
    plan = submit_plan(world)
    mail.outbox.clear()
    assert send_stalled_digests() == 0  # written today: not stalled
    later = today() + datetime.timedelta(days=61)
    assert send_stalled_digests(today=later) == 1
    message = mail.outbox[0]
    assert message.to == [world.organiser.email]
    assert world.adopter_org.name in message.body
    assert f"/belajar/rtl/{plan.pk}/" in message.body


def test_marking_notifications_read(world):
    submit_plan(world)
    assert notifications_mark_read(user=world.originator) == 1
    assert not Notification.objects.filter(user=world.originator, read_at=None).exists()


def test_the_periodic_digest_task_sends_through_the_same_service(world):
    from sebaya.learning.tasks import stalled_digest_task

    submit_plan(world)
    mail.outbox.clear()
    assert stalled_digest_task.call_local() == 0  # nothing stalled today
    assert mail.outbox == []
