"""Keep the search index in step with practices: build, upsert and remove index documents."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import translation
from huey.contrib.djhuey import db_task

from sebaya.innovations.models import (
    NARRATIVE_SECTIONS,
    Award,
    Innovation,
    SdgGoal,
    Theme,
    Urusan,
)
from sebaya.regions.models import Region, RegionLevel
from sebaya.search.analysis import analyse, words
from sebaya.search.backends import get_backend
from sebaya.search.backends.base import refresh_planner_statistics
from sebaya.search.models import SearchDocument

logger = logging.getLogger(__name__)

BATCH = 200  # practices read, analysed and written per round in reindex_all


@dataclass(frozen=True)
class ReindexReport:
    documents: int
    embedded: int
    seconds: float
    embed_seconds: float


def innovations_for_index() -> QuerySet[Innovation]:
    """Practices with everything their index document reads, in a constant number of queries."""
    return Innovation.objects.select_related("region__parent", "organisation").prefetch_related(
        "themes", "urusan", "sdgs", Prefetch("awards", queryset=Award.objects.order_by("pk"))
    )


def _province(region: Region) -> Region | None:
    parent = region.parent
    if region.level in (RegionLevel.REGENCY, RegionLevel.CITY) and parent is not None:
        return parent
    return None


class Related(NamedTuple):
    """A practice's related records as the index reads them, when the caller holds them already
    (a bulk write): build_document then makes no query. In the models' own ordering."""

    themes: Iterable[Theme]
    urusan: Iterable[Urusan]
    sdgs: Iterable[SdgGoal]
    awards: Iterable[Award]


def document_texts(innovation: Innovation, related: Related | None = None) -> tuple[str, list[str]]:
    """The practice's title and the other texts its index body is made of."""
    if related is None:
        related = Related(
            innovation.themes.all(),
            innovation.urusan.all(),
            innovation.sdgs.all(),
            innovation.awards.all(),
        )
    texts = [innovation.summary, innovation.overview]
    texts += [getattr(innovation, field) for field, _label in NARRATIVE_SECTIONS]
    region = innovation.region
    texts.append(region.name)
    province = _province(region)
    if province is not None:
        texts.append(province.name)
    if innovation.organisation is not None:
        texts.append(innovation.organisation.name)
    texts.append(innovation.opd_name)
    for theme in related.themes:
        texts += [theme.name_id, theme.name_en]
    for urusan in related.urusan:
        texts += [urusan.name_id, urusan.name_en]
    for goal in related.sdgs:
        texts += [goal.name_id, goal.name_en]
    # Programme names are translatable labels: index them as written in Indonesian, whatever
    # the language of the request that triggered the indexing.
    with translation.override("id"):
        for award in related.awards:
            texts += [str(award.get_programme_display()), award.title]
    texts.append(innovation.sector)
    return innovation.title, [text for text in texts if text and text.strip()]


def build_document(innovation: Innovation, related: Related | None = None) -> SearchDocument:
    """The index document of a practice: analysed text, surface words, permission labels."""
    title, texts = document_texts(innovation, related)
    analysed_title = " ".join(analyse(title))
    analysed_body = " ".join(term for text in texts for term in analyse(text))
    surface = " ".join(dict.fromkeys(w for text in (title, *texts) for w in words(text)))
    is_published = innovation.is_published
    digest = hashlib.sha256(
        "\x1f".join(
            [
                analysed_title,
                analysed_body,
                surface,
                str(is_published),
                str(innovation.organisation_id),
            ]
        ).encode()
    ).hexdigest()
    return SearchDocument(
        innovation_id=innovation.pk,
        title=analysed_title,
        body=analysed_body,
        words=surface,
        is_published=is_published,
        organisation_id=innovation.organisation_id,
        content_hash=digest,
    )


def index_innovations(ids: Iterable[int]) -> list[int]:
    """Bring the index documents of these practices up to date; the ids that changed.

    Unchanged documents (same content hash) are skipped; ids of practices that no longer exist
    are removed from the index.
    """
    changed = _index_documents(ids)
    _schedule_embeddings(changed)
    return changed


def _index_documents(ids: Iterable[int]) -> list[int]:
    """The lexical part of index_innovations: documents written, no vectors scheduled."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    backend = get_backend()
    changed: list[int] = []
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        known = dict(SearchDocument.objects.filter(pk__in=chunk).values_list("pk", "content_hash"))
        docs = []
        found = set()
        for innovation in innovations_for_index().filter(pk__in=chunk):
            found.add(innovation.pk)
            doc = build_document(innovation)
            if known.get(innovation.pk) != doc.content_hash:
                docs.append(doc)
        backend.upsert(docs)
        # Not only the ids with a document: the database cascade removes the SearchDocument of
        # a deleted practice, but not its FTS5 rows.
        backend.delete([pk for pk in chunk if pk not in found])
        changed += [doc.pk for doc in docs]
    return changed


def index_innovation(innovation_id: int) -> None:
    """Bring one practice's index document up to date (or remove it if the practice is gone)."""
    index_innovations([innovation_id])


def remove_innovation(innovation_id: int) -> None:
    get_backend().delete([innovation_id])


