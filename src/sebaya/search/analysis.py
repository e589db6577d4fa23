"""Indonesian (and some English) text analysis shared by indexing and querying."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from Sastrawi.Stemmer.Stemmer import Stemmer

    from sebaya.search.glossary import Glossary

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "search"

QUERY_MAX_CHARS = 500
MAX_EXPANSIONS = 40
# Longer runs of letters are identifiers, hashes or pasted noise, not words: the stemmer would
# only waste time on them.
MAX_WORD_CHARS = 40
# Negations stay in the keys used to find glossary phrases, so "anak yang tidak sekolah" finds
# "anak tidak sekolah" (out-of-school children) while "anak sekolah" does not; likewise
# "out-of-school children" is not "school children".
NEGATIONS = frozenset({"tidak", "bukan", "belum", "tanpa", "no", "not", "out", "without"})

_FORMAT_CHARS = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_COMBINING = re.compile("[\u0300-\u036f]")
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`]")
_RUPIAH = re.compile(r"\brp(?=\d)")
# Thousands separators (Indonesian "." and English ",") join the digits: Rp1.500.000 is one number.
_DIGIT_GROUP = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
# Reduplication written with a 2 ("ibu2", "anak2"): the plural is the word twice.
_REDUPLICATION = re.compile(r"\b([^\W\d_]{2,})2\b")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lowercase, NFKC, accents and punctuation gone, "ibu2" -> "ibu ibu", single spaces.

    What remains is letters, digits and spaces only, so nothing an FTS parser reads as an
    operator can survive (quotes, *, ^, :, parentheses, minus).
    """
    if not isinstance(text, str) or not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = _COMBINING.sub("", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _FORMAT_CHARS.sub("", text)
    text = _APOSTROPHES.sub("", text)
    text = _RUPIAH.sub("rp ", text)
    text = _DIGIT_GROUP.sub("", text)
    text = _REDUPLICATION.sub(r"\1 \1", text)
    return _NON_WORD.sub(" ", text).strip()


def _read_column(name: str, column: str) -> list[str]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [row[column].strip() for row in csv.DictReader(handle) if row[column].strip()]


@cache
def stopwords() -> frozenset[str]:
    """Indonesian and English function words (our own lists in data/search/)."""
    words = _read_column("stopwords-id.csv", "word") + _read_column("stopwords-en.csv", "word")
    return frozenset(normalise(word) for word in words)


@cache
def colloquial_map() -> dict[str, tuple[str, ...]]:
    """Informal and abbreviated spellings -> the standard word(s)."""
    with (DATA_DIR / "colloquial.csv").open(encoding="utf-8", newline="") as handle:
        return {
            normalise(row["form"]): tuple(normalise(row["standard"]).split())
            for row in csv.DictReader(handle)
            if normalise(row["form"]) and normalise(row["standard"])
        }


def words(text: str) -> list[str]:
    """Normalised words, informal spellings mapped to standard Indonesian (gak -> tidak)."""
    mapping = colloquial_map()
    result: list[str] = []
    for word in normalise(text).split():
        if len(word) > MAX_WORD_CHARS:
            continue
        standard = mapping.get(word)
        if standard:
            result.extend(standard)
        else:
            result.append(word)
    return result


# Sastrawi strips these to stems that are everyday words elsewhere ("pendapatan" -> "dapat",
# the word for "can"; "penghasilan" -> "hasil", "result"; "penduduk" -> "duduk", "sit"), so
# every text would match an income query. They keep their own stem instead.
_STEM_OVERRIDES = {
    "pendapatan": "pendapatan",
    "berpendapatan": "pendapatan",
    "penghasilan": "penghasilan",
    "berpenghasilan": "penghasilan",
    "persalinan": "persalinan",
    "bersalin": "persalinan",
    "pelaku": "pelaku",
    "penduduk": "penduduk",
    "kependudukan": "penduduk",
}
# English irregular plurals that matter for the glossary (women <-> perempuan).
_ENGLISH_IRREGULAR = {"women": "woman", "men": "man", "children": "child", "people": "person"}
_ASCII_WORD = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouy]")


@cache
def _stemmer() -> Stemmer:
    """The one Sastrawi stemmer of the process (loading its dictionary takes ~30 ms).

    The factory wraps it in a cache that grows without bound; `stem` has its own bounded cache,
    so the bare stemmer is used.
    """
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    return getattr(stemmer, "delegatedStemmer", stemmer)


def _is_root(word: str) -> bool:
    return bool(_stemmer().get_dictionary().contains(word))


def _english_stem(word: str) -> str:
    """Light English stemming: plural -s/-es/-ies, -ing and -ed (Porter's step 1, simplified).

    Only called for words that Sastrawi leaves alone and that are not Indonesian root words, so
    "kelas", "dinas" or "penting" are never touched. Words ending in -as/-is/-os/-us/-ss are
    left alone too (Indonesian "puskesmas", "kasus", "praktis", "bansos"; English plurals rarely
    end so), and so are words without a vowel ("dtks", "bpjs"), which are acronyms. The analysis
    is the same for texts and queries, so an imperfect stem still matches its own word.
    """
    if word in _ENGLISH_IRREGULAR:
        return _ENGLISH_IRREGULAR[word]
    if len(word) < 4 or not _VOWEL.search(word[:-1]):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is", "as", "os")):
        word = word[:-1]
    if word.endswith("eed"):
        return word
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) < 3 or not _VOWEL.search(base):
                return word
            return _restore_e(base)
    return word


