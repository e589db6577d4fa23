"""SQLite FTS5 backend: bm25 over the analysed title and body, permission labels after."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from sebaya.search.backends.base import (
    BODY_WEIGHT,
    TITLE_WEIGHT,
    LexicalHit,
    Visibility,
    bm25_scores,
    chunks,
    index_changed,
    index_version,
    query_terms,
    save_documents,
    scoring_terms,
    visible_texts,
    vocabulary_cache,
)
from sebaya.search.models import SearchDocument

# Created by migration 0002 (SQLite only). Both are ordinary FTS5 tables that keep their own copy
# of the text, keyed by rowid = innovation id. External-content or contentless tables would save
# that copy, but must be told the exact old text on every delete or they corrupt silently, and
# Django's cascade delete of a practice removes the SearchDocument row before we could read it.
FTS_TABLE = "search_fts"
WORDS_TABLE = "search_words_fts"


def fts_phrase(term: str) -> str:
    """`term` as one FTS5 string: double-quoted, inner quotes doubled.

    Inside a quoted string FTS5 treats everything (NEAR, *, ^, :, parentheses, AND/OR/NOT) as
    text for the tokenizer, so nothing a user types can become an FTS5 operator.
    """
    return '"' + term.replace('"', '""') + '"'


class SqliteBackend:
    """FTS5 with bm25(title x3, body x1).

    Two MATCH expressions in one statement: the typed terms OR-ed, and the expansions OR-ed,
    each ranked by FTS5 and cut a little below `limit`. bm25 of an OR query is exactly the sum
    of each term's bm25, so typed terms rank as before; the expansions' score is multiplied by
    EXPANSION_WEIGHT and added in Python. Permission labels are then read for those few
    candidates (with their analysed text, which tells which terms each holds, for "why it
    matched"); when hidden drafts leave too few, both lists are read deeper.
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
        total, frequencies, average = self.statistics()
        scored = scoring_terms(weighted, frequencies, total)
        groups = [
            (weight, " OR ".join(fts_phrase(t) for t, w in scored if w == weight))
            for weight in dict.fromkeys(w for _t, w in scored)
        ]
        depth = limit + limit // 4 + 10  # a little over the limit: drafts are filtered after
        with connection.cursor() as cursor:
            while True:
                found: list[set[int]] = [set() for _g in groups]
                for group, rowid in _best(cursor, [match for _w, match in groups], depth):
                    found[group].add(rowid)
                truncated = any(len(rows) >= depth for rows in found)
                texts = visible_texts(cursor, sorted(set().union(*found)), visibility)
                scores = bm25_scores(texts, weighted, frequencies, total, average)
                ranked = sorted(scores, key=lambda rowid: (-scores[rowid][0], rowid))[:limit]
                if len(ranked) >= limit or not truncated:
                    break
                depth *= 4  # many hidden drafts among the best: look deeper
        # Analysed terms are single words; a term of several (only callers other than the
        # query analyser make them) is looked for as a phrase in the text.
        phrases = [(t, w) for t, w in weighted if len(_TOKEN.findall(t)) != 1]
        return [
            LexicalHit(
                innovation_id=rowid,
                score=scores[rowid][0],
                matched=scores[rowid][1]
                | (matched_terms(" ".join(texts[rowid]), phrases) if phrases else frozenset()),
            )
            for rowid in ranked
        ]

    @transaction.atomic
    def upsert(self, docs: Sequence[SearchDocument]) -> None:
        if not docs:
            return
        ids = [doc.pk for doc in docs]
        self._delete_fts(ids)
        save_documents(docs)
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
            for chunk in chunks(ids):
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

    def statistics(self) -> tuple[int, dict[str, int], float]:
        """bm25's N, each stem's document count and the average document length (terms in
        title and body), as one cached value (one freshness check)."""
        return vocabulary_cache.get(
            "statistics", lambda: (index_version()[0], self.vocabulary(), _average_length())
        )


def _average_length() -> float:
    """Read from FTS5's own totals, as its bm25 does: the row count and each column's token
    total, as varints in row 1 of its data table."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT block FROM {FTS_TABLE}_data WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    numbers = _varints(bytes(row[0])) if row and row[0] else []
    if not numbers or numbers[0] == 0:
        return 1.0
    return sum(numbers[1:]) / numbers[0]


def _varints(data: bytes) -> list[int]:
    """SQLite's varints: 7 bits a byte, high bit set on all but the last; a 9th byte is whole."""
    numbers = []
    position = 0
    while position < len(data):
        value = 0
        for index in range(9):
            byte = data[position]
            position += 1
            if index == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        numbers.append(value)
    return numbers


def _vocab(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, doc FROM {table}")  # noqa: S608
        return {term: int(doc) for term, doc in cursor.fetchall()}


BM25 = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"


def _best(cursor: Any, matches: Sequence[str], depth: int) -> list[tuple[int, int]]:
    """(group, rowid) of the best `depth` documents of each MATCH expression by FTS5's bm25, in
    one statement: the candidates, which `bm25_scores` then ranks on all the terms."""
    parts = []
    params: list[Any] = []
    for group, match in enumerate(matches):
        parts.append(
            f"SELECT * FROM (SELECT {group}, rowid FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY {BM25} LIMIT %s)"
        )
        params.extend([match, depth])
    cursor.execute(" UNION ALL ".join(parts), params)
    return [(int(g), int(rowid)) for g, rowid in cursor.fetchall()]


def matched_terms(text: str, weighted: Sequence[tuple[str, float]]) -> set[str]:
    """The terms whose tokens occur, in order, in `text`, as FTS5's unicode61 tokenizer splits
    both (letters and digits; everything else separates). Analysed text is already words
    separated by single spaces, so a split is the tokenizer's answer."""
    present = set(text.split())
    found = set()
    joined = ""
    for term, _weight in weighted:
        if term in present:
            found.add(term)
            continue
        parts = _TOKEN.findall(term)
        if len(parts) == 1:
            if parts[0] in present:
                found.add(term)
        elif parts:
            joined = joined or " " + " ".join(_TOKEN.findall(text.lower())) + " "
            if " " + " ".join(parts) + " " in joined:
                found.add(term)
    return found


_TOKEN = re.compile(r"[^\W_]+")
