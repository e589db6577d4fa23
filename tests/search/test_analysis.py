"""Tests for the text analysis: normalisation, informal spellings, stopwords, stems, queries."""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sebaya.search.analysis import (
    MAX_EXPANSIONS,
    QUERY_MAX_CHARS,
    QueryAnalysis,
    analyse,
    analyse_query,
    normalise,
    phrase_key,
    stem,
    stopwords,
    words,
)
from sebaya.search.glossary import Glossary, invalidate_glossary

FTS_OPERATOR_CHARS = re.compile(r"[\"'*^:()+\-{}\[\].,;~|&<>=!?/\\@#$%`]")


@cache
def file_glossary() -> Glossary:
    return Glossary.from_file()


def query(text: str) -> QueryAnalysis:
    return analyse_query(text, glossary=file_glossary())


# normalisation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bantuan Modal", "bantuan modal"),
        ("  banyak   spasi\t\n di sini ", "banyak spasi di sini"),
        ("ibu2 pedagang", "ibu ibu pedagang"),
        ("anak-anak", "anak anak"),
        ("P3KE, TNP2K dan SDGs!", "p3ke tnp2k dan sdgs"),
        ("Dottoro'ta", "dottorota"),
        ("Kafé", "kafe"),
        ("\uff30\uff2b\uff28", "pkh"),  # full-width letters (NFKC)
        ("mis\u200bkin", "miskin"),  # a zero-width space does not split a word
        ("Rp1.500.000", "rp 1500000"),
        ("1,97% (2022)", "1 97 2022"),
        ("", ""),
    ],
)
def test_normalise(text, expected):
    """Lowercase, accents, punctuation and invisible characters go; numbers stay."""
    assert normalise(text) == expected


def test_normalise_keeps_numbers():
    """Years, counts and phone numbers survive analysis."""
    assert analyse("Sejak 2016, 877 desa dan call center 112") == [
        "2016",
        "877",
        "desa",
        "call",
        "center",
        "112",
    ]


# informal spellings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ga gak nggak enggak tdk", ["tidak"] * 5),
        ("gimana", ["bagaimana"]),
        ("bikin", ["buat"]),
        ("dobel", ["ganda"]),
        ("yg dgn krn utk", ["yang", "dengan", "karena", "untuk"]),
        ("sdh blm org", ["sudah", "belum", "orang"]),
        ("bumil", ["ibu", "hamil"]),
        ("gizi buruk", ["gizi", "buruk"]),
        ("kasih", ["kasih"]),  # give or love: not mapped
    ],
)
def test_words_map_informal_spellings(text, expected):
    """Informal spellings become standard Indonesian; ambiguous words are left alone."""
    assert words(text) == expected


def test_issue_queries():
    """The officer's queries of issue 3 come out as the words that carry their meaning."""
    assert query("gimana caranya data warga miskin ga dobel").words == [
        "data",
        "warga",
        "miskin",
        "ganda",
    ]
    assert query("anak gizi buruk di pesisir").words == ["anak", "gizi", "buruk", "pesisir"]
    analysis = query("bantuan modal buat ibu2 pedagang")
    assert analysis.words == ["bantuan", "modal", "ibu", "pedagang"]
    assert analysis.terms == ["bantu", "modal", "ibu", "dagang"]
    analysis = query("how do villages earn their own income")
    assert analysis.words == ["villages", "earn", "income"]
    assert analysis.terms == ["village", "earn", "income"]


# stopwords and stems


def test_stopwords_removed():
    """Indonesian and English function words are not terms."""
    assert analyse("yang dan di untuk dengan the of how do") == []
    assert analyse("Program untuk perempuan di desa") == ["program", "perempuan", "desa"]
    assert {"yang", "dan", "the", "how"} <= stopwords()


