# factory-boy types a factory call as the factory, not the model it returns:
# mypy: disable-error-code="arg-type, attr-defined"
"""Background embedding: queued after commit, run inline in tests, never breaking the write."""

import logging

import pytest
from django.db import transaction

from sebaya.innovations.services import innovation_create, innovation_update
from sebaya.search import tasks
from sebaya.search.models import Embedding
from sebaya.search.semantic import MODEL_NAME
from tests.accounts.factories import CuratorFactory
from tests.innovations.factories import InnovationFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_schedule_embedding_computes_the_vector_after_commit(django_capture_on_commit_callbacks):
    innovation = InnovationFactory(title="Posyandu remaja")

    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_embedding(innovation.pk)
        # Nothing is computed inside the transaction: the worker must read committed text.
        assert not Embedding.objects.filter(pk=innovation.pk).exists()

    assert Embedding.objects.get(pk=innovation.pk).model == MODEL_NAME


def test_a_rolled_back_write_queues_nothing(django_capture_on_commit_callbacks):
    innovation = InnovationFactory(title="Posyandu lansia")

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                tasks.schedule_embedding(innovation.pk)
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not Embedding.objects.exists()


def test_the_task_skips_a_practice_deleted_before_it_ran(django_capture_on_commit_callbacks):
    innovation = InnovationFactory(title="Bank sampah")
    innovation_id = innovation.pk

    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_embedding(innovation_id)
        innovation.delete()

    assert not Embedding.objects.exists()


def test_a_failing_embedding_is_logged_and_the_write_goes_on(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(innovation_id: int) -> bool:
        raise RuntimeError("engine unavailable")

    monkeypatch.setattr(tasks, "update_embedding", broken)
    innovation = InnovationFactory(title="Kampung KB")

    with (
        caplog.at_level(logging.ERROR, logger="sebaya.search.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.schedule_embedding(innovation.pk)

    assert "embedding of practice" in caplog.text
    assert not Embedding.objects.exists()


def test_the_task_called_directly_returns_whether_it_computed():
    innovation = InnovationFactory(title="Sekolah perempuan")

    assert tasks.embed_innovation_task.call_local(innovation.pk) is True
    assert tasks.embed_innovation_task.call_local(innovation.pk) is False


def test_creating_and_editing_a_practice_through_the_services_computes_its_vector(
    django_capture_on_commit_callbacks,
):
    curator = CuratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        innovation = innovation_create(
            user=curator,
            organisation=None,
            region=RegionFactory(),
            title="Lumbung pangan desa",
            summary="Cadangan gabah dikelola warga.",
        )
    first = Embedding.objects.get(pk=innovation.pk)

    with django_capture_on_commit_callbacks(execute=True):
        innovation_update(user=curator, innovation=innovation, summary="Cadangan beras desa.")

    assert Embedding.objects.get(pk=innovation.pk).text_hash != first.text_hash
