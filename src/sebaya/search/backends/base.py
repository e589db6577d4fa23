"""Lexical backend protocol, the permission labels of a query, the per-process vocabulary cache."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection

from sebaya.accounts.models import Membership
from sebaya.core.sql import id_set_sql

if TYPE_CHECKING:
    from sebaya.search.models import SearchDocument

logger = logging.getLogger(__name__)

# Title terms count three times a body term, in both backends (FTS5 bm25 column weights and the
# PostgreSQL ts_rank_cd A/B weights), so a title match outranks the same word in the body.
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
# Glossary expansions (acronym spelled out, synonym, translation) help recall but are not what
# the user typed: each expanded term scores this fraction of a typed one.
EXPANSION_WEIGHT = 0.4
# A query longer than this is cut: 10,000 characters of text must not become 1,500 MATCH groups.
MAX_TERMS = 32
# Which terms are worth their cost (`scoring_terms`). Both engines score every document a term
# is found in, so a term's cost is its document count, while what it can add to a score is
# bounded by its bm25 idf (times k1 + 1 = 2.2, however often it occurs).
# A typed term below this idf (found in more than ~38 % of the documents) adds at most 1.1 to a
# score where one rare word adds 10 or more: left out unless the query has nothing else.
MIN_TYPED_IDF = 0.5
# Expansions are suggestions: rarest first, none below this idf (found in more than ~27 %),
# and no more than this many documents in all (as many as the rarest few can take).
MIN_EXPANSION_IDF = 1.0
EXPANSION_POSTINGS = 30_000
# bm25's k1 and b, as FTS5 fixes them.
BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class Visibility:
    """Permission labels a search filters on: curators see all, others published + their own."""

    see_all: bool
    organisation_ids: frozenset[int]


PUBLIC = Visibility(see_all=False, organisation_ids=frozenset())


def visibility_for(user: Any) -> Visibility:
    """The labels of what `user` may see; the same rule as `innovation_policy.visible`."""
    # The policy's own curator test, so the two can never disagree on who sees drafts.
    from sebaya.innovations.policies import _is_curator

    if user is None or not getattr(user, "is_authenticated", False):
        return PUBLIC
    if _is_curator(user):
        return Visibility(see_all=True, organisation_ids=frozenset())
    if not user.is_active:
        return PUBLIC
    ids = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    return Visibility(see_all=False, organisation_ids=frozenset(ids))


@dataclass(frozen=True)
class LexicalHit:
    innovation_id: int
    score: float  # higher is better
    matched: frozenset[str]  # the query terms (and expansions) found in the document


class LexicalBackend(Protocol):
    def search(
        self,
        terms: Sequence[str],
        *,
        expansions: Sequence[str] = (),
        visibility: Visibility,
        limit: int = 200,
    ) -> list[LexicalHit]: ...

    def upsert(self, docs: Sequence[SearchDocument]) -> None: ...

    def delete(self, ids: Iterable[int]) -> None: ...

    def clear(self) -> None: ...

    def vocabulary(self) -> dict[str, int]: ...

    def word_vocabulary(self) -> dict[str, int]: ...


def get_backend() -> LexicalBackend:
    """The backend for the database in use: SQLite FTS5 or PostgreSQL full-text search, with the
    tantivy index finding candidates unless settings.SEBAYA_SEARCH_INDEX is "database"."""
    from sebaya.search.backends import tantivy_index

    database = database_backend()
    if tantivy_index.enabled():
        return tantivy_index.AcceleratedBackend(database)
    return database


def database_backend() -> LexicalBackend:
    """The database's own full-text backend: SQLite FTS5 or PostgreSQL full-text search."""
    if connection.vendor == "postgresql":
        from sebaya.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from sebaya.search.backends.sqlite import SqliteBackend

    return SqliteBackend()


def refresh_planner_statistics() -> None:
    """Give SQLite's query planner the table statistics (ANALYZE; 0.2 s at 250,000 practices).

    Without them SQLite guesses that `status = 'published'` picks ten rows and reads every
    published practice to find a search's 200 candidates by id (~20 ms per facet query at
    250,000, against under 1 ms with statistics). Run after bulk indexing; PostgreSQL's
    autovacuum keeps its own statistics.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def query_terms(terms: Sequence[str], expansions: Sequence[str]) -> list[tuple[str, float]]:
    """(term, weight) pairs: typed terms first, then expansions, deduplicated and capped.

    Terms without a letter or digit are dropped: both full-text engines would tokenise them to
    nothing.
    """
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for group, weight in ((terms, 1.0), (expansions, EXPANSION_WEIGHT)):
        for term in group:
            # NUL is text to SQLite but an error to PostgreSQL: never let it reach either.
            term = term.replace("\x00", "").strip().lower()
            if not term or term in seen or not any(ch.isalnum() for ch in term):
                continue
            seen.add(term)
            out.append((term, weight))
    return out[:MAX_TERMS]


def bm25_idf(total: int, frequency: int) -> float:
    """bm25's idf as FTS5 computes it, floored at 1e-6 (never the log of a negative)."""
    if total - frequency > frequency:
        return math.log((total - frequency + 0.5) / (frequency + 0.5))
    return 1e-6


