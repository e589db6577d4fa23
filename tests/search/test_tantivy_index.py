"""The tantivy index beside the database (decision 0006): same answers, follows every write.

These tests commit (transaction=True): inside a transaction the index is never used, since the
rows it would copy may still be rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sebaya.search.backends import get_backend, tantivy_index
from sebaya.search.backends.base import (
    PUBLIC,
    Visibility,
    bm25_scores,
    database_backend,
    forget_version_checks,
    index_version,
    query_terms,
    visible_texts,
)
from sebaya.search.models import SearchDocument
from tests.search.factories import indexed_document

pytestmark = pytest.mark.django_db(transaction=True)

ALL = Visibility(see_all=True, organisation_ids=frozenset())


@pytest.fixture(autouse=True)
def _fresh_checks():
    forget_version_checks()
    yield
    forget_version_checks()


def ids(hits):
    return [hit.innovation_id for hit in hits]


def exhaustive(terms, expansions=(), visibility=ALL, limit=200):
    """The oracle: bm25 over every visible row holding any term, ranked as the backends rank."""
    weighted = query_terms(terms, expansions)
    every = list(SearchDocument.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        texts = visible_texts(cursor, every, visibility)
    everything = list(SearchDocument.objects.values_list("title", "body"))
    total = len(everything)
    average = sum(len(t.split()) + len(b.split()) for t, b in everything) / total
    frequencies = {
        term: sum(1 for t, b in everything if term in t.split() or term in b.split())
        for term, _w in weighted
    }
    scores = bm25_scores(texts, weighted, frequencies, total, average)
    found = [pk for pk, (_s, present) in scores.items() if present]
    ranked = sorted(found, key=lambda pk: (-scores[pk][0], pk))[:limit]
    return [(pk, scores[pk][0]) for pk in ranked]


def answered_by_index() -> bool:
    reader = tantivy_index.current_reader()
    return reader is not None and reader.state.version == index_version()


@pytest.fixture
def corpus():
    docs = {
        "bank": indexed_document("sampah bank", "kelola sekolah"),
        "school": indexed_document("sekolah sehat", "sampah pilah warga"),
        "water": indexed_document("air bersih", "sampah sungai warga desa"),
        "fish": indexed_document("pasar ikan", "nelayan tangkap"),
        "catch": indexed_document("kapal", "nelayan ikan laut"),
        "coast": indexed_document("pantai", "nelayan pasir laut warga"),
        "draft": indexed_document("sampah draf", "nelayan", published=False),
    }
    for n in range(4):
        indexed_document(f"lain{n}", "umum isian warga")
    return {name: innovation.pk for name, innovation in docs.items()}


QUERIES = [
    (["sampah"], []),
    (["nelayan", "ikan"], []),
    (["warga"], []),
    (["sampah"], ["sekolah", "laut"]),
    (["tidakada"], ["nelayan"]),
    (["warga", "desa", "laut", "pasir", "umum"], ["air"]),
]


def test_get_backend_wraps_the_database_engine_unless_told_not_to():
    backend = get_backend()
    assert isinstance(backend, tantivy_index.AcceleratedBackend)
    assert type(backend.database) is type(database_backend())
    with override_settings(SEBAYA_SEARCH_INDEX="database"):
        assert type(get_backend()) is type(database_backend())


@pytest.mark.parametrize(("terms", "expansions"), QUERIES)
def test_index_answers_exactly_as_scoring_every_row(corpus, terms, expansions):
    """Same documents, same order, same scores as bm25 over every row (the index only finds the
    candidates; rows rank them)."""
    hits = get_backend().search(terms, expansions=expansions, visibility=ALL)
    assert answered_by_index()
    expected = exhaustive(terms, expansions)
    assert ids(hits) == [pk for pk, _s in expected]
    assert [hit.score for hit in hits] == pytest.approx([s for _pk, s in expected], rel=1e-9)


def test_what_the_database_engine_finds_the_index_finds_with_the_same_bm25(corpus):
    """The database engines leave costly common terms out of their candidate search (decision
    0005), so they may find fewer; what they find, the index finds too. On SQLite both rank on
    FTS5's bm25, so the scores are equal; PostgreSQL's own engine ranks on idf x ts_rank_cd,
    where the index ranks PostgreSQL's rows on the same bm25 as SQLite's."""
    compared = 0
    for terms, expansions in QUERIES:
        indexed = {
            h.innovation_id: h
            for h in get_backend().search(terms, expansions=expansions, visibility=ALL)
        }
        database = database_backend().search(terms, expansions=expansions, visibility=ALL)
        for hit in database:
            assert indexed[hit.innovation_id].matched == hit.matched
            if connection.vendor == "sqlite":
                assert indexed[hit.innovation_id].score == pytest.approx(hit.score, rel=1e-9)
            compared += 1
    assert compared > 10


def test_drafts_only_for_those_who_may_see_them(corpus):
    public = ids(get_backend().search(["sampah"], visibility=PUBLIC))
    assert answered_by_index()
    assert corpus["draft"] not in public
    assert corpus["draft"] in ids(get_backend().search(["sampah"], visibility=ALL))


def test_hidden_drafts_among_the_best_are_read_past():
    """When drafts fill the first candidates, the index is read deeper for visible ones."""
    for n in range(30):
        indexed_document(f"rahasia rahasia {n}", "rahasia", published=False)
    visible = [indexed_document(f"biasa {n}", "rahasia teks panjang sekali") for n in range(3)]
    hits = get_backend().search(["rahasia"], visibility=PUBLIC, limit=3)
    assert answered_by_index()
    assert sorted(ids(hits)) == sorted(v.pk for v in visible)


def test_index_follows_create_update_and_delete(corpus):
    assert ids(get_backend().search(["kincir"], visibility=ALL)) == []
    new = indexed_document("kincir angin", "listrik desa")
    assert ids(get_backend().search(["kincir"], visibility=ALL)) == [new.pk]
    assert answered_by_index()

    get_backend().upsert(
        [
            SearchDocument(
                innovation_id=new.pk,
                title="panel surya",
                body="listrik desa",
                content_hash="changed",
            )
        ]
    )
    assert ids(get_backend().search(["kincir"], visibility=ALL)) == []
    assert ids(get_backend().search(["surya"], visibility=ALL)) == [new.pk]

    get_backend().delete([new.pk])
    assert ids(get_backend().search(["surya"], visibility=ALL)) == []
    assert answered_by_index()


def test_rows_written_behind_the_backend_are_followed_too(corpus):
    """The index pulls from the rows: an UPDATE that no backend method saw (a restore, a script)
    is picked up by its stamp; a row deleted behind its back by the count."""
    SearchDocument.objects.filter(pk=corpus["fish"]).update(
        body="terumbu karang", indexed_at=timezone.now()
    )
    forget_version_checks()
    assert ids(get_backend().search(["terumbu"], visibility=ALL)) == [corpus["fish"]]
    assert answered_by_index()
    SearchDocument.objects.filter(pk=corpus["catch"]).delete()
    forget_version_checks()
    assert corpus["catch"] not in ids(get_backend().search(["nelayan"], visibility=ALL))
    assert answered_by_index()


def test_update_stamped_before_the_watermark_is_found_by_the_full_comparison(corpus):
    get_backend().search(["sampah"], visibility=ALL)
    index = tantivy_index.index_for_connection()
    old = timezone.now() - dt.timedelta(days=2)
    SearchDocument.objects.filter(pk=corpus["bank"]).update(body="gambut", indexed_at=old)
    report = index.sync(full=True)
    assert report.added == 1
    forget_version_checks()
    assert ids(get_backend().search(["gambut"], visibility=ALL)) == [corpus["bank"]]


def test_inside_a_transaction_the_database_answers(corpus):
    get_backend().search(["sampah"], visibility=ALL)
    with transaction.atomic():
        created = indexed_document("uncommitted", "sampah")
        assert tantivy_index.current_reader() is None
        assert created.pk in ids(get_backend().search(["uncommitted"], visibility=ALL))
    # Rolled back: never copied into the index.
    assert ids(get_backend().search(["uncommitted"], visibility=ALL)) == []
    assert answered_by_index()


def test_a_busy_writer_leaves_the_answer_to_the_database(corpus):
    index = tantivy_index.index_for_connection()
    get_backend().search(["sampah"], visibility=ALL)
    import tantivy

    other = tantivy.Index.open(str(index.path))  # as another process would
    writer = other.writer(heap_size=15_000_000, num_threads=1)
    try:
        new = indexed_document("sampah plastik", "daur ulang")
        with pytest.raises(tantivy_index.Busy):
            index.sync()
        assert tantivy_index.current_reader() is None
        assert new.pk in ids(get_backend().search(["plastik"], visibility=ALL))
    finally:
        del writer
    assert ids(get_backend().search(["plastik"], visibility=ALL)) == [new.pk]
    assert answered_by_index()


def test_a_large_backlog_is_synced_in_the_background(corpus, monkeypatch):
    get_backend().search(["sampah"], visibility=ALL)
    monkeypatch.setattr(tantivy_index, "INLINE_SYNC_ROWS", 2)
    batch = [indexed_document(f"gelombang {n}", "laut") for n in range(5)]
    index = tantivy_index.index_for_connection()
    hits = get_backend().search(["gelombang"], visibility=ALL)  # the database answers meanwhile
    assert sorted(ids(hits)) == sorted(b.pk for b in batch)
    assert index._background is not None
    index._background.join(timeout=30)
    forget_version_checks()
    assert sorted(ids(get_backend().search(["gelombang"], visibility=ALL))) == sorted(
        b.pk for b in batch
    )
    assert answered_by_index()


def test_an_unreadable_directory_is_rebuilt(corpus):
    get_backend().search(["sampah"], visibility=ALL)
    index = tantivy_index.index_for_connection()
    path = index.path
    tantivy_index._indexes.clear()  # a new process
    (path / "meta.json").write_text("not json", encoding="utf-8")
    indexed_document("mangrove", "pesisir")
    hits = get_backend().search(["mangrove"], visibility=ALL)
    assert len(hits) == 1
    assert answered_by_index()


def test_an_older_format_is_rebuilt(corpus):
    get_backend().search(["sampah"], visibility=ALL)
    index = tantivy_index.index_for_connection()
    state = json.loads((index.path / tantivy_index.STATE_FILE).read_text())
    state["format"] = tantivy_index.FORMAT - 1
    (index.path / tantivy_index.STATE_FILE).write_text(json.dumps(state))
    tantivy_index._indexes.clear()
    forget_version_checks()
    assert ids(get_backend().search(["nelayan", "ikan"], visibility=ALL)) == [
        pk for pk, _s in exhaustive(["nelayan", "ikan"])
    ]
    assert answered_by_index()


def test_phrases_go_to_the_database(corpus):
    """A term of several words needs positions, which only the database index keeps."""
    hits = get_backend().search(["pasar ikan"], visibility=ALL)
    assert ids(hits) == [corpus["fish"]]


def test_reindex_rebuilds_the_index(corpus):
    from django.core.management import call_command

    index = tantivy_index.index_for_connection()
    call_command("reindex", "--no-embed", verbosity=0)
    state = tantivy_index.State.read(index.path)
    assert state is not None
    assert state.count == SearchDocument.objects.count()
    assert state.version == index_version()


@pytest.mark.skipif(
    "connection.vendor == 'sqlite'",
    reason="the in-memory test database locks whole tables between threads",
)
def test_concurrent_searches_while_rows_change(corpus):
    """Threads searching while another writes: every answer is a correct one of some moment."""
    errors: list[BaseException] = []
    stop = threading.Event()

    def search() -> None:
        try:
            while not stop.is_set():
                found = ids(get_backend().search(["nelayan"], visibility=ALL))
                assert corpus["fish"] in found
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=search) for _n in range(2)]
    for thread in threads:
        thread.start()
    try:
        for n in range(10):
            indexed_document(f"nelayan {n}", "ikan")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.text(min_size=0, max_size=300), max_size=40),
    st.lists(st.text(max_size=50), max_size=10),
)
def test_any_terms_are_safe(terms, expansions):
    """Whatever reaches the backend, the index answers (or hands over) without an error."""
    if not SearchDocument.objects.exists():
        indexed_document("sampah", "nelayan ikan")
    hits = get_backend().search(terms, expansions=expansions, visibility=PUBLIC)
    assert len(hits) <= 200


def test_searches_go_on_while_this_process_syncs(corpus):
    """A long sync in one thread never holds up the searches of the others: they read the last
    state or go to the database, and a second sync is refused rather than queued."""
    get_backend().search(["sampah"], visibility=ALL)
    index = tantivy_index.index_for_connection()
    assert index._sync_lock.acquire(blocking=False)  # as a background sync would hold it
    try:
        assert tantivy_index.current_reader() is not None  # nothing changed: still current
        new = indexed_document("lumbung pangan", "desa")
        forget_version_checks()
        assert tantivy_index.current_reader() is None  # behind, and the sync is busy
        assert ids(get_backend().search(["lumbung"], visibility=ALL)) == [new.pk]
        with pytest.raises(tantivy_index.Busy):
            index.sync()
    finally:
        index._sync_lock.release()
    assert ids(get_backend().search(["lumbung"], visibility=ALL)) == [new.pk]
    assert answered_by_index()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite file names")
def test_each_database_gets_its_own_directory(monkeypatch, settings, tmp_path):
    settings.SEBAYA_SEARCH_INDEX_DIR = tmp_path
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/a/sebaya.sqlite3")
    first = tantivy_index.index_path()
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/b/sebaya.sqlite3")
    second = tantivy_index.index_path()
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/memory/notes.sqlite3")
    named_memory = tantivy_index.index_path()
    assert first.parent == second.parent == named_memory.parent == tmp_path
    assert first != second
    assert first.name.startswith("sqlite-sebaya-")
    monkeypatch.setitem(connection.settings_dict, "NAME", "file:memorydb_default?mode=memory")
    assert tmp_path not in tantivy_index.index_path().parents  # a directory of this process


def test_a_process_without_the_manifest_in_memory_syncs_in_the_background(corpus, monkeypatch):
    """Reading a large manifest back from disk is slow: a search never waits for it."""
    get_backend().search(["sampah"], visibility=ALL)
    tantivy_index._indexes.clear()  # another process: the manifest is not in its memory
    monkeypatch.setattr(tantivy_index, "INLINE_MANIFEST_ROWS", 1)
    new = indexed_document("embung desa", "air")
    forget_version_checks()
    assert ids(get_backend().search(["embung"], visibility=ALL)) == [new.pk]  # the database
    index = tantivy_index.index_for_connection()
    assert index._background is not None
    index._background.join(timeout=30)
    assert index.holds(tantivy_index.State.read(index.path))
    forget_version_checks()
    assert ids(get_backend().search(["embung"], visibility=ALL)) == [new.pk]
    assert answered_by_index()


def test_one_version_check_serves_every_cache_that_follows_the_index(
    corpus, django_assert_num_queries, monkeypatch
):
    """The vocabularies and the tantivy reader share one answer per CHECK_SECONDS (each used to
    ask on its own), and this process's own write makes the next search ask again."""
    import time

    from sebaya.search.backends import base
    from sebaya.search.backends.base import checked_index_version

    backend = get_backend()
    backend.search(["sampah"], visibility=ALL)
    backend.word_vocabulary()
    backend.vocabulary()
    version = checked_index_version()
    later = time.monotonic() + base.CHECK_SECONDS + 1  # every remembered answer is now due
    monkeypatch.setattr(base.time, "monotonic", lambda: later)
    with django_assert_num_queries(1):
        assert tantivy_index.current_reader() is not None
        backend.word_vocabulary()
        backend.vocabulary()
        assert checked_index_version() == version
    new = indexed_document("rumah singgah", "lansia")
    assert checked_index_version() != version  # asked again at once: this process wrote
    assert ids(backend.search(["singgah"], visibility=ALL)) == [new.pk]
    assert answered_by_index()