def test_content_words_are_not_stopwords():
    """Words that Sastrawi's list drops but that matter here stay."""
    assert analyse("ibu orang kerja masalah") == ["ibu", "orang", "kerja", "masalah"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("pemberdayaan", "daya"),
        ("kemiskinan", "miskin"),
        ("pedagang", "dagang"),
        ("kesehatan", "sehat"),
        ("villages", "village"),
        ("communities", "community"),
        ("services", "service"),
        ("taxes", "tax"),
        ("mentoring", "mentor"),
        ("financing", "finance"),
        ("targeted", "target"),
        ("planned", "plan"),
        ("housing", "house"),
        ("earnings", "earn"),
        ("women", "woman"),
        # Indonesian words are never trimmed as if English
        ("puskesmas", "puskesmas"),
        ("dinas", "dinas"),
        ("kasus", "kasus"),
        ("bansos", "bansos"),
        ("penting", "penting"),
        # acronyms without vowels stay
        ("dtks", "dtks"),
        ("bpjs", "bpjs"),
        # over-stemming into everyday words is avoided
        ("pendapatan", "pendapatan"),
        ("penghasilan", "penghasilan"),
        # numbers, words with digits and other scripts are kept
        ("2024", "2024"),
        ("p3ke", "p3ke"),
        ("кошка", "кошка"),
        ("", ""),
    ],
)
def test_stem(word, expected):
    assert stem(word) == expected


def test_analyse_keeps_order_and_repeats():
    """Index terms keep order and repeats (term frequency matters for ranking)."""
    assert analyse("Desa miskin, desa mandiri") == ["desa", "miskin", "desa", "mandiri"]


# queries


def test_query_deduplicates_and_cuts():
    """Query words and terms are unique; the text is stripped and cut to 500 characters."""
    analysis = query("  desa DESA desa-desa  ")
    assert analysis.text == "desa DESA desa-desa"
    assert analysis.words == ["desa"]
    assert analysis.terms == ["desa"]
    assert len(query("a" * 5000).text) == QUERY_MAX_CHARS


def test_query_expansions_from_acronyms():
    """Acronyms bring their expansions, as stems, without the query's own terms."""
    analysis = query("program PKH")
    assert analysis.glossary_hits[0][0] == "PKH"
    assert "Program Keluarga Harapan" in analysis.glossary_hits[0][1]
    assert {"keluarga", "harap", "conditional", "cash", "transfer"} <= set(analysis.expansions)
    assert not set(analysis.expansions) & set(analysis.terms)
    assert len(analysis.expansions) == len(set(analysis.expansions))


def test_query_expansions_are_bounded():
    """However many glossary terms a query holds, expansions stay capped."""
    long_query = " ".join(["P3KE DTKS PKH BPNT KIS JKN BPJS KIP BLT TKPK RTLH OPD UMKM"] * 3)
    analysis = query(long_query)
    assert len(analysis.glossary_hits) == 13
    assert len(analysis.expansions) == MAX_EXPANSIONS


def test_query_glossary_phrases_on_stems_and_negation():
    """Phrases match through stopwords and inflection, but a negation must be there."""
    assert [hit[0] for hit in query("rumah yang tidak layak huni").glossary_hits] == [
        "rumah tidak layak huni"
    ]
    assert "ats" in query("anak yang tidak sekolah").expansions
    assert "ats" not in query("anak sekolah").expansions
    # "kemiskinan ekstrem" is one hit, not also "miskin"
    assert [hit[0] for hit in query("kemiskinan ekstrem").glossary_hits] == ["kemiskinan ekstrem"]


def test_phrase_key_of_stopwords_only():
    """A term made only of stopwords still has a key (so it can be matched)."""
    assert phrase_key("IT") == ("it",)
    assert phrase_key("yang tidak") == ("tidak",)


def test_query_without_glossary_terms():
    """A query the glossary knows nothing about has no expansions."""
    analysis = query("umbul ponggok")
    assert analysis.expansions == []
    assert analysis.glossary_hits == []


@pytest.mark.django_db
def test_query_uses_file_glossary_when_table_empty():
    """Before the glossary is loaded into the database, the file still expands queries."""
    invalidate_glossary()
    try:
        assert "tengkes" in analyse_query("stunting").expansions
    finally:
        invalidate_glossary()


def test_query_without_database_access_uses_the_file():
    """Code without database access (async views, unit tests) still gets expansions."""
    invalidate_glossary()
    try:
        assert "tengkes" in analyse_query("stunting").expansions
    finally:
        invalidate_glossary()


