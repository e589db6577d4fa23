"""Lexical backends: ranking, permission labels, hostile terms, vocabularies (on the DB in use)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sebaya.search.analysis import analyse_query
from sebaya.search.backends import Visibility, base, get_backend, visibility_for
from sebaya.search.backends.base import (
    EXPANSION_WEIGHT,
    MAX_TERMS,
    PUBLIC,
    bm25_scores,
    database_backend,
    query_terms,
    scoring_terms,
    visible_texts,
)
from sebaya.search.backends.postgres import PostgresBackend
from sebaya.search.backends.sqlite import SqliteBackend, fts_phrase
from sebaya.search.models import SearchDocument
from tests.accounts.factories import CuratorFactory, MembershipFactory, OrganisationFactory
from tests.search.factories import indexed_document

pytestmark = pytest.mark.django_db

ALL = Visibility(see_all=True, organisation_ids=frozenset())


def ids(hits):
    return [hit.innovation_id for hit in hits]


@pytest.fixture
def corpus():
    """A small corpus whose expected order is the same under bm25 and idf x ts_rank_cd."""
    docs = {
        "bank": indexed_document("sampah bank", "kelola sekolah"),
        "school": indexed_document("sekolah sehat", "sampah pilah warga"),
        "water": indexed_document("air bersih", "sampah sungai warga desa"),
        "fish": indexed_document("pasar ikan", "nelayan tangkap"),
        "catch": indexed_document("kapal", "nelayan ikan laut"),
        "coast": indexed_document("pantai", "nelayan pasir laut"),
        "rare": indexed_document("satu", "kata langka"),
        "common": indexed_document("dua", "kata umum"),
        "compost": indexed_document("tiga", "kompos organik"),
        "fertiliser": indexed_document("empat", "pupuk organik"),
    }
    for n in range(3):
        indexed_document(f"lain{n}", "umum isian")
    return {name: innovation.pk for name, innovation in docs.items()}


def test_backend_follows_the_database():
    """SQLite gets FTS5, PostgreSQL its own full-text search (under the tantivy index, which
    these tests never reach: they run inside a transaction; see test_tantivy_index.py)."""
    expected = PostgresBackend if connection.vendor == "postgresql" else SqliteBackend
    assert isinstance(database_backend(), expected)
    assert isinstance(get_backend().database, expected)  # type: ignore[attr-defined]


def test_title_match_ranks_above_body_match(corpus):
    """The same word in the title outranks it in a body; shorter bodies outrank longer ones."""
    hits = get_backend().search(["sampah"], visibility=ALL)
    assert ids(hits) == [corpus["bank"], corpus["school"], corpus["water"]]
    assert all(hit.matched == frozenset({"sampah"}) for hit in hits)
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_more_query_terms_matched_rank_higher(corpus):
    hits = get_backend().search(["nelayan", "ikan"], visibility=ALL)
    assert ids(hits)[0] in {corpus["fish"], corpus["catch"]}
    assert ids(hits).index(corpus["catch"]) < ids(hits).index(corpus["coast"])
    by_id = {hit.innovation_id: hit for hit in hits}
    assert by_id[corpus["catch"]].matched == frozenset({"nelayan", "ikan"})
    assert by_id[corpus["coast"]].matched == frozenset({"nelayan"})


def test_rare_terms_weigh_more_than_common_ones(corpus):
    hits = get_backend().search(["langka", "umum"], visibility=ALL)
    assert ids(hits)[0] == corpus["rare"]
    assert corpus["common"] in ids(hits)


def test_expansions_match_but_rank_below_typed_terms(corpus):
    hits = get_backend().search(["kompos"], expansions=["pupuk"], visibility=ALL)
    assert ids(hits) == [corpus["compost"], corpus["fertiliser"]]
    assert hits[1].matched == frozenset({"pupuk"})


def test_unknown_terms_limit_and_empty_queries(corpus):
    backend = get_backend()
    assert backend.search(["takada"], visibility=ALL) == []
    assert backend.search([], visibility=ALL) == []
    assert backend.search(["sampah"], visibility=ALL, limit=0) == []
    assert len(backend.search(["sampah"], visibility=ALL, limit=2)) == 2


def test_query_terms_are_deduplicated_and_capped():
    terms = [f"kata{n}" for n in range(100)]
    weighted = query_terms([*terms, "kata1"], ["kata2", "lain"])
    assert len(weighted) == MAX_TERMS
    assert [t for t, _ in weighted] == terms[:MAX_TERMS]
    assert query_terms(["a\x00b", "", "  ", "!!"], []) == [("ab", 1.0)]


def test_drafts_only_for_their_organisation_and_curators():
    owner = OrganisationFactory()
    other = OrganisationFactory()
    draft = indexed_document("draf rahasia", published=False, organisation_id=owner.pk)
    published = indexed_document("terbit rahasia", organisation_id=other.pk)
    backend = get_backend()

    def found(visibility):
        return set(ids(backend.search(["rahasia"], visibility=visibility)))

    member = MembershipFactory(organisation=owner).user
    outsider = MembershipFactory(organisation=other).user
    assert found(visibility_for(AnonymousUser())) == {published.pk}
    assert found(visibility_for(None)) == {published.pk}
    assert found(visibility_for(outsider)) == {published.pk}
    assert found(visibility_for(member)) == {draft.pk, published.pk}
    assert found(visibility_for(CuratorFactory())) == {draft.pk, published.pk}


def test_visibility_mirrors_the_policy():
    org = OrganisationFactory()
    member = MembershipFactory(organisation=org).user
    assert visibility_for(member) == Visibility(False, frozenset({org.pk}))
    assert visibility_for(CuratorFactory()).see_all
    member.is_active = False
    assert visibility_for(member) == PUBLIC


HOSTILE = [
    '"',
    '""',
    'sampah" OR "',
    "NEAR(sampah bank)",
    "sampah*",
    "^sampah",
    "title:sampah",
    "{title body}:sampah",
    "sampah AND NOT",
    "OR",
    "(",
    "'; DROP TABLE search_searchdocument; --",
    "!!:&|<->",
    "😀",
    "a" * 10_000,
    "\x00",
    "\\",
    "%s",
    "%(x)s",
]


@pytest.mark.parametrize("term", HOSTILE)
def test_hostile_terms_never_raise(corpus, term):
    backend = get_backend()
    backend.search([term], expansions=[term], visibility=PUBLIC)
    analysed = analyse_query(term)
    backend.search(analysed.terms, expansions=analysed.expansions, visibility=PUBLIC)
    assert SearchDocument.objects.count() == 13


def test_fts_phrase_quotes_everything():
    assert fts_phrase('a"b') == '"a""b"'


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_query_text_is_safe(corpus, text):
    analysed = analyse_query(text)
    hits = get_backend().search(analysed.terms, expansions=analysed.expansions, visibility=PUBLIC)
    assert all(hit.score >= 0 for hit in hits)


def test_vocabulary_counts_documents_and_follows_changes(corpus):
    backend = get_backend()
    vocabulary = backend.vocabulary()
    assert vocabulary["sampah"] == 3
    assert vocabulary["nelayan"] == 3
    assert vocabulary["umum"] == 4
    assert "baru" not in vocabulary
    extra = indexed_document("baru", "sampah", words="barunya sampahnya")
    assert backend.vocabulary()["sampah"] == 4
    assert backend.vocabulary()["baru"] == 1
    assert backend.word_vocabulary()["barunya"] == 1
    backend.delete([extra.pk])
    assert "baru" not in backend.vocabulary()
    assert "barunya" not in backend.word_vocabulary()
    assert backend.search(["baru"], visibility=ALL) == []


def test_upsert_replaces_and_clear_empties(corpus):
    backend = get_backend()
    doc = SearchDocument.objects.get(pk=corpus["bank"])
    doc.title = "gedung"
    backend.upsert([doc])
    assert corpus["bank"] not in ids(backend.search(["bank"], visibility=ALL))
    assert ids(backend.search(["gedung"], visibility=ALL)) == [corpus["bank"]]
    backend.clear()
    assert SearchDocument.objects.count() == 0
    assert backend.search(["sampah"], visibility=ALL) == []
    assert backend.vocabulary() == {}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 tables exist on SQLite only")
def test_orphan_fts_rows_are_purged(corpus):
    """A flush that empties only Django's tables leaves FTS rows; migrate's signal drops them."""
    backend = SqliteBackend()
    SearchDocument.objects.filter(pk=corpus["bank"]).delete()
    assert "bank" in backend.vocabulary()
    assert backend.purge_orphans() == 2
    assert "bank" not in backend.vocabulary()
    assert backend.purge_orphans() == 0


@pytest.mark.django_db(transaction=True)
def test_slow_vocabulary_rebuilds_in_the_background(monkeypatch):
    """Outside a transaction, a rebuild that was slow serves the old value while a thread
    rebuilds; quick rebuilds stay inline."""
    from sebaya.search.backends import base

    cache = base.VersionedCache()
    builds = []

    def build():
        builds.append(SearchDocument.objects.count())
        return builds[-1]

    assert cache.get("n", build) == 0
    indexed_document("satu")
    assert cache.get("n", build) == 1  # quick: rebuilt inline
    monkeypatch.setattr(base, "INLINE_REBUILD_SECONDS", -1.0)
    indexed_document("dua")
    value = cache.get("n", build)
    assert value in (1, 2)  # the old value, unless the thread was already done
    for _ in range(1000):
        if not cache._refreshing:
            break
        threading.Event().wait(0.01)
    assert cache.get("n", build) == 2


# Which terms go into the full-text query, and the complete bm25 the candidates are ranked on.


def test_common_typed_terms_are_left_out_unless_nothing_else():
    frequencies = {"rare": 5, "common": 600, "ubiquitous": 900}
    weighted = [("rare", 1.0), ("common", 1.0), ("ubiquitous", 1.0)]
    assert scoring_terms(weighted, frequencies, 1000) == [("rare", 1.0)]
    # Only common words: they are all the query has, so they stay.
    only_common = [("common", 1.0), ("ubiquitous", 1.0)]
    assert scoring_terms(only_common, frequencies, 1000) == only_common
    # An unknown word costs nothing and is kept with the others.
    assert scoring_terms([("nowhere", 1.0), ("rare", 1.0)], frequencies, 1000) == [
        ("nowhere", 1.0),
        ("rare", 1.0),
    ]


def test_expansions_are_capped_rarest_first(monkeypatch):
    monkeypatch.setattr(base, "EXPANSION_POSTINGS", 100)
    frequencies = {"typed": 3, "a": 60, "b": 30, "c": 50, "d": 400, "e": 5}
    weighted = [("typed", 1.0), *((t, EXPANSION_WEIGHT) for t in "abcde")]
    kept = scoring_terms(weighted, frequencies, 1000)
    # e (5) and b (30) and c (50) fit into 100 documents in that order; a (60) would not; d (400)
    # is too common (idf below MIN_EXPANSION_IDF) whatever the budget. The given order is kept.
    assert kept == [
        ("typed", 1.0),
        ("b", EXPANSION_WEIGHT),
        ("c", EXPANSION_WEIGHT),
        ("e", EXPANSION_WEIGHT),
    ]
    # The rarest expansion always gets in, even alone over the budget.
    monkeypatch.setattr(base, "EXPANSION_POSTINGS", 1)
    assert scoring_terms(weighted, frequencies, 1000)[1:] == [("e", EXPANSION_WEIGHT)]
    # Expansions alone (a glossary term typed by itself, all of them common): all stay.
    common_only = [("d", EXPANSION_WEIGHT)]
    assert scoring_terms(common_only, frequencies, 1000) == common_only


def test_terms_left_out_of_the_query_still_rank_and_explain(monkeypatch):
    """A common word is not searched for, but a practice holding it still scores it: of two
    practices with the rare word, the one that also has the common word ranks first."""
    both = indexed_document("judul", "langka biasa isi")
    rare_only = indexed_document("judul", "langka lain isi")
    for n in range(4):
        indexed_document(f"lain{n}", "biasa isi")
    monkeypatch.setattr(base, "MIN_TYPED_IDF", 10.0)  # "biasa" and "langka" both left out...
    hits = get_backend().search(["langka", "biasa"], visibility=ALL)
    assert ids(hits)[:2] == [both.pk, rare_only.pk]  # ...unless nothing else: both searched
    monkeypatch.setattr(base, "MIN_TYPED_IDF", 0.5)  # only "biasa" (5 of 6) left out
    hits = get_backend().search(["langka", "biasa"], visibility=ALL)
    assert ids(hits) == [both.pk, rare_only.pk]
    assert hits[0].matched == frozenset({"langka", "biasa"})
    assert hits[1].matched == frozenset({"langka"})
    assert hits[0].score > hits[1].score


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's bm25 exists on SQLite only")
def test_bm25_in_python_is_fts5s(corpus):
    """The candidates' scores are FTS5's own bm25 over the same terms, to the last digits."""
    backend = SqliteBackend()
    total, frequencies, average = backend.statistics()
    terms = ["sampah", "nelayan", "laut", "umum", "organik"]
    match = " OR ".join(fts_phrase(t) for t in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, -bm25(search_fts, 3.0, 1.0) FROM search_fts WHERE search_fts MATCH %s",
            [match],
        )
        expected = dict(cursor.fetchall())
        texts = visible_texts(cursor, list(expected), ALL)
    scores = bm25_scores(texts, [(t, 1.0) for t in terms], frequencies, total, average)
    assert set(scores) == set(expected)
    for rowid, score in expected.items():
        assert scores[rowid][0] == pytest.approx(score, rel=1e-12)
    assert average == pytest.approx(
        sum(len(f"{d.title} {d.body}".split()) for d in SearchDocument.objects.all()) / total
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own cache")
def test_postgres_document_counts_follow_the_index(corpus):
    from sebaya.search.backends.postgres import document_frequencies

    total, counts = document_frequencies(["sampah", "umum", "takada"])
    assert (total, counts["sampah"], counts["umum"], counts["takada"]) == (13, 3, 4, 0)
    indexed_document("sampah", "baru")
    total, counts = document_frequencies(["sampah"])
    assert (total, counts["sampah"]) == (14, 4)
