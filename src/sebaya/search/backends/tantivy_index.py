"""Tantivy beside the database: the lexical search's candidates at national scale.

Both database engines score every document that holds a searched word; at 250,000 practices
that is tens of thousands of bm25 evaluations for one common word, 0.2-3 s a query (decision
0005). Tantivy keeps each term's postings in blocks with their best possible score (block-max
WAND), so it finds the best few hundred documents of a query without scoring the rest: 1-5 ms
at 250,000 on the 2-core development machine (decision 0006).

The database stays the truth. This index is derived data in a directory (settings
`SEBAYA_SEARCH_INDEX_DIR`, one sub-directory per database), brought up to date from the
SearchDocument rows by whichever process first notices they changed (a pull, so every write path
is covered: services, imports, the admin, a restore; and each app server keeps its own copy). It
is used only while it holds exactly the rows' current version; otherwise, inside a transaction,
or on any error, the database backend answers, as it always did. It finds candidates; ranking,
permission labels and "why it matched" still come from the rows (`AcceleratedBackend`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db import connection

from sebaya.search.backends.base import (
    TITLE_WEIGHT,
    LexicalHit,
    Visibility,
    bm25_scores,
    checked_index_version,
    fresh_index_version,
    query_terms,
    visible_texts,
)

if TYPE_CHECKING:
    from sebaya.search.backends.base import LexicalBackend

logger = logging.getLogger(__name__)

FORMAT = 1  # raised when the schema or what is indexed changes: older directories are rebuilt
FIELD = "text"
TOKENIZER = "sebaya_terms"
STATE_FILE = "sebaya-state.json"
MANIFEST_FILE = "sebaya-manifest.npy"
# Rows changed since the last sync are found by their indexed_at, read from a little before the
# newest one synced: a transaction that stamped its rows earlier but committed later is still
# caught if it committed within this many seconds.
OVERLAP_SECONDS = 300
# Every id and stamp is compared (deletions, and anything the overlap missed) when the counts
# disagree, and at least this often.
FULL_CHECK_SECONDS = 3600
# A search waits for a sync of at most this many rows (tens of milliseconds); a larger one runs
# in a background thread while the database answers.
INLINE_SYNC_ROWS = 2_000
INLINE_MANIFEST_ROWS = 20_000
READ_CHUNK = 2_000
WRITER_HEAP_BYTES = 50_000_000


def _index_failure(exc: BaseException) -> bool:
    """Failures the database answers for: any Exception, and a panic inside tantivy (pyo3 raises
    those as PanicException, a BaseException, so `except Exception` alone would let them out)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def enabled() -> bool:
    return str(getattr(settings, "SEBAYA_SEARCH_INDEX", "tantivy")).lower() == "tantivy"


_memory_dirs: dict[str, Path] = {}


