"""The domain glossary for query expansion: seeded from a file, corrected by curators."""

from __future__ import annotations

import csv
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sebaya.core import versioning
from sebaya.search.analysis import DATA_DIR, normalise, phrase_key
from sebaya.search.models import GlossaryEntry, GlossaryKind

logger = logging.getLogger(__name__)

GLOSSARY_FILE = DATA_DIR / "glossary.csv"
EXPANSION_SEPARATOR = "|"
# Signals refresh the glossary of the process that saved an entry at once; other processes
# (gunicorn workers, the Huey consumer) pick the change up within this many seconds.
REFRESH_SECONDS = 300.0


@dataclass(frozen=True)
class GlossaryRow:
    term: str
    kind: str
    expansions: tuple[str, ...]
    note: str = ""


def read_glossary_file(path: Path = GLOSSARY_FILE) -> list[GlossaryRow]:
    """The rows of a glossary CSV (term, kind, expansions separated by "|", note)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            GlossaryRow(
                term=(row.get("term") or "").strip(),
                kind=(row.get("kind") or "").strip(),
                expansions=tuple(
                    part.strip()
                    for part in (row.get("expansions") or "").split(EXPANSION_SEPARATOR)
                    if part.strip()
                ),
                note=(row.get("note") or "").strip(),
            )
            for row in csv.DictReader(handle)
        ]


@dataclass
class Glossary:
    """Terms and phrases -> what they also mean, matched on the stems of a query.

    Every expansion also leads back to its term and to the term's other expansions, so one
    row "DD: dana desa | village fund" serves "DD", "dana desa" and "village fund" alike.
    """

    map: dict[str, list[str]] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    keys: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    explicit: set[str] = field(default_factory=set)
    longest: int = 0

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, Sequence[str]]]) -> Glossary:
        glossary = cls()
        entries = [(term, list(expansions)) for term, expansions in entries]
        for term, expansions in entries:
            glossary._add(term, expansions)
            glossary.explicit.add(normalise(term))
        for term, expansions in entries:
            for expansion in expansions:
                glossary._add(expansion, [term, *(e for e in expansions if e != expansion)])
        return glossary

    @classmethod
    def from_file(cls, path: Path = GLOSSARY_FILE) -> Glossary:
        return cls.from_entries((row.term, row.expansions) for row in read_glossary_file(path))

    def _add(self, term: str, expansions: Sequence[str]) -> None:
        normalised = normalise(term)
        key = phrase_key(term)
        if not normalised or not key:
            return
        self.display.setdefault(normalised, term.strip())
        known = self.map.setdefault(normalised, [])
        seen = {normalise(item) for item in known} | {normalised}
        for expansion in expansions:
            if normalise(expansion) not in seen:
                seen.add(normalise(expansion))
                known.append(expansion.strip())
        terms = self.keys.setdefault(key, [])
        if normalised not in terms:
            terms.append(normalised)
        self.longest = max(self.longest, len(key))

    def find(self, key: Sequence[str]) -> list[tuple[str, list[str]]]:
        """Glossary terms in a sequence of stems (see `analysis.phrase_key`), in order.

        Longest match first, without overlaps: "kemiskinan ekstrem" is one hit, not also
        "kemiskinan".
        """
        hits: list[tuple[str, list[str]]] = []
        seen: set[tuple[str, ...]] = set()
        position = 0
        while position < len(key):
            for length in range(min(self.longest, len(key) - position), 0, -1):
                phrase = tuple(key[position : position + length])
                if phrase in self.keys:
                    if phrase not in seen:
                        seen.add(phrase)
                        hits.append(self._hit(self.keys[phrase]))
                    position += length
                    break
            else:
                position += 1
        return hits

    def _hit(self, terms: list[str]) -> tuple[str, list[str]]:
        """One hit for terms that share a key ("village", "villages"): their expansions merged.

        It is shown as the glossary's own term if there is one, else the shortest.
        """
        terms = sorted(terms, key=lambda term: (term not in self.explicit, len(term)))
        seen = set(terms)
        expansions: list[str] = []
        for term in terms:
            for expansion in self.map[term]:
                if normalise(expansion) not in seen:
                    seen.add(normalise(expansion))
                    expansions.append(expansion)
        return self.display[terms[0]], expansions


_lock = threading.Lock()
# (read at, what it was built from, the glossary)
_cached: tuple[float, object, Glossary] | None = None


def invalidate_glossary() -> None:
    """Forget the cached glossary; the next query reads it again."""
    global _cached
    _cached = None


def _read_database() -> list[tuple[str, list[str]]] | None:
    try:
        rows = list(GlossaryEntry.objects.order_by("pk").values_list("term", "expansions"))
    except Exception as error:
        # Expanding a query must never break search: before `migrate` the table does not
        # exist, and code without database access (async views, plain unit tests) may analyse
        # queries too. The file is the glossary then.
        logger.warning("glossary table unreadable (%s); using %s", error, GLOSSARY_FILE.name)
        return None
    return [(term, GlossaryEntry(expansions=text).expansion_list()) for term, text in rows] or None


def current_glossary() -> Glossary:
    """The glossary of this process: the database's entries, or the file while there are none."""
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < REFRESH_SECONDS:
        return cached[2]
    with _lock:
        entries = _read_database()
        source: object = entries or GLOSSARY_FILE
        if cached is not None and cached[1] == source:
            # Unchanged since the last read: keep the glossary, skip rebuilding it (~70 ms).
            glossary = cached[2]
        else:
            glossary = Glossary.from_entries(entries) if entries else Glossary.from_file()
        _cached = (time.monotonic(), source, glossary)
        return glossary


