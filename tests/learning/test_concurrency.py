"""Two people advancing the same adoption at once never lose an update.

The first test interleaves the two writers by hand (both read, then both write) and runs on
every database. The second runs them in two threads with their own connections on PostgreSQL,
where row locks make the race real; SQLite serialises writers on the whole file, so threads add
nothing there that the first test does not show.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from sebaya.learning.models import Adoption, AdoptionStage, AdoptionStageChange
from sebaya.learning.services import StaleAdoption, adoption_advance
from tests.accounts.factories import MembershipFactory
from tests.learning.helpers import submit_plan, today


@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_writers_who_read_the_same_version_is_refused(world):
    adoption = submit_plan(world).adoption
    colleague = MembershipFactory(organisation=world.adopter_org, role="editor").user
    seen_by_first = Adoption.objects.get(pk=adoption.pk)
    seen_by_second = Adoption.objects.get(pk=adoption.pk)

    adoption_advance(
        user=world.adopter,
        adoption=seen_by_first,
        to_stage=AdoptionStage.STUDI_TIRU,
        date=today(),
        note="Kunjungan.",
    )
    with pytest.raises(StaleAdoption):
        adoption_advance(
            user=colleague,
            adoption=seen_by_second,
            to_stage=AdoptionStage.ADAPTASI,
            date=today(),
            note="Rancangan.",
        )

    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.STUDI_TIRU
    assert adoption.version == 2
    steps = list(adoption.stage_changes.values_list("to_stage", flat=True))
    assert steps == [AdoptionStage.MINAT, AdoptionStage.STUDI_TIRU]

    # Reading again gives the current version, and the colleague's change then goes through.
    fresh = Adoption.objects.get(pk=adoption.pk)
    adoption_advance(user=colleague, adoption=fresh, to_stage=AdoptionStage.ADAPTASI, date=today())
    assert Adoption.objects.get(pk=adoption.pk).version == 3


def test_expected_version_from_a_form_is_checked(world):
    adoption = submit_plan(world).adoption
    with pytest.raises(StaleAdoption):
        adoption_advance(
            user=world.adopter,
            adoption=adoption,
            to_stage="studi_tiru",
            date=today(),
            expected_version=adoption.version + 1,
        )
    assert AdoptionStageChange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_advancing_at_once_one_wins_one_is_told(world):
    if connection.vendor != "postgresql":
        pytest.skip("threads with their own connections race for real on PostgreSQL")
    adoption = submit_plan(world).adoption
    colleague = MembershipFactory(organisation=world.adopter_org, role="editor").user
    both_read = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def writer(name, user, stage):
        try:
            mine = Adoption.objects.get(pk=adoption.pk)
            both_read.wait(timeout=10)
            adoption_advance(
                user=user, adoption=mine, to_stage=stage, date=today(), note=f"oleh {name}"
            )
            outcomes[name] = "saved"
        except StaleAdoption:
            outcomes[name] = "stale"
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcomes[name] = repr(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=writer, args=("a", world.adopter, AdoptionStage.STUDI_TIRU)),
        threading.Thread(target=writer, args=("b", colleague, AdoptionStage.ADAPTASI)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes.values()) == ["saved", "stale"], outcomes
    adoption.refresh_from_db()
    assert adoption.version == 2
    winner = next(name for name, result in outcomes.items() if result == "saved")
    changes = list(adoption.stage_changes.order_by("pk"))
    assert len(changes) == 2
    assert changes[-1].note == f"oleh {winner}"
    assert changes[-1].to_stage == adoption.stage
