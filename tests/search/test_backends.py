"""Lexical backends: ranking, permission labels, hostile terms, vocabularies (on the DB in use)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sebaya.search.analysis import analyse_query
from sebaya.search.backends import Visibility, get_backend, visibility_for
from sebaya.search.backends.base import MAX_TERMS, PUBLIC, query_terms
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
    """SQLite gets FTS5, PostgreSQL its own full-text search."""
    expected = PostgresBackend if connection.vendor == "postgresql" else SqliteBackend
    assert isinstance(get_backend(), expected)


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