def glossary_map() -> dict[str, list[str]]:
    """Normalised term or phrase -> its expansions as written (both directions)."""
    return current_glossary().map


@receiver(post_save, sender=GlossaryEntry, dispatch_uid="search.glossary.saved")
@receiver(post_delete, sender=GlossaryEntry, dispatch_uid="search.glossary.deleted")
def _glossary_changed(**kwargs: Any) -> None:
    invalidate_glossary()
    # Also after commit: a reload inside the transaction may have read the change half-done.
    transaction.on_commit(invalidate_glossary)


def load_glossary_file(*, path: Path = GLOSSARY_FILE) -> tuple[int, int]:
    """Seed GlossaryEntry from the glossary file; returns (created, updated).

    Idempotent. Entries a curator has edited (from_file=False) are never overwritten, nor are
    file rows added beside a curator's entry of the same term written differently ("p3ke").
    File entries that left the file are deleted.
    """
    rows = [row for row in read_glossary_file(path) if row.term and row.expansions]
    created = updated = 0
    with transaction.atomic():
        existing = {normalise(entry.term): entry for entry in GlossaryEntry.objects.all()}
        in_file = set()
        for row in rows:
            normalised = normalise(row.term)
            in_file.add(normalised)
            kind = row.kind if row.kind in GlossaryKind.values else GlossaryKind.SYNONYM
            values = {
                "term": row.term,
                "kind": kind,
                "expansions": "\n".join(row.expansions),
                "note": row.note[:300],
            }
            entry = existing.get(normalised)
            if entry is None:
                existing[normalised] = GlossaryEntry.objects.create(from_file=True, **values)
                created += 1
            elif entry.from_file and any(getattr(entry, k) != v for k, v in values.items()):
                GlossaryEntry.objects.filter(pk=entry.pk).update(**values)
                updated += 1
        stale = [
            entry.pk
            for normalised, entry in existing.items()
            if entry.from_file and normalised not in in_file
        ]
        if stale:
            GlossaryEntry.objects.filter(pk__in=stale).delete()
        if updated:
            versioning.bump()  # QuerySet.update sends no signals; search results may change
    invalidate_glossary()
    return created, updated