def index_path() -> Path:
    """This database's index directory: one per database, so a test database, the benchmark's
    and the site's never share one. An in-memory database gets a temporary directory of its own
    process, removed at exit."""
    name = str(connection.settings_dict.get("NAME") or "")
    identity = "|".join(
        str(part)
        for part in (
            connection.vendor,
            connection.settings_dict.get("HOST") or "",
            connection.settings_dict.get("PORT") or "",
            name,
        )
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    if connection.vendor == "sqlite" and (not name or name == ":memory:" or "mode=memory" in name):
        if identity not in _memory_dirs:
            _memory_dirs[identity] = Path(tempfile.mkdtemp(prefix="sebaya-search-index-"))
        return _memory_dirs[identity] / digest
    label = "".join(ch if ch.isalnum() else "-" for ch in Path(name).stem)[:40] or "db"
    return Path(settings.SEBAYA_SEARCH_INDEX_DIR) / f"{connection.vendor}-{label}-{digest}"


def _remove_memory_dirs() -> None:
    for path in _memory_dirs.values():
        shutil.rmtree(path, ignore_errors=True)


atexit.register(_remove_memory_dirs)


def _stamp(value: dt.datetime | str) -> int:
    """indexed_at as microseconds since the epoch (SQLite may hand back text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp() * 1_000_000)


def document_text(title: str, body: str) -> str:
    """What the index holds for a row: the analysed title three times, then the body, so a term's
    frequency counts title occurrences as the database engines weight them."""
    return " ".join([title] * int(TITLE_WEIGHT) + [body])


def document_length(title: str, body: str) -> int:
    """The row's length in terms, as FTS5 counts it for bm25 (title and body once each)."""
    return len(title.split()) + len(body.split())


@dataclass(frozen=True)
class State:
    """What the directory holds, written after each commit: the rows' version it matches."""

    format: int
    version: tuple[int, str]
    watermark: int  # the newest indexed_at synced, in microseconds
    count: int
    length_total: int
    full_at: float  # when every id and stamp was last compared (epoch seconds)

    @classmethod
    def read(cls, path: Path) -> State | None:
        try:
            data = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
            return cls(
                format=int(data["format"]),
                version=(int(data["version"][0]), str(data["version"][1])),
                watermark=int(data["watermark"]),
                count=int(data["count"]),
                length_total=int(data["length_total"]),
                full_at=float(data["full_at"]),
            )
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def write(self, path: Path) -> None:
        data = {
            "format": self.format,
            "version": list(self.version),
            "watermark": self.watermark,
            "count": self.count,
            "length_total": self.length_total,
            "full_at": self.full_at,
        }
        temporary = path / (STATE_FILE + ".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, path / STATE_FILE)


class Manifest:
    """Each indexed row's id, stamp and length: what a sync compares with the database."""

    def __init__(self, rows: dict[int, tuple[int, int]]) -> None:
        self.rows = rows  # id -> (stamp, length)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            array = np.load(path / MANIFEST_FILE)
        except (OSError, ValueError):
            return cls({})
        if array.size == 0:
            return cls({})
        ids, stamps, lengths = (array[:, k].tolist() for k in range(3))
        return cls(dict(zip(ids, zip(stamps, lengths, strict=True), strict=True)))

    def write(self, path: Path) -> None:
        n = len(self.rows)
        array = np.empty((n, 3), dtype=np.int64)
        array[:, 0] = np.fromiter(self.rows.keys(), dtype=np.int64, count=n)
        array[:, 1:] = np.fromiter(
            itertools.chain.from_iterable(self.rows.values()), dtype=np.int64, count=2 * n
        ).reshape(n, 2)
        temporary = path / (MANIFEST_FILE + ".tmp.npy")
        np.save(temporary, array)
        os.replace(temporary, path / MANIFEST_FILE)

    @property
    def length_total(self) -> int:
        return sum(n for _s, n in self.rows.values())


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=False, indexed=True, fast=True)
    builder.add_text_field(FIELD, stored=False, tokenizer_name=TOKENIZER, index_option="freq")
    return builder.build()


def _register_tokenizer(index: Any) -> None:
    import tantivy

    # Analysed text is already terms separated by spaces (the same split bm25_scores makes).
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.remove_long(255))
        .build()
    )
    index.register_tokenizer(TOKENIZER, analyzer)


class Busy(Exception):
    """Another process (or thread) holds the index writer."""


@dataclass
class SyncReport:
    added: int
    removed: int
    full: bool
    seconds: float


