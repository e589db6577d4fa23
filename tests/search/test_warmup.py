"""A new worker's search state is built in the background (search/warmup.py), and spelling asks
the tantivy index which stems it holds (committed data: transaction=True)."""

from __future__ import annotations

import pytest

from sebaya.search.backends import get_backend, tantivy_index
from sebaya.search.backends.base import forget_version_checks, vocabulary_cache
from sebaya.search.spelling import known_terms, suggest
from tests.search.factories import indexed_document

pytestmark = pytest.mark.django_db(transaction=True)


def test_warm_in_background_builds_the_reader_vectors_and_spelling(settings, monkeypatch):
    from sebaya.search import semantic, warmup

    indexed_document("sampah plastik", "daur ulang", words="sampah plastik daur ulang")
    forget_version_checks()
    vocabulary_cache.clear()
    monkeypatch.setattr(semantic, "_index", None)  # a new worker: nothing loaded yet
    thread = warmup.warm_in_background()
    assert thread is not None
    thread.join(timeout=60)
    assert not thread.is_alive()
    # What the first search would otherwise build, built by the thread:
    assert semantic._index is not None and len(semantic._index) == 1  # the vectors
    assert any(name == "spelling" for _db, name in vocabulary_cache._entries)
    assert tantivy_index.current_reader() is not None
    settings.SEBAYA_SEARCH_WARMUP = False
    assert warmup.warm_in_background() is None


def test_spelling_knows_stems_from_the_index_and_corrects_the_rest():
    indexed_document(
        "sampah plastik", "daur ulang sekolah", words="sampah plastik daur ulang sekolah"
    )
    forget_version_checks()
    assert known_terms(get_backend(), ["sampah", "sekolh", "plastik"]) == {"sampah", "plastik"}
    assert tantivy_index.current_reader() is not None
    correction = suggest(["sampah", "sekolh"])
    assert correction.replacements == {"sekolh": "sekolah"}
