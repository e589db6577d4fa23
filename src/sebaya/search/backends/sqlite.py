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
    index_changed,
    index_version,
    query_terms,
    save_documents,
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
        frequencies = self.document_frequencies()
        groups = [
            (weight, " OR ".join(fts_phrase(t) for t in _scoring(weighted, weight, frequencies)))
            for weight in dict.fromkeys(w for _t, w in weighted)
        ]
        depth = limit + limit // 4 + 10  # a little over the limit: drafts are filtered after
        with connection.cursor() as cursor:
            while True:
                scores: dict[int, float] = {}
                seen: list[set[int]] = [set() for _g in groups]
                for group, rowid, score in _best(cursor, [match for _w, match in groups], depth):
                    scores[rowid] = scores.get(rowid, 0.0) + score * groups[group][0]
                    seen[group].add(rowid)
                truncated = [g for g in range(len(groups)) if len(seen[g]) >= depth]
                # A document in one list may also match the other group below that list's cut:
                # that part of its score is left out. Reading it (rowid IN with MATCH) would
                # score every match of the group again, as slow as the list itself.
                visible, texts = _visible_and_matched(cursor, list(scores), visibility, weighted)
                ranked = sorted(
                    ((rowid, score) for rowid, score in scores.items() if rowid in visible),
                    key=lambda item: (-item[1], item[0]),
                )[:limit]
                if len(ranked) >= limit or not truncated:
                    break
                depth *= 4  # many hidden drafts among the best: look deeper
        return [
            LexicalHit(
                innovation_id=rowid,
                score=score,
                matched=frozenset(matched_terms(texts[rowid], weighted)),
            )
            for rowid, score in ranked
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

    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """bm25's N and each stem's document count, as one cached value (one freshness check)."""
        return vocabulary_cache.get("frequencies", lambda: (index_version()[0], self.vocabulary()))


def _vocab(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, doc FROM {table}")  # noqa: S608
        return {term: int(doc) for term, doc in cursor.fetchall()}


BM25 = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"


def _scoring(
    weighted: Sequence[tuple[str, float]], weight: float, frequencies: tuple[int, dict[str, int]]
) -> list[str]:
    """The terms of one weight group that can change a score.

    FTS5's bm25 gives a term found in half the documents or more an idf of 1e-6: it adds
    nothing to any score, yet FTS5 would score every one of its matches (most of the cost of a
    query at 250,000 practices). Such terms are left out of the MATCH, unless the group has
    nothing else; "why it matched" still names them (read from the text).
    """
    documents, vocabulary = frequencies
    group = [term for term, w in weighted if w == weight]
    useful = [term for term in group if vocabulary.get(term, 0) * 2 < documents]
    return useful or group


def _best(cursor: Any, matches: Sequence[str], depth: int) -> list[tuple[int, int, float]]:
    """(group, rowid, bm25 score, higher is better) of the best `depth` documents of each
    MATCH expression, in one statement. bm25 of an OR of terms is the sum of each term's."""
    parts = []
    params: list[Any] = []
    for group, match in enumerate(matches):
        parts.append(
            f"SELECT * FROM (SELECT {group}, rowid, -{BM25} AS s FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY s DESC LIMIT %s)"
        )
        params.extend([match, depth])
    cursor.execute(" UNION ALL ".join(parts), params)
    return [(int(g), int(rowid), float(score)) for g, rowid, score in cursor.fetchall()]


def _visible_and_matched(
    cursor: Any,
    rowids: Sequence[int],
    visibility: Visibility,
    weighted: Sequence[tuple[str, float]],
) -> tuple[set[int], dict[int, str]]:
    """The documents among `rowids` that the permission labels allow, and their analysed text,
    to tell which terms each holds ("why it matched"): a MATCH per term would read each term's
    whole posting list again."""
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
    texts: dict[int, str] = {}
    for chunk in _chunks(rowids):
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            "SELECT innovation_id, title || ' ' || body FROM search_searchdocument "  # noqa: S608
            f"WHERE innovation_id IN ({marks}){where}",
            [*chunk, *labels],
        )
        texts.update(cursor.fetchall())
    return set(texts), texts


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