def reindex_all(
    *, embed: bool = True, progress: Callable[[int, int], None] | None = None
) -> ReindexReport:
    """Rebuild the whole index from the practices; with `embed`, compute missing vectors too.

    The clear and rebuild are one transaction, so searches meanwhile see the old index.
    """
    started = time.perf_counter()
    backend = get_backend()
    ids = list(Innovation.objects.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    with transaction.atomic():
        backend.clear()
        for start in range(0, total, BATCH):
            chunk = ids[start : start + BATCH]
            backend.upsert(
                [build_document(inn) for inn in innovations_for_index().filter(pk__in=chunk)]
            )
            if progress is not None:
                progress(min(start + BATCH, total), total)
    refresh_planner_statistics()
    documents = SearchDocument.objects.count()
    rebuild_search_index()
    seconds = time.perf_counter() - started
    embedded = 0
    embed_started = time.perf_counter()
    if embed:
        # Imported here: loading the model package is only worth it when vectors are wanted.
        from sebaya.search.semantic import embed_all

        embedded = embed_all()
    return ReindexReport(
        documents=documents,
        embedded=embedded,
        seconds=seconds,
        embed_seconds=time.perf_counter() - embed_started,
    )


def rebuild_search_index() -> None:
    """Rebuild the tantivy index from the rows (decision 0006), when it is in use.

    Not inside a transaction: the rows read there may still be rolled back; the index then
    follows the committed rows by itself at the next search."""
    from sebaya.search.backends import tantivy_index

    if tantivy_index.enabled() and not connection.in_atomic_block:
        try:
            tantivy_index.index_for_connection().sync(rebuild=True)
        except tantivy_index.Busy:
            logger.warning("the search index is being written by another process; it will follow")


def _schedule_embeddings(ids: list[int]) -> None:
    if not ids:
        return
    from sebaya.search.tasks import schedule_embedding

    for innovation_id in ids:
        schedule_embedding(innovation_id)


# Writes defer indexing to after the commit, and a transaction that touches a practice many
# times (an import saves it, sets its themes, adds awards...) indexes it once: the callbacks of a
# transaction share one set of ids, and the first to run indexes them all and empties it (the
# others, one per write, find it empty: registering one per write keeps test helpers that run
# only the callbacks of a block, like captureOnCommitCallbacks, faithful to a real commit). A
# rollback discards the callbacks; ids a rolled-back savepoint left in the set are re-read from
# the database, which is harmless.
class _Flush:
    def __init__(self, ids: set[int]) -> None:
        self.ids = ids

    def __call__(self) -> None:
        batch = sorted(self.ids)
        self.ids.clear()
        if batch:
            index_innovations(batch)


def schedule_index(ids: Iterable[int | None]) -> None:
    """Index these practices once the current transaction commits (at once outside one)."""
    new = {pk for pk in ids if pk is not None}
    if not new:
        return
    shared: set[int] = set()
    if connection.in_atomic_block:
        for entry in reversed(connection.run_on_commit):
            if isinstance(entry[1], _Flush):
                shared = entry[1].ids
                break
    shared.update(new)
    # robust: the write has committed; an indexing failure is logged, never the caller's error.
    transaction.on_commit(_Flush(shared), robust=True)


# Bulk writes (a 30,000-row import) send no signals and must not queue one task per practice:
# the batch is indexed lexically once after the commit, so search finds it at once, and its
# vectors are one background task that embeds them in slices (or `sebaya reindex` does).
def index_new_innovations(practices: Sequence[tuple[Innovation, Related]]) -> list[int]:
    """Index practices just created in bulk from the records in hand (no re-read of the rows:
    the same documents index_innovations would build), then queue ONE task for their vectors."""
    if not practices:
        return []
    backend = get_backend()
    # The province of each region is part of the document: one query for all their parents.
    regions = list(
        {innovation.region_id: innovation.region for innovation, _r in practices}.values()
    )
    prefetch_related_objects(regions, "parent")
    ids: list[int] = []
    for start in range(0, len(practices), BATCH):
        chunk = practices[start : start + BATCH]
        backend.upsert([build_document(innovation, related) for innovation, related in chunk])
        ids += [innovation.pk for innovation, _related in chunk]
    refresh_planner_statistics()
    _schedule_batch_embedding(ids)
    return ids


def schedule_index_new(practices: Sequence[tuple[Innovation, Related]]) -> None:
    """index_new_innovations once the current transaction commits (at once outside one)."""
    batch = list(practices)
    if batch:
        transaction.on_commit(lambda: index_new_innovations(batch), robust=True)


def embed_innovations(ids: Iterable[int], *, batch_size: int = 32) -> int:
    """Compute the missing or stale vectors of these practices; how many were computed."""
    from sebaya.search.semantic import embed_ids

    return embed_ids(sorted(set(ids)), batch_size=batch_size)


@db_task()
def embed_innovations_task(ids: list[int]) -> int:
    """Background: the vectors of a bulk write's practices. Never raises (see embed_innovation_task:
    a practice without a vector is still found lexically until `sebaya reindex`)."""
    try:
        return embed_innovations(ids)
    except Exception:
        logger.exception("embedding of %d practices failed", len(ids))
        return 0


def _schedule_batch_embedding(ids: list[int]) -> None:
    """Queue one task for the vectors of these practices once the transaction commits."""
    batch = list(ids)

    def enqueue() -> None:
        try:
            embed_innovations_task(batch)
        except Exception:
            logger.exception("could not queue the embedding of %d practices", len(batch))

    transaction.on_commit(enqueue)