def _restore_e(base: str) -> str:
    """Undo what -ing/-ed did to the base: plann -> plan, reduc -> reduce, bas -> base."""
    if base.endswith(("at", "bl", "iz", "c", "v", "u", "ous", "aus")):
        return base + "e"
    if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
        return base[:-1]
    consonant_vowel_consonant = (
        len(base) == 3
        and base[0] not in "aeiou"
        and base[1] in "aeiou"
        and base[2] not in "aeiouwxy"
    )
    return base + "e" if consonant_vowel_consonant else base


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one normalised word: Sastrawi for Indonesian, light rules for English.

    Numbers and words with digits (p3ke, tnp2k) and non-Latin words are kept as they are.
    """
    if not word or not _ASCII_WORD.fullmatch(word):
        return word
    override = _STEM_OVERRIDES.get(word) or _STEM_OVERRIDES.get(word.removesuffix("nya"))
    if override:
        return override
    stemmed = _stemmer().stem_word(word) or word
    if stemmed != word or _is_root(word):
        return stemmed
    return _english_stem(word)


# Stemming only takes affixes off a word, rewrites its first letter (Sastrawi's "menulis" ->
# "tulis", "memukul" -> "pukul"), drops an infix after it ("gemetar" -> "getar"), or changes an
# English word's end ("policies" -> "policy", "making" -> "make"); words that are not plain
# letters are their own stems. So some letters of a stem stand together in every word that stems
# to it, but for the words stemmed by table. `may_stem_to` reads that off before paying for the
# stemmer (0.1-0.4 ms a new word): snippets test each word of 20 texts against a query's stems.
# tests/search/test_analysis.py holds it against every word of the demo corpus and glossary.
def stem_clue(stem_: str) -> str | None:
    """What every word stemming to `stem_` contains, or None when that cannot be told."""
    if not _ASCII_WORD.fullmatch(stem_):
        return stem_ or None  # only the word itself stems to it
    if len(stem_) >= 4:
        return stem_[1:3]  # clear of the first letter and of a rewritten end
    if len(stem_) == 3:
        return stem_[1]
    return None


def may_stem_to(word: str, clues: Collection[str]) -> bool:
    """False only when `stem(word)` is none of the stems these clues (stem_clue) came from."""
    if word in _ENGLISH_IRREGULAR or word in _STEM_OVERRIDES:
        return True
    if word.removesuffix("nya") in _STEM_OVERRIDES:
        return True
    return any(clue in word for clue in clues)


def _is_term(word: str, stop: frozenset[str]) -> bool:
    return word not in stop and (len(word) > 1 or word.isdigit())


def analyse(text: str) -> list[str]:
    """Index and query terms: words without stopwords, stemmed; order and repeats kept."""
    stop = stopwords()
    return [stem(word) for word in words(text) if _is_term(word, stop)]


def phrase_key(text: str) -> tuple[str, ...]:
    """The stems of `text` by which glossary phrases are found: stopwords out, negations kept.

    A text made only of stopwords keys on all its stems (so an entry "IT" still has a key).
    """
    stop = stopwords() - NEGATIONS
    all_words = words(text)
    kept = [stem(word) for word in all_words if _is_term(word, stop)]
    return tuple(kept or (stem(word) for word in all_words))


@dataclass(frozen=True)
class QueryAnalysis:
    text: str
    words: list[str]
    terms: list[str]
    expansions: list[str]
    glossary_hits: list[tuple[str, list[str]]]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def analyse_query(text: str, *, glossary: Glossary | None = None) -> QueryAnalysis:
    """Analyse what a user typed: its words, their stems, and what the glossary adds.

    `glossary` defaults to the process-wide one (database entries, else the file).
    """
    if not isinstance(text, str):
        text = ""
    text = text.strip()[:QUERY_MAX_CHARS]
    stop = stopwords()
    surface = _unique([word for word in words(text) if _is_term(word, stop)])
    terms = _unique([stem(word) for word in surface])

    if glossary is None:
        from sebaya.search.glossary import current_glossary

        glossary = current_glossary()
    hits = glossary.find(phrase_key(text))

    own = set(terms)
    expansions: list[str] = []
    for _term, written in hits:
        for expansion in written:
            for term in analyse(expansion):
                # "desil 1" should not add every text that contains a 1.
                if term not in own and not (term.isdigit() and len(term) < 3):
                    own.add(term)
                    expansions.append(term)
    return QueryAnalysis(
        text=text,
        words=surface,
        terms=terms,
        expansions=expansions[:MAX_EXPANSIONS],
        glossary_hits=hits,
    )