class TantivyIndex:
    """One database's directory: the reader a process searches, and the sync that writes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._index: Any = None
        self._schema: Any = None
        self._searcher: Any = None
        self._state: State | None = None
        self._frequencies: dict[str, int] = {}
        self._lock = threading.RLock()
        self._sync_lock = threading.Lock()
        self._background: threading.Thread | None = None
        self._kept: tuple[State, Manifest] | None = None

    # -- opening ------------------------------------------------------------------------------

    def _open(self, *, create: bool) -> Any:
        import tantivy

        if self._index is not None:
            return self._index
        state = State.read(self.path)
        if state is not None and state.format != FORMAT:
            if not create:
                return None
            shutil.rmtree(self.path, ignore_errors=True)
        if self.path.is_dir() and tantivy.Index.exists(str(self.path)):
            index = tantivy.Index.open(str(self.path))
        elif create:
            self.path.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(_schema(), path=str(self.path))
        else:
            return None
        _register_tokenizer(index)
        self._index = index
        self._schema = index.schema
        return index

    # -- reading ------------------------------------------------------------------------------

    def reader(self, version: tuple[int, str]) -> Reader | None:
        """A searcher over the directory when it holds exactly `version` of the rows."""
        with self._lock:
            # Read every time (a small file, ~30 us): two syncs within one tick of the file
            # system's clock leave the same mtime.
            state = State.read(self.path)
            if state is None or state.format != FORMAT:
                return None
            if state != self._state:
                try:
                    index = self._open(create=False)
                except ValueError:
                    return None  # unreadable: the next sync rebuilds it
                if index is None:
                    return None
                index.reload()
                self._searcher = index.searcher()
                self._state = state
                self._frequencies = {}
            state = self._state
            if state is None or self._searcher is None or state.version != version:
                return None
            return Reader(self, self._searcher, state)

    def frequency(self, searcher: Any, term: str) -> int:
        """Live documents holding `term` (tantivy's doc_freq also counts replaced ones until
        their segment merges), counted once per searcher."""
        import tantivy

        with self._lock:
            if searcher is not self._searcher:
                self._frequencies = {}
            known = self._frequencies.get(term)
        if known is not None:
            return known
        query = tantivy.Query.term_query(self._schema, FIELD, term)
        count = int(searcher.search(query, 1, count=True).count or 0)
        with self._lock:
            if searcher is self._searcher:
                self._frequencies[term] = count
        return count

    # -- writing ------------------------------------------------------------------------------

    def pending_rows(self, state: State | None) -> int:
        """About how many rows a sync would read: all of them without a state."""
        from sebaya.search.models import SearchDocument

        if state is None:
            return SearchDocument.objects.count()
        since = _datetime(state.watermark - OVERLAP_SECONDS * 1_000_000)
        changed = SearchDocument.objects.filter(indexed_at__gte=since).count()
        return changed + abs(SearchDocument.objects.count() - state.count)

    def sync(self, *, full: bool = False, rebuild: bool = False) -> SyncReport:
        """Bring the directory to the rows' current version. Raises Busy when another writer
        holds it. `full` compares every id and stamp; `rebuild` starts from an empty index."""
        import tantivy

        from sebaya.search.models import SearchDocument

        started = time.monotonic()
        # Not self._lock, which readers take: a sync of many rows takes seconds, and searches in
        # other threads of this process must go on (on the database) meanwhile.
        if not self._sync_lock.acquire(blocking=False):
            raise Busy("this process is already syncing the index")
        try:
            with self._lock:
                try:
                    index = self._open(create=True)
                except ValueError:
                    # Unreadable (half-copied, foreign): it is derived data, start over.
                    logger.warning("the search index at %s is unreadable; rebuilding", self.path)
                    self._index = None
                    shutil.rmtree(self.path, ignore_errors=True)
                    index = self._open(create=True)
                    rebuild = True
            try:
                writer = index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as exc:
                raise Busy(str(exc)) from exc
            try:
                state = None if rebuild else State.read(self.path)
                if state is not None and state.format != FORMAT:
                    state = None
                manifest = Manifest({}) if state is None else self._manifest(state)
                self._kept = None  # mutated below: kept again only once written
                if state is None:
                    writer.delete_all_documents()
                # Read before the rows: anything written meanwhile makes the next check differ.
                version = fresh_index_version()
                full = (
                    full
                    or state is None
                    or time.time() - state.full_at > FULL_CHECK_SECONDS
                    or version[0] != state.count
                )
                rows = manifest.rows
                removed: list[int] = []
                changed: list[int] = []
                if not full:
                    watermark = state.watermark if state is not None else 0
                    since = _datetime(watermark - OVERLAP_SECONDS * 1_000_000)
                    changed = [
                        pk
                        for pk, at in SearchDocument.objects.filter(
                            indexed_at__gte=since
                        ).values_list("innovation_id", "indexed_at")
                        if rows.get(pk, (None,))[0] != _stamp(at)
                    ]
                    # Rows gone (or added behind the watermark): only a full comparison finds them.
                    full = len(rows.keys() | set(changed)) != version[0]
                if full:
                    current = {
                        pk: _stamp(at)
                        for pk, at in SearchDocument.objects.values_list(
                            "innovation_id", "indexed_at"
                        ).iterator(chunk_size=10_000)
                    }
                    removed = [pk for pk in rows if pk not in current]
                    changed = [pk for pk, at in current.items() if rows.get(pk, (None,))[0] != at]
                for pk in removed:
                    writer.delete_documents_by_term("id", pk)
                    del rows[pk]
                added = 0
                for start in range(0, len(changed), READ_CHUNK):
                    chunk = changed[start : start + READ_CHUNK]
                    for pk, title, body, at in SearchDocument.objects.filter(
                        pk__in=chunk
                    ).values_list("innovation_id", "title", "body", "indexed_at"):
                        if state is not None:
                            writer.delete_documents_by_term("id", pk)
                        writer.add_document(
                            tantivy.Document(id=pk, **{FIELD: document_text(title, body)})
                        )
                        rows[pk] = (_stamp(at), document_length(title, body))
                        added += 1
                    # Deleted between the two reads: the next sync sees the count differ.
                watermark = max((s for s, _n in rows.values()), default=0)
                if changed or removed or state is None:
                    writer.commit()
                    writer.wait_merging_threads()
                else:
                    writer.rollback()
                writer = None
                if full or changed or removed:
                    manifest.write(self.path)
                if len(rows) != version[0]:
                    # Rows came or went between the reads: not this version; the next check
                    # differs and syncs again.
                    version = (-1, "")
                written = State(
                    format=FORMAT,
                    version=version,
                    watermark=max(watermark, state.watermark if state else 0),
                    count=len(rows),
                    length_total=manifest.length_total,
                    full_at=time.time() if full else (state.full_at if state else 0.0),
                )
                written.write(self.path)
                self._kept = (written, manifest)
            finally:
                # Dropping the writer releases the lock (also after an error).
                del writer
            return SyncReport(added, len(removed), full, time.monotonic() - started)
        finally:
            self._sync_lock.release()

    def holds(self, state: State) -> bool:
        """Whether this process wrote `state` and still has its manifest in memory."""
        kept = self._kept
        return kept is not None and kept[0] == state

    def _manifest(self, state: State) -> Manifest:
        """The manifest on disk, or the copy this process wrote with that same state (reading
        250,000 rows back costs ~0.2 s, too much for a sync a search waits for)."""
        if self._kept is not None and self._kept[0] == state:
            return self._kept[1]
        return Manifest.read(self.path)

    def sync_in_background(self) -> None:
        """A large sync (first build, a bulk import) in a thread of this process, once."""
        with self._lock:
            if self._background is not None and self._background.is_alive():
                return
            thread = threading.Thread(target=self._background_sync, daemon=True)
            self._background = thread
        thread.start()

    def _background_sync(self) -> None:
        try:
            report = self.sync()
            logger.info(
                "search index synced in the background: %s added, %s removed in %.1f s",
                report.added,
                report.removed,
                report.seconds,
            )
        except Busy:
            pass
        except BaseException as exc:
            if not _index_failure(exc):
                raise
            logger.exception("syncing the search index in the background failed")
        finally:
            connection.close()


def _datetime(microseconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(max(microseconds, 0) / 1_000_000, tz=dt.UTC)


@dataclass
class Reader:
    index: TantivyIndex
    searcher: Any
    state: State

    def search(
        self, weighted: Sequence[tuple[str, float]], visibility: Visibility, limit: int
    ) -> list[LexicalHit]:
        """The best `limit` documents `visibility` allows, ranked on bm25 over every term exactly
        as the database backends rank (`bm25_scores`), from tantivy's best candidates."""
        import tantivy

        schema = self.index._schema
        frequencies = {term: self.index.frequency(self.searcher, term) for term, _w in weighted}
        clauses = []
        for term, weight in weighted:
            if not frequencies[term]:
                continue
            query = tantivy.Query.term_query(schema, FIELD, term)
            if weight != 1.0:
                query = tantivy.Query.boost_query(query, weight)
            clauses.append((tantivy.Occur.Should, query))
        if not clauses:
            return []
        query = tantivy.Query.boolean_query(clauses)
        total = self.state.count
        average = self.state.length_total / total if total else 1.0
        depth = limit + limit // 4 + 10  # a little over: drafts are filtered after
        while True:
            hits = self.searcher.search(query, depth, count=False).hits
            ids = [int(i) for i in self.searcher.fast_field_values("id", [a for _s, a in hits])]
            with connection.cursor() as cursor:
                texts = visible_texts(cursor, ids, visibility)
            scores = bm25_scores(texts, weighted, frequencies, total, average)
            matching = [pk for pk, (_score, present) in scores.items() if present]
            ranked = sorted(matching, key=lambda pk: (-scores[pk][0], pk))[:limit]
            if len(ranked) >= limit or len(hits) < depth:
                break
            depth *= 4  # many hidden drafts among the best: look deeper
        return [
            LexicalHit(innovation_id=pk, score=scores[pk][0], matched=scores[pk][1])
            for pk in ranked
        ]