def scoring_terms(
    weighted: Sequence[tuple[str, float]], frequencies: Mapping[str, int], total: int
) -> list[tuple[str, float]]:
    """The (term, weight) pairs that go into the full-text query, in the order given.

    Typed terms: those with an idf of MIN_TYPED_IDF or more; when none has, all the typed terms
    found in the index (a query of common words still finds something). Expansions: those with
    an idf of MIN_EXPANSION_IDF or more, rarest first, while their documents add up to no more
    than EXPANSION_POSTINGS (the rarest one always). Terms left out still count in "why it
    matched"; they are only not scored. On a small catalogue nothing but the commonest words is
    ever left out; at national scale this bounds the cost of a query (see docs/benchmarks.md).
    """
    typed = [(t, w) for t, w in weighted if w == 1.0]
    expansions = [(t, w) for t, w in weighted if w != 1.0]
    keep = {t for t, _w in typed if bm25_idf(total, frequencies.get(t, 0)) >= MIN_TYPED_IDF}
    if not keep:
        keep = {t for t, _w in typed if frequencies.get(t, 0) > 0} or {t for t, _w in typed}
    postings = 0
    for term, _w in sorted(expansions, key=lambda tw: frequencies.get(tw[0], 0)):
        frequency = frequencies.get(term, 0)
        if frequency == 0 or bm25_idf(total, frequency) < MIN_EXPANSION_IDF:
            continue
        if postings and postings + frequency > EXPANSION_POSTINGS:
            break
        postings += frequency
        keep.add(term)
    # Only expansions, all common (a glossary term typed alone): they are all there is.
    return [(t, w) for t, w in weighted if t in keep] or list(weighted)


def bm25_scores(
    texts: Mapping[int, tuple[str, str]],
    weighted: Sequence[tuple[str, float]],
    frequencies: Mapping[str, int],
    total: int,
    average_length: float,
) -> dict[int, tuple[float, frozenset[str]]]:
    """Each document's bm25 over all the weighted terms, computed as FTS5's bm25() does, and the
    terms it holds.

    `texts` are analysed (title, body) pairs: terms separated by single spaces, so a split is
    the tokenizer's answer. Per term: idf x tf x (k1 + 1) / (tf + k1 x (1 - b + b x D / avgD)),
    tf counting title occurrences TITLE_WEIGHT times, D the document's length in terms; times
    the term's weight (EXPANSION_WEIGHT for expansions). Summed over every term, also those
    `scoring_terms` left out of the full-text query, so candidates found by either list are
    ranked on the same complete score.
    """
    factors = {
        term: weight * bm25_idf(total, frequencies[term])
        for term, weight in weighted
        if frequencies.get(term, 0) > 0
    }
    wanted = {term for term, _w in weighted}
    average = average_length or 1.0
    scores: dict[int, tuple[float, frozenset[str]]] = {}
    for rowid, (title, body) in texts.items():
        title_terms = title.split()
        body_terms = body.split()
        present = wanted.intersection(title_terms)
        present.update(wanted.intersection(body_terms))
        score = 0.0
        if present:
            norm = BM25_K1 * (1 - BM25_B + BM25_B * (len(title_terms) + len(body_terms)) / average)
            for term in present:
                factor = factors.get(term)
                if factor:
                    tf = TITLE_WEIGHT * title_terms.count(term) + BODY_WEIGHT * body_terms.count(
                        term
                    )
                    score += factor * tf * (BM25_K1 + 1) / (tf + norm)
        scores[rowid] = (score, frozenset(present))
    return scores


# Local writes bump this, so the process that changed the index sees its own change at once;
# other processes notice through the version query, checked at most every CHECK_SECONDS.
_generation = 0
_generation_lock = threading.Lock()
CHECK_SECONDS = 2.0


def index_changed() -> None:
    """Called by the backends after every write to the index."""
    global _generation
    with _generation_lock:
        _generation += 1


def index_version() -> tuple[int, str]:
    """A cheap fingerprint of the index: document count and the newest indexed_at."""
    with connection.cursor() as cursor:
        # Two subqueries: each is answered from an index (1-2 ms at 250,000 documents on
        # SQLite), where the combined aggregate scans the table (~18 ms).
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM search_searchdocument),"
            " (SELECT MAX(indexed_at) FROM search_searchdocument)"
        )
        count, newest = cursor.fetchone()
    return int(count), str(newest)


def _database_key() -> str:
    return f"{connection.alias}:{connection.vendor}:{connection.settings_dict['NAME']}"


