"""PostgreSQL full-text backend: generated tsvector ('simple' over analysed text), GIN index."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from sebaya.search.backends.base import (
    BODY_WEIGHT,
    TITLE_WEIGHT,
    LexicalHit,
    Visibility,
    index_changed,
    index_version,
    query_terms,
    save_documents,
    vocabulary_cache,
)
from sebaya.search.models import SearchDocument

# Created by migration 0002 (PostgreSQL only). The column is generated, so every write of a
# SearchDocument row (ORM, bulk, cascade) keeps it right without code here.
# ts_rank_cd weights are listed {D, C, B, A}: title (A) against body (B) as in the FTS5 backend.
RANK_WEIGHTS = "{0.0, 0.0, %.4f, 1.0}" % (BODY_WEIGHT / TITLE_WEIGHT)
# ts_rank_cd normalisation 1: divide by 1 + log(document length), like bm25's length term.
RANK_NORMALISATION = 1


class PostgresBackend:
    """tsvector @@ tsquery per term, ranked by idf x ts_rank_cd, summed over matched terms.

    ts_rank_cd has no notion of how rare a word is; multiplying each term's rank by the bm25 idf
    gives the rarer words the weight they have in the FTS5 backend, so the two rank simple
    queries the same way. The document frequency is counted in the same query (a window over
    each term's matches, before the permission filter, as FTS5 counts), so the search path
    never needs the vocabulary. Each term is parsed by plainto_tsquery from a query parameter,
    so user text is never part of the SQL nor of tsquery syntax; expansions are weighted by
    EXPANSION_WEIGHT as in the FTS5 backend.
    """

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
        total = document_count()
        parts = []
        params: list[Any] = []
        for index, (term, weight) in enumerate(weighted):
            parts.append(
                # Only constants and the loop index are formatted in; terms are parameters.
                f"SELECT d.innovation_id AS id, {index} AS k, "  # noqa: S608
                f"ts_rank_cd('{RANK_WEIGHTS}', d.vector, q, {RANK_NORMALISATION}) * %s AS r, "
                "COUNT(*) OVER () AS df, d.is_published, d.organisation_id "
                "FROM search_searchdocument d, plainto_tsquery('simple', %s) q "
                "WHERE d.vector @@ q"
            )
            params.extend([weight, term])
        # bm25's idf, floored at 1e-6 where FTS5 floors it (never the log of a negative).
        idf = "CASE WHEN %s - df > df THEN ln((%s - df + 0.5) / (df + 0.5)) ELSE 1e-6 END"
        params.extend([total, total])
        where = ""
        if not visibility.see_all:
            where = " WHERE is_published"
            orgs = sorted(visibility.organisation_ids)
            if orgs:
                where = " WHERE (is_published OR organisation_id = ANY(%s))"
                params.append(orgs)
        sql = (
            "WITH hits AS ("  # noqa: S608
            + " UNION ALL ".join(parts)
            + f") SELECT id, SUM(r * {idf}) AS score, string_agg(k::text, ',') FROM hits"  # noqa: S608
            + where
            + " GROUP BY id ORDER BY score DESC, id LIMIT %s"
        )
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            LexicalHit(
                innovation_id=row[0],
                score=float(row[1]),
                matched=frozenset(weighted[int(k)][0] for k in row[2].split(",")),
            )
            for row in rows
        ]

    @transaction.atomic
    def upsert(self, docs: Sequence[SearchDocument]) -> None:
        if not docs:
            return
        save_documents(docs)
        index_changed()

    @transaction.atomic
    def delete(self, ids: Iterable[int]) -> None:
        ids = sorted(set(ids))
        if ids:
            SearchDocument.objects.filter(pk__in=ids).delete()
            index_changed()

    @transaction.atomic
    def clear(self) -> None:
        SearchDocument.objects.all().delete()
        index_changed()

    def vocabulary(self) -> dict[str, int]:
        return vocabulary_cache.get(
            "stems", lambda: _ts_stat("SELECT vector FROM search_searchdocument")
        )

    def word_vocabulary(self) -> dict[str, int]:
        # Surface words are only needed for spelling, so they get no stored column: ts_stat
        # parses them when the vocabulary is rebuilt.
        return vocabulary_cache.get(
            "words",
            lambda: _ts_stat("SELECT to_tsvector('simple', words) FROM search_searchdocument"),
        )


def document_count() -> int:
    """The number of index documents (bm25's N), cached like the vocabularies."""
    return vocabulary_cache.get("count", lambda: index_version()[0])


def _ts_stat(query: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [query])
        return {word: int(ndoc) for word, ndoc in cursor.fetchall()}