# hostile input

HOSTILE = [
    "",
    "   ",
    '"',
    '"unbalanced',
    "NEAR(desa miskin, 3)",
    "desa* ^miskin title:desa",
    "a AND OR NOT b",
    "'; DROP TABLE search_searchdocument; --",
    "\x00\x01\x02\x1b[31m",
    "🙂🏳️‍🌈👩‍👩‍👧 ibu2",
    "ـ" * 50,
    "x" * 10_000,
    "desa " * 2_000,
    "\ud800",  # lone surrogate
    "क्षेत्र 地区 منطقة",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_inputs(text):
    """Nothing a user can type makes analysis fail or leak an FTS operator."""
    check(text)


def check(text: str) -> None:
    for terms in (analyse(text), words(text)):
        assert all(isinstance(term, str) and term for term in terms)
        assert not any(FTS_OPERATOR_CHARS.search(term) or " " in term for term in terms)
    analysis = query(text)
    for terms in (analysis.words, analysis.terms, analysis.expansions):
        assert all(isinstance(term, str) and term for term in terms)
        assert not any(FTS_OPERATOR_CHARS.search(term) or " " in term for term in terms)
    assert len(analysis.text) <= QUERY_MAX_CHARS
    assert isinstance(normalise(text), str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_is_safe(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *['"', "*", "^", ":", "NEAR", "AND", "(", ")", "-", "'", "\\", "%", "_", "\x00"],
                *["ibu2", "P3KE", "gak", "🙂", "desa", "kemiskinan ekstrem", "village fund"],
            ]
        ),
        max_size=30,
    ).map(" ".join)
)
def test_operator_soup_is_safe(text):
    check(text)


def test_analyse_rejects_nothing_of_type_str_subclasses():
    """A str subclass (as Django's SafeString) is analysed like any str."""

    class Marked(str):
        pass

    assert analyse(Marked("Desa Miskin")) == ["desa", "miskin"]


def _vocabulary_for_clues() -> set[str]:
    """Every word of the demo practices and the glossary, and affixed forms of Sastrawi roots."""
    from sebaya.innovations.demo import SAMPLE_PATH
    from sebaya.search.analysis import _stemmer
    from sebaya.search.glossary import read_glossary_file

    vocabulary = set(words(SAMPLE_PATH.read_text(encoding="utf-8")))
    for row in read_glossary_file():
        vocabulary.update(words(" ".join([row.term, *row.expansions])))
    roots = sorted(_stemmer().get_dictionary().words)[::150]  # 200 of Sastrawi's 30,000 roots
    prefixes = (
        "me",
        "mem",
        "men",
        "meng",
        "meny",
        "pe",
        "pem",
        "pen",
        "peng",
        "peny",
        "ber",
        "ter",
        "di",
        "ke",
        "per",
        "memper",
        "diper",
        "se",
    )
    suffixes = ("", "kan", "an", "i", "nya", "lah")
    for root in roots:
        vocabulary.update(p + root + s for p in prefixes for s in suffixes)
        vocabulary.update(root + s for s in suffixes)
    return {w for w in vocabulary if w}


def test_a_stems_clue_is_in_every_word_that_stems_to_it():
    """highlight's matcher skips the stemmer for a word without any query stem's clue: sound only
    if every word holds the clue of its own stem (checked here on ~24,000 real and affixed
    Indonesian and English words; on the 87,064 words of the national data set too, once)."""
    from sebaya.search.analysis import may_stem_to, stem_clue

    vocabulary = _vocabulary_for_clues()
    assert len(vocabulary) > 20_000
    missed = []
    for word in vocabulary:
        clue = stem_clue(stem(word))
        if clue is not None and not may_stem_to(word, [clue]):
            missed.append((word, stem(word), clue))
    assert missed == []
    # The words stemmed by table still match however unlike their stems they look.
    assert stem("women") == "woman" and may_stem_to("women", ["xx"])
    assert may_stem_to("pendapatannya", ["xx"])
    # Short stems give no clue: every word is stemmed for them.
    assert stem_clue("tv") is None and stem_clue("p3ke") == "p3ke"