_indexes: dict[Path, TantivyIndex] = {}
_indexes_lock = threading.Lock()


def index_for_connection() -> TantivyIndex:
    path = index_path()
    with _indexes_lock:
        if path not in _indexes:
            _indexes[path] = TantivyIndex(path)
        return _indexes[path]


def current_reader() -> Reader | None:
    """A reader holding the rows' current version, syncing first when that is quick; None when
    the database must answer (disabled, inside a transaction, behind, busy, or broken)."""
    if not enabled() or connection.in_atomic_block:
        # Inside a transaction the rows may hold changes a rollback would undo.
        return None
    try:
        index = index_for_connection()
        reader = index.reader(checked_index_version())
        if reader is not None:
            return reader
        if index._background is not None and index._background.is_alive():
            return None
        state = State.read(index.path)
        if state is not None and state.format != FORMAT:
            state = None
        # A search waits for a sync only when it is quick: few rows, and a manifest this process
        # holds (reading 250,000 rows of it back from disk takes ~0.3 s) or a small one.
        quick = state is None or state.count <= INLINE_MANIFEST_ROWS or index.holds(state)
        if quick and index.pending_rows(state) <= INLINE_SYNC_ROWS:
            try:
                index.sync()
            except Busy:
                return None
            return index.reader(checked_index_version())
        index.sync_in_background()
    except BaseException as exc:
        if not _index_failure(exc):
            raise
        logger.exception("the search index could not be used; the database answers")
    return None


