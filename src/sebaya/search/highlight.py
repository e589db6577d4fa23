"""Snippets of a practice's own text around the query's words, with those words marked."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString

from sebaya.search import analysis

SNIPPET_CHARS = 200
# Long narratives are read only this far for a passage: the best one is nearly always early,
# and stemming every word of a long profile for 20 hits would cost more than the search.
MAX_SCAN_CHARS = 12_000
# Letters and digits, with the Indonesian reduplication "ibu2" / "anak-anak" kept in one token.
_TOKEN = re.compile(r"\w+(?:-\w+)*", re.UNICODE)


@dataclass(frozen=True)
class Snippet:
    html: SafeString  # escaped text with <mark> around matched words
    text: str  # the same passage as plain text, for the API and the command line


class _Matcher:
    """Decides whether a word of the original text is one of the query's words or stems."""

    def __init__(self, surface: Collection[str], stems: Collection[str]) -> None:
        self.surface = {w for w in surface if w}
        self.stems = {s for s in stems if s}
        clues = [analysis.stem_clue(s) for s in self.stems]
        # A stem too short for a clue: every word is stemmed (as before the clues).
        self.clues: set[str] | None = None if None in clues else {c for c in clues if c}
        self.cache: dict[str, bool] = {}

    def __call__(self, token: str) -> bool:
        known = self.cache.get(token)
        if known is None:
            known = any(self._matches(form) for form in _forms(token))
            if len(self.cache) >= MAX_TOKENS_PER_MATCHER:  # kept matchers stay small
                self.cache.clear()
            self.cache[token] = known
        return known

    def _matches(self, form: str) -> bool:
        if form in self.surface:
            return True
        known = _STEMS.get(form)
        if known is None:
            if self.clues is not None and not analysis.may_stem_to(form, self.clues):
                return False  # a new word of the text costs no stemming
            known = analysis.stem(form)
            if len(_STEMS) >= MAX_STEMS_KEPT:
                _STEMS.clear()
            _STEMS[form] = known
        return known in self.stems


MAX_TOKENS_PER_MATCHER = 20_000
# Stems of the texts' words this process has needed: a word met again costs a dict lookup,
# a new one is stemmed only if it may match (the first searches of a worker meet many).
_STEMS: dict[str, str] = {}
MAX_STEMS_KEPT = 200_000


@lru_cache(maxsize=100_000)
def _forms(token: str) -> tuple[str, ...]:
    """The normalised words of a token of the text: the same for every hit and query, so kept
    for the process (normalising each word of 20 texts took ~10 ms)."""
    return tuple(analysis.words(token))


@lru_cache(maxsize=64)
def _matcher(surface: frozenset[str], stems: frozenset[str]) -> _Matcher:
    """One matcher for the 20 hits of a search (and its next page): each word decided once."""
    return _Matcher(surface, stems)


def _matches(text: str, matcher: _Matcher) -> list[tuple[int, int, str]]:
    spans = []
    for m in _TOKEN.finditer(text, 0, MAX_SCAN_CHARS):
        token = m.group().lower()
        if matcher(token) and not token.isdigit():
            spans.append((m.start(), m.end(), token))
    return spans


def _best_window(
    text: str, spans: list[tuple[int, int, str]], width: int
) -> tuple[int, int, int, int]:
    """(distinct words, matches, start, end) of the window of `width` characters that holds the
    most distinct query words, then the most matches; it starts a little before its first match
    so the reader sees the context."""
    best = (0, 0, 0, min(len(text), width))
    lead = width // 6
    for i, (start, _end, _w) in enumerate(spans):
        window_start = max(0, start - lead)
        window_end = window_start + width
        inside = []
        for span in spans[i:]:
            if span[1] > window_end:
                break
            inside.append(span)
        candidate = (len({s[2] for s in inside}), len(inside), window_start, window_end)
        if candidate[:2] > best[:2]:
            best = candidate
    return best


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the cut points to word boundaries so no word is shown half."""
    end = min(end, len(text))
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(start, end - 30), end)
        end = space if space != -1 else end
    return start, end


def make_snippet(
    texts: Iterable[str],
    *,
    words: Collection[str],
    stems: Collection[str],
    width: int = SNIPPET_CHARS,
) -> Snippet:
    """The passage of about `width` characters with the most query words, from the first text
    that has one (texts in reading order: summary, overview, narrative), else the text's start.

    Every character of the practice's text is escaped; only the <mark> tags are markup.
    """
    matcher = _matcher(frozenset(words), frozenset(stems))
    texts = [" ".join(t.split()) for t in texts if t and t.strip()]
    best: tuple[int, int, int, int, str, list[tuple[int, int, str]]] | None = None
    for text in texts:
        spans = _matches(text, matcher)
        if not spans:
            continue
        distinct, count, start, end = _best_window(text, spans, width)
        if best is None or (distinct, count) > best[:2]:
            best = (distinct, count, start, end, text, spans)
    if best is None:
        if not texts:
            return Snippet(SafeString(""), "")
        text, start, end, spans = texts[0], 0, width, []
    else:
        _d, _c, start, end, text, spans = best
    start, end = _snap(text, start, end)
    # Every piece is escaped text or a literal tag, so their concatenation is safe markup
    # (format_html per mark: 4 ms of a page of 20 hits under the profiler).
    pieces: list[str] = []
    if start > 0:
        pieces.append("… ")
    position = start
    for span_start, span_end, _w in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(" …")
    plain = ("… " if start > 0 else "") + text[start:end] + (" …" if end < len(text) else "")
    return Snippet(SafeString("".join(pieces)), plain)
