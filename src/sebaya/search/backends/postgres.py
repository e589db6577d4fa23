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
    bm25_idf,
    index_changed,
    index_version,
    query_terms,
    save_documents,
    scoring_terms,
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
    """One statement: the OR of the query's terms finds the candidates through the GIN index, each
    candidate is scored by idf x ts_rank_cd summed over the terms, and only the best `limit` are
    returned, with the terms each holds ("why it matched").

    ts_rank_cd has no notion of how rare a word is; multiplying each term's rank by the bm25 idf
    gives the rarer words the weight they have in the FTS5 backend, so the two rank simple
    queries the same way. Each term's document count comes from a per-process cache that is
    emptied when the index changes (`document_frequencies`). As in the FTS5 backend, common terms
    and costly glossary expansions (`scoring_terms`) do not pick candidates, yet count in the
    score of every candidate that holds them.
    Terms are parsed by plainto_tsquery from query parameters, so user text is never part of the
    SQL nor of tsquery syntax; expansions are weighted by EXPANSION_WEIGHT.
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
        total, frequencies = document_frequencies([term for term, _w in weighted])
        searched = set(scoring_terms(weighted, frequencies, total))
        # Every term found in the index is scored; only `scoring_terms` pick the candidates.
        scoring = [
            (index, weight * bm25_idf(total, frequencies.get(term, 0)))
            for index, (term, weight) in enumerate(weighted)
            if frequencies.get(term, 0) > 0
        ]
        if not scoring:
            return []
        # Only constants and loop indexes are formatted into the SQL; terms are parameters.
        queries = ", ".join(f"plainto_tsquery('simple', %s) AS t{i}" for i in range(len(weighted)))

        def rank(indexes: list[int]) -> str:
            return " + ".join(
                f"%s * ts_rank_cd('{RANK_WEIGHTS}', d.vector, q.t{i}, {RANK_NORMALISATION})"
                for i in indexes
            )

        chosen = [i for i, _idf in scoring if weighted[i] in searched] or [scoring[0][0]]
        candidates = " || ".join(
            f"q.t{i}" for i, term_weight in enumerate(weighted) if term_weight in searched
        )
        flags = ", ".join(f"d.vector @@ q.t{i}" for i in range(len(weighted)))
        where, labels = _labels(visibility)
        # The best candidates on the searched terms, then ranked on all the terms (as in the
        # FTS5 backend), with the terms each holds.
        sql = (
            f"WITH q AS MATERIALIZED (SELECT {queries}) "  # noqa: S608
            f"SELECT d.innovation_id, {rank([i for i, _idf in scoring])} AS score, {flags} FROM ("
            f"SELECT d.innovation_id AS id, {rank(chosen)} AS score "
            f"FROM search_searchdocument d, q WHERE d.vector @@ ({candidates}){where} "
            "ORDER BY score DESC, id LIMIT %s"
            ") c JOIN search_searchdocument d ON d.innovation_id = c.id, q "
            "ORDER BY score DESC, d.innovation_id LIMIT %s"
        )
        idf = dict(scoring)
        params: list[Any] = [term for term, _w in weighted]
        params += [idf[i] for i, _idf in scoring]
        params += [idf[i] for i in chosen]
        params += [*labels, limit * 2, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            LexicalHit(
                innovation_id=row[0],
                score=float(row[1]),
                matched=frozenset(
                    term for (term, _w), found in zip(weighted, row[2:], strict=True) if found
                ),
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
        # A tsvector holds each lexeme once, so a row per (document, lexeme) counts documents.
        return vocabulary_cache.get(
            "stems",
            lambda: _counts(
                "SELECT w, COUNT(*) FROM search_searchdocument, "
                "unnest(tsvector_to_array(vector)) w GROUP BY w"
            ),
        )

    def word_vocabulary(self) -> dict[str, int]:
        # Surface words are only needed for spelling, so they get no stored column or index.
        # `words` holds each word of a document once (build_document), space-separated: a
        # split and a count give each word's documents, five times faster than ts_stat over
        # to_tsvector (4.8 s against 24.8 s at 250,000 practices on the 2-core dev machine).
        return vocabulary_cache.get(
            "words",
            lambda: _counts(
                "SELECT w, COUNT(*) FROM search_searchdocument, "
                "unnest(string_to_array(words, ' ')) w WHERE w <> '' GROUP BY w"
            ),
        )


def document_frequencies(terms: Sequence[str]) -> tuple[int, dict[str, int]]:
    """bm25's N and the number of documents holding each term.

    Counted on demand, one statement for the terms not yet known, and kept until the index
    changes: the whole vocabulary (`vocabulary`, ts_stat over every document) takes seconds at
    national scale and a search never needs it.
    """
    total, known = vocabulary_cache.get("frequencies", lambda: (index_version()[0], {}))
    missing = [term for term in dict.fromkeys(terms) if term not in known]
    if missing:
        counts = ", ".join(
            "COUNT(*) FILTER (WHERE vector @@ plainto_tsquery('simple', %s))" for _t in missing
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {counts} FROM search_searchdocument "  # noqa: S608
                "WHERE vector @@ ("
                + " || ".join(["plainto_tsquery('simple', %s)"] * len(missing))
                + ")",
                [*missing, *missing],
            )
            known.update(zip(missing, (int(n) for n in cursor.fetchone()), strict=True))
    return total, known


def _labels(visibility: Visibility) -> tuple[str, list[Any]]:
    """The permission filter on index documents `d`, and its parameters."""
    if visibility.see_all:
        return "", []
    orgs = sorted(visibility.organisation_ids)
    if orgs:
        return " AND (d.is_published OR d.organisation_id = ANY(%s))", [orgs]
    return " AND d.is_published", []


def _counts(query: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {word: int(n) for word, n in cursor.fetchall()}
