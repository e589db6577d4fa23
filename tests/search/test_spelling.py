"""Typo correction against the index's words: edit distance, candidate filter, demo corpus."""

from __future__ import annotations

import random
import string

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from sebaya.search import indexing
from sebaya.search.models import GlossaryEntry
from sebaya.search.spelling import SpellIndex, damerau_levenshtein, max_distance, suggest


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kemiskinan", "kemiskinan", 0),
        ("kemiskian", "kemiskinan", 1),
        ("stuntng", "stunting", 1),
        ("sutnting", "stunting", 1),  # transposition
        ("abcd", "bacd", 1),
        ("gizi", "giza", 1),
        ("ca", "abc", 3),  # optimal string alignment, not unrestricted Damerau
        ("", "abc", 3),
    ],
)
def test_damerau_levenshtein(a, b, distance):
    assert damerau_levenshtein(a, b, 5) == distance
    assert damerau_levenshtein(b, a, 5) == distance


def test_distance_cut_off():
    assert damerau_levenshtein("kemiskinan", "pemberdayaan", 2) == 3


def brute_force(vocabulary: dict[str, int], word: str) -> str | None:
    limit = max_distance(word)
    scored = [
        (d, -df, w)
        for w, df in vocabulary.items()
        if 0 < (d := damerau_levenshtein(word, w, limit)) <= limit
    ]
    return min(scored)[2] if scored else None


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10_000), edits=st.integers(1, 2))
def test_candidate_filter_never_loses_a_correction(seed, edits):
    """The bigram filter finds exactly what a scan of the whole vocabulary finds."""
    rng = random.Random(seed)
    letters = "aiuekmnstrgbdl"
    vocabulary = {
        "".join(rng.choice(letters) for _ in range(rng.randint(4, 11))): rng.randint(1, 50)
        for _ in range(300)
    }
    target = rng.choice(sorted(vocabulary))
    typo = list(target)
    for _ in range(edits):
        op = rng.choice("sidt")
        i = rng.randrange(len(typo))
        if op == "s":
            typo[i] = rng.choice(string.ascii_lowercase)
        elif op == "i":
            typo.insert(i, rng.choice(string.ascii_lowercase))
        elif op == "d" and len(typo) > 4:
            del typo[i]
        elif op == "t" and i + 1 < len(typo):
            typo[i], typo[i + 1] = typo[i + 1], typo[i]
    word = "".join(typo)
    if word in vocabulary:
        return
    assert SpellIndex(vocabulary).correct(word) == brute_force(vocabulary, word)


def test_prefers_nearest_then_most_frequent():
    index = SpellIndex({"bantuan": 5, "bantuin": 50, "pantuan": 1, "bantaun": 9})
    assert index.correct("bantuxn") == "bantuin"  # all at distance 1: most documents
    assert SpellIndex({"kemiskinan": 1, "kemiskina": 2}).correct("kemiskin") == "kemiskina"
    assert SpellIndex({}).correct("apapun") is None
    assert SpellIndex({"zzzz": 1}).correct("abcdefgh") is None


@pytest.fixture
def demo_index(db, monkeypatch):
    """The demo corpus, indexed (its vectors are not needed for spelling)."""
    monkeypatch.setattr("sebaya.search.semantic.embed_all", lambda **kwargs: 0)
    call_command("demo", verbosity=0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("kemiskian", "kemiskinan"), ("stuntng", "stunting"), ("pemberdayan", "pemberdayaan")],
)
def test_demo_typos_are_corrected(demo_index, typed, expected):
    correction = suggest(["data", typed])
    assert correction.changed
    assert correction.words == ["data", expected]
    assert correction.replacements == {typed: expected}


def test_known_short_numeric_and_inflected_words_are_kept(demo_index):
    words = ["kemiskinan", "miskin", "anak", "gizi", "dtks", "2023", "abc", "pemberdayaannya"]
    correction = suggest(words)
    assert not correction.changed
    assert correction.words == words
    assert correction.replacements == {}


def test_glossary_terms_are_never_corrected(demo_index):
    assert suggest(["stuntin"]).replacements == {"stuntin": "stunting"}
    GlossaryEntry.objects.create(term="stuntin", expansions="istilah uji", kind="acronym")
    assert not suggest(["stuntin"]).changed


def test_empty_index_and_empty_query(db):
    assert suggest([]).words == []
    assert not suggest(["kemiskian"]).changed


def test_new_words_become_known_when_indexed(demo_index):
    from tests.innovations.factories import InnovationFactory

    assert suggest(["kemiskian"]).changed
    innovation = InnovationFactory(title="Kemiskian", summary="")
    indexing.index_innovation(innovation.pk)
    assert not suggest(["kemiskian"]).changed


@pytest.mark.parametrize("word", ["😀😀😀😀", "a" * 10_000, "kemiskinan😀", "ŝtunting", "x\x00yz"])
def test_odd_words_never_raise(demo_index, word):
    correction = suggest([word, "stuntng"])
    assert correction.words[1] == "stunting"
