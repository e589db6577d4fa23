"""SQLite FTS5 backend: bm25 over the analysed title and body, permission labels by join."""

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
    query_terms,
    vocabulary_cache,
)
from sebaya.search.models import SearchDocument

# Created by migration 0002 (SQLite only). Both are ordinary FTS5 tables that keep their own copy
# of the text, keyed by rowid = innovation id. External-content or contentless tables would save
# that copy, but must be told the exact old text on every delete or they corrupt silently, and
# Django's cascade delete of a practice removes the SearchDocument row before we could read it.
FTS_TABLE = "search_fts"
WORDS_TABLE = "search_words_fts"

CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


def fts_phrase(term: str) -> str:
    """`term` as one FTS5 string: double-quoted, inner quotes doubled.

    Inside a quoted string FTS5 treats everything (NEAR, *, ^, :, parentheses, AND/OR/NOT) as
    text for the tokenizer, so nothing a user types can become an FTS5 operator.
    """
    return '"' + term.replace('"', '""') + '"'


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class SqliteBackend:
    """FTS5 with bm25(title x3, body x1).

    Expansions: each term (typed or expanded) runs as its own MATCH and the per-term bm25 scores
    are summed. bm25 of an OR query is exactly that sum, so typed terms rank as one OR query
    would, while each expansion's score is multiplied by EXPANSION_WEIGHT first; the per-term
    rows also tell which terms matched each document, for "why it matched".
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
        parts = []
        params: list[Any] = []
        for index, (term, weight) in enumerate(weighted):
            parts.append(
                # Only constants and the loop index are formatted in; terms are parameters.
                f"SELECT rowid AS id, {index} AS k, "  # noqa: S608
                f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}) * %s AS s "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            )
            params.extend([weight, fts_phrase(term)])
        where = ""
        if not visibility.see_all:
            orgs = sorted(visibility.organisation_ids)
            if orgs:
                marks = ", ".join(["%s"] * len(orgs))
                where = f"WHERE (d.is_published OR d.organisation_id IN ({marks}))"
                params.extend(orgs)
            else:
                where = "WHERE d.is_published"
        select = " SELECT h.id, SUM(h.s) AS score, group_concat(h.k) FROM hits h"
        join = " JOIN search_searchdocument d ON d.innovation_id = h.id "
        tail = select + join + where + " GROUP BY h.id ORDER BY score DESC, h.id LIMIT %s"
        # MATERIALIZED: flattened into the join, a single-term query would call bm25() outside
        # its FTS5 query, which SQLite refuses.
        sql = "WITH hits AS MATERIALIZED (" + " UNION ALL ".join(parts) + ")" + tail
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            LexicalHit(
                innovation_id=row[0],
                score=float(row[1]),
                matched=frozenset(weighted[int(k)][0] for k in str(row[2]).split(",")),
            )
            for row in rows
        ]

    @transaction.atomic
    def upsert(self, docs: Sequence[SearchDocument]) -> None:
        if not docs:
            return
        ids = [doc.pk for doc in docs]
        self._delete_fts(ids)
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
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [(doc.pk, doc.title, doc.body) for doc in docs],
            )
            cursor.executemany(
                f"INSERT INTO {WORDS_TABLE}(rowid, words) VALUES (%s, %s)",  # noqa: S608
                [(doc.pk, doc.words) for doc in docs],
            )
        index_changed()

    @transaction.atomic
    def delete(self, ids: Iterable[int]) -> None:
        ids = sorted(set(ids))
        if not ids:
            return
        self._delete_fts(ids)
        SearchDocument.objects.filter(pk__in=ids).delete()
        index_changed()

    def _delete_fts(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for chunk in _chunks(ids):
                marks = ", ".join(["%s"] * len(chunk))
                for table in (FTS_TABLE, WORDS_TABLE):
                    sql = f"DELETE FROM {table} WHERE rowid IN ({marks})"  # noqa: S608
                    cursor.execute(sql, list(chunk))

    @transaction.atomic
    def clear(self) -> None:
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, WORDS_TABLE):
                # The 'delete-all' command only exists for contentless tables; a plain DELETE
                # works for ours and stays inside the transaction.
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        SearchDocument.objects.all().delete()
        index_changed()

    def purge_orphans(self) -> int:
        """Drop FTS rows whose SearchDocument is gone (a test-suite flush empties only tables
        Django knows about)."""
        removed = 0
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, WORDS_TABLE):
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid NOT IN "  # noqa: S608
                    "(SELECT innovation_id FROM search_searchdocument)"
                )
                removed += max(cursor.rowcount, 0)
        if removed:
            index_changed()
        return removed

    def vocabulary(self) -> dict[str, int]:
        return vocabulary_cache.get("stems", lambda: _vocab(f"{FTS_TABLE}_vocab"))

    def word_vocabulary(self) -> dict[str, int]:
        return vocabulary_cache.get("words", lambda: _vocab(f"{WORDS_TABLE}_vocab"))


def _vocab(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, doc FROM {table}")  # noqa: S608
        return {term: int(doc) for term, doc in cursor.fetchall()}