class AcceleratedBackend:
    """The database backend, with tantivy finding the candidates when it is current.

    Writes, vocabularies and everything else go to the database backend; the index follows the
    rows by itself (`current_reader`)."""

    def __init__(self, database: LexicalBackend) -> None:
        self.database = database

    def search(
        self,
        terms: Sequence[str],
        *,
        expansions: Sequence[str] = (),
        visibility: Visibility,
        limit: int = 200,
    ) -> list[LexicalHit]:
        weighted = query_terms(terms, expansions)
        if not weighted or limit <= 0:
            return []
        # A term of several words is a phrase: only the database's positions can find it.
        if all(len(term.split()) == 1 for term, _w in weighted):
            reader = current_reader()
            if reader is not None:
                try:
                    return reader.search(weighted, visibility, limit)
                except BaseException as exc:
                    if not _index_failure(exc):
                        raise
                    logger.exception("the search index failed a query; the database answers")
        return self.database.search(
            terms, expansions=expansions, visibility=visibility, limit=limit
        )

    # The database backends' writes raise this process's index generation (base.index_changed),
    # which the version check follows: this process sees its own writes at the next search.
    def upsert(self, docs: Sequence[Any]) -> None:
        self.database.upsert(docs)

    def delete(self, ids: Iterable[int]) -> None:
        self.database.delete(ids)

    def clear(self) -> None:
        self.database.clear()

    def vocabulary(self) -> dict[str, int]:
        return self.database.vocabulary()

    def word_vocabulary(self) -> dict[str, int]:
        return self.database.word_vocabulary()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.database, name)
