import pytest

from sebaya.learning.models import AdoptionStage, stage_rank
from sebaya.learning.selectors import adoption_facts
from tests.innovations.factories import InnovationFactory
from tests.learning.factories import AdoptionFactory

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