# The last answer of index_version() per database: (when, this process's generation, version).
_version_checks: dict[str, tuple[float, int, tuple[int, str]]] = {}


def checked_index_version() -> tuple[int, str]:
    """index_version() asked of the database at most every CHECK_SECONDS by this process, one
    answer shared by every cache that follows the index (the vocabularies, the tantivy reader);
    asked again at once after this process's own writes, and always inside a transaction, where
    the rows may hold changes a rollback would undo."""
    if not connection.in_atomic_block:
        found = _version_checks.get(_database_key())
        if (
            found is not None
            and found[1] == _generation
            and time.monotonic() - found[0] < CHECK_SECONDS
        ):
            return found[2]
    return fresh_index_version()


def fresh_index_version() -> tuple[int, str]:
    """index_version() asked now, and remembered for the checks that follow (outside a
    transaction), so a cache built from it is not thought stale by an older answer."""
    generation = _generation
    version = index_version()
    if not connection.in_atomic_block:
        _version_checks[_database_key()] = (time.monotonic(), generation, version)
    return version


def forget_version_checks() -> None:
    """Ask the database again at the next check (after writes no backend saw, e.g. in tests)."""
    _version_checks.clear()


def index_generation() -> int:
    """How many times this process has written to the lexical index (for caches that follow it)."""
    return _generation


@dataclass
class _Entry:
    generation: int
    version: tuple[int, str]
    seconds: float  # how long the value took to build
    value: Any


# A rebuild that took longer than this runs in a background thread next time, while the old
# value keeps serving: at 100,000 documents PostgreSQL's ts_stat takes seconds, which no search
# should wait for. Quick rebuilds (small indexes, tests) stay inline and exact.
INLINE_REBUILD_SECONDS = 0.2
_refresh_thread = threading.local()


class VersionedCache:
    """Values derived from the whole index (vocabularies), rebuilt when the index changes."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._refreshing: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def get(self, name: str, build: Callable[[], Any]) -> Any:
        key = (_database_key(), name)
        entry = self._entries.get(key)
        if entry is None:
            return self._build(key, build)
        if entry.generation == _generation and checked_index_version() == entry.version:
            return entry.value
        inline = (
            entry.seconds < INLINE_REBUILD_SECONDS
            or connection.in_atomic_block
            or getattr(_refresh_thread, "active", False)
        )
        if inline:
            return self._build(key, build)
        with self._lock:
            if key in self._refreshing:
                return entry.value
            self._refreshing.add(key)
        threading.Thread(target=self._refresh, args=(key, build), daemon=True).start()
        return entry.value

    def _build(self, key: tuple[str, str], build: Callable[[], Any]) -> Any:
        generation = _generation
        version = fresh_index_version()
        started = time.monotonic()
        value = build()
        done = time.monotonic()
        with self._lock:
            self._entries[key] = _Entry(generation, version, done - started, value)
        return value

    def _refresh(self, key: tuple[str, str], build: Callable[[], Any]) -> None:
        _refresh_thread.active = True  # values this build reads are rebuilt inline, not stale
        try:
            self._build(key, build)
        except Exception:
            logger.exception("rebuilding the search vocabulary %s failed", key[1])
        finally:
            with self._lock:
                self._refreshing.discard(key)
            connection.close()  # this thread's own connection

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


vocabulary_cache = VersionedCache()


CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def visible_texts(
    cursor: Any, rowids: Sequence[int], visibility: Visibility
) -> dict[int, tuple[str, str]]:
    """The analysed (title, body) of the documents among `rowids` that the permission labels
    allow: what `bm25_scores` ranks on and "why it matched" reads (plain SQL, both databases)."""
    where = ""
    labels: list[Any] = []
    if not visibility.see_all:
        orgs = sorted(visibility.organisation_ids)
        if orgs:
            org_marks = ", ".join(["%s"] * len(orgs))
            where = f" AND (is_published OR organisation_id IN ({org_marks}))"
            labels = list(orgs)
        else:
            where = " AND is_published"
    if not rowids:
        return {}
    # The ids as one parameter (core.sql.id_set_sql): no placeholder per id to prepare.
    ids_sql, ids_params = id_set_sql(rowids)
    cursor.execute(
        "SELECT innovation_id, title, body FROM search_searchdocument "  # noqa: S608
        f"WHERE innovation_id IN ({ids_sql}){where}",
        [*ids_params, *labels],
    )
    return {rowid: (title, body) for rowid, title, body in cursor.fetchall()}


def save_documents(docs: Sequence[SearchDocument]) -> None:
    """Insert or update index documents (the table both backends index)."""
    from sebaya.search.models import SearchDocument

    SearchDocument.objects.bulk_create(
        docs,
        update_conflicts=True,
        unique_fields=["innovation"],
        update_fields=[
            "title",
            "body",
            "words",
            "is_published",
            "organisation_id",
            "content_hash",
            "indexed_at",
        ],
    )
