import datetime

import pytest
from django.utils import timezone

from sebaya.learning.models import (
    ActionPlan,
    Adoption,
    AdoptionStage,
    AdoptionStageChange,
    stage_rank,
)
from sebaya.learning.selectors import (
    adopting_region_counts,
    adoption_facts,
    practice_diffusion,
    programme_report,
    stage_durations,
    stalled_action_plans,
)
from tests.innovations.factories import InnovationFactory
from tests.learning.factories import AdoptionFactory
from tests.learning.helpers import submit_plan, today

pytestmark = pytest.mark.django_db


def test_stage_rank_follows_the_lifecycle_and_puts_berhenti_outside_it():
    assert stage_rank(AdoptionStage.MINAT) == 0
    assert stage_rank(AdoptionStage.PELEMBAGAAN) > stage_rank(AdoptionStage.PENERAPAN)
    assert stage_rank(AdoptionStage.BERHENTI) == -1


def test_adoption_facts_groups_by_practice_in_one_query(django_assert_num_queries):
    first, second, untouched = InnovationFactory.create_batch(3)
    AdoptionFactory(innovation=first, stage=AdoptionStage.STUDI_TIRU)
    AdoptionFactory(innovation=first, stage=AdoptionStage.PELEMBAGAAN)
    AdoptionFactory(innovation=second, stage=AdoptionStage.BERHENTI)

    with django_assert_num_queries(1):
        facts = adoption_facts([first.pk, second.pk, untouched.pk])

    assert sorted(f.stage_rank for f in facts[first.pk]) == [1, 6]
    assert [f.stage for f in facts[second.pk]] == [AdoptionStage.BERHENTI]
    assert facts[untouched.pk] == []
    assert adoption_facts([]) == {}


# Stalled plans, durations, diffusion, "ditiru N daerah" ------------------------------------


def _age(plan: ActionPlan, days: int, *, moved_days_ago: int | None = None) -> None:
    """Pretend the plan was written `days` ago and its adoption last moved then (or later)."""
    ActionPlan.objects.filter(pk=plan.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    moved = days if moved_days_ago is None else moved_days_ago
    Adoption.objects.filter(pk=plan.adoption_id).update(
        stage_changed_on=today() - datetime.timedelta(days=moved)
    )


def test_stalled_query_uses_the_configured_days_and_skips_settled_adoptions(world):
    from tests.accounts.factories import OrganisationFactory
    from tests.learning.factories import ActionPlanFactory
    from tests.regions.factories import RegionFactory

    quiet = submit_plan(world)
    _age(quiet, 90)
    moving = ActionPlanFactory(
        programme=world.programme,
        organisation=OrganisationFactory(region=RegionFactory(code="61.03")),
        innovation=world.practice,
    )
    _age(moving, 90, moved_days_ago=5)
    settled = ActionPlanFactory(
        programme=world.programme,
        organisation=OrganisationFactory(region=RegionFactory(code="61.04")),
        innovation=world.practice,
    )
    Adoption.objects.filter(pk=settled.adoption_id).update(stage=AdoptionStage.PELEMBAGAAN)
    _age(settled, 200)
    elsewhere = ActionPlanFactory(
        organisation=OrganisationFactory(region=RegionFactory(code="61.05")),
        innovation=world.practice,
    )
    _age(elsewhere, 200)

    stalled = list(stalled_action_plans(programme=world.programme, days=60))
    assert [p.pk for p in stalled] == [quiet.pk]
    assert stalled[0].last_progress == today() - datetime.timedelta(days=90)
    assert list(stalled_action_plans(programme=world.programme, days=100)) == []
    assert {p.pk for p in stalled_action_plans(programme=world.programme, days=3)} == {
        quiet.pk,
        moving.pk,
    }
    assert elsewhere.pk in {p.pk for p in stalled_action_plans(days=60)}


def test_stalled_query_runs_in_one_query(world, django_assert_num_queries):
    submit_plan(world)
    with django_assert_num_queries(1):
        list(stalled_action_plans(programme=world.programme, days=0))


def test_time_in_each_stage_counts_completed_dated_stays(world):
    adoption = AdoptionFactory(innovation=world.practice, stage=AdoptionStage.ADAPTASI)
    start = datetime.date(2024, 1, 1)
    for stage, day in (("minat", 0), ("studi_tiru", 10), ("adaptasi", 40)):
        AdoptionStageChange.objects.create(
            adoption=adoption, to_stage=stage, date=start + datetime.timedelta(days=day)
        )
    durations = {d.stage: d for d in stage_durations([adoption.pk])}
    assert durations["minat"].mean_days == 10 and durations["minat"].stays == 1
    assert durations["studi_tiru"].median_days == 30
    assert durations["adaptasi"].stays == 0  # still there: not a completed stay


def test_programme_report_counts_participants_plans_stages_and_institutionalised(world):
    from sebaya.learning.services import EvidenceInput, adoption_advance

    plan = submit_plan(world)
    adoption_advance(
        user=world.adopter,
        adoption=plan.adoption,
        to_stage=AdoptionStage.PELEMBAGAAN,
        date=today(),
        evidence=[
            EvidenceInput(
                kind="regulasi", reference="Perbup 3/2024", date=datetime.date(2024, 3, 1)
            )
        ],
    )
    report = programme_report(world.programme, stalled_days=60)
    assert report.organisations_registered == 1
    assert report.action_plans == 1
    assert report.institutionalised == 1
    assert {s.stage: s.count for s in report.stages}[AdoptionStage.PELEMBAGAAN] == 1
    assert report.stalled == []


def test_diffusion_groups_adopters_by_province_and_first_dated_year(world):
    dated = AdoptionFactory(
        innovation=world.practice, region=world.adopter_region, stage=AdoptionStage.UJI_COBA
    )
    AdoptionStageChange.objects.create(
        adoption=dated, to_stage="minat", date=datetime.date(2022, 5, 1)
    )
    AdoptionFactory(innovation=world.practice, stage=AdoptionStage.STUDI_TIRU)  # undated
    diffusion = practice_diffusion(world.practice)
    assert len(diffusion.adoptions) == 2
    assert diffusion.undated == 1
    assert [(p.year, p.total) for p in diffusion.spread] == [(2022, 1)]
    assert "Kalimantan Barat" in {p.name for p in diffusion.provinces}


def test_adopting_region_counts_leave_out_stopped_adoptions(django_assert_num_queries):
    first, second = InnovationFactory.create_batch(2)
    AdoptionFactory(innovation=first, stage=AdoptionStage.STUDI_TIRU)
    AdoptionFactory(innovation=first, stage=AdoptionStage.PENERAPAN)
    AdoptionFactory(innovation=first, stage=AdoptionStage.BERHENTI)
    with django_assert_num_queries(1):
        counts = adopting_region_counts([first.pk, second.pk])
    assert counts == {first.pk: 2}
