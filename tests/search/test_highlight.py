"""Snippets: the passage with the most query words, marked, and everything else escaped."""

from django.template import Context, Template

from sebaya.search.analysis import analyse_query, stem
from sebaya.search.highlight import SNIPPET_CHARS, make_snippet


def _snippet(texts, query):
    analysis = analyse_query(query)
    return make_snippet(texts, words=analysis.words, stems=[*analysis.terms, *analysis.expansions])


def test_marks_the_query_words_by_their_stem():
    """'kemiskinan' in the text matches 'miskin' in the query: both stem to 'miskin'."""
    assert stem("kemiskinan") == stem("miskin")
    snippet = _snippet(["Penanggulangan kemiskinan di desa."], "miskin")
    assert "<mark>kemiskinan</mark>" in snippet.html
    assert snippet.text == "Penanggulangan kemiskinan di desa."


def test_script_in_practice_text_is_escaped_never_run():
    text = 'Data <script>alert("x")</script> warga miskin & <b>rentan</b> "tepat sasaran"'
    snippet = _snippet([text], "data warga miskin")
    html = str(snippet.html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;rentan&lt;/b&gt;" in html
    assert "&amp;" in html
    assert "<mark>Data</mark>" in html and "<mark>miskin</mark>" in html
    # The only tags left are the marks.
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    # And the template keeps it as it is (already safe), without escaping the marks twice.
    rendered = Template("{{ s }}").render(Context({"s": snippet.html}))
    assert rendered == html


def test_a_query_word_that_is_markup_is_escaped_inside_the_mark():
    snippet = _snippet(["kode <skrip> dan skrip lainnya"], "skrip")
    assert "<mark>skrip</mark>" in snippet.html
    assert "&lt;<mark>skrip</mark>&gt;" in snippet.html


def test_chooses_the_passage_with_most_query_words():
    filler = "Lorem ipsum dolor sit amet. " * 30
    best = "Bantuan modal usaha bagi ibu pedagang pasar dengan bunga rendah."
    text = f"{filler} Modal kecil. {filler} {best} {filler}"
    snippet = _snippet([text], "bantuan modal ibu pedagang")
    assert "<mark>pedagang</mark>" in snippet.html
    assert "<mark>Bantuan</mark>" in snippet.html
    assert snippet.text.startswith("… ") and snippet.text.endswith(" …")
    assert len(snippet.text) <= SNIPPET_CHARS + 4


def test_takes_the_text_with_the_best_passage_among_several():
    snippet = _snippet(
        ["Ringkasan tentang desa.", "Gambaran: gizi buruk anak di pesisir ditangani posyandu."],
        "anak gizi buruk pesisir",
    )
    assert snippet.text.startswith("Gambaran")
    assert snippet.html.count("<mark>") == 4


def test_without_any_match_the_start_of_the_first_text():
    snippet = _snippet(["", "Teks pertama yang berisi. " * 20, "Teks kedua."], "zzzqqq")
    assert "<mark>" not in snippet.html
    assert snippet.text.startswith("Teks pertama")
    assert snippet.text.endswith(" …")
    assert not snippet.text[:-2].endswith(" ")  # cut at a word boundary


def test_nothing_to_show():
    assert _snippet([], "miskin").html == ""
    assert _snippet(["", "  "], "miskin").text == ""


def test_odd_text_never_breaks_it():
    for text in ["\x00\x01", "🙂" * 300, "a" * 50_000, "<" * 500, "ibu2 anak-anak"]:
        snippet = _snippet([text], "ibu2 anak")
        assert "<" not in str(snippet.html).replace("<mark>", "").replace("</mark>", "")


def test_the_stemmer_is_skipped_only_for_words_that_cannot_match():
    """The matcher's clue check (analysis.may_stem_to) changes no answer: the same marks as
    stemming every word, for words that match by stem, by surface form, and that do not."""
    from sebaya.search import analysis
    from sebaya.search.highlight import _Matcher

    text = (
        "Menulis dan memukul gendang, pendapatannya naik; policies for women and children, "
        "P3KE dan TNP2K, ibu-ibu menyapu, kemiskinan ekstrem, anak-anak bersekolah lagi."
    )
    for query in (
        "tulis pukul",
        "pendapatan",
        "policy woman child",
        "p3ke tnp2k",
        "sapu ibu",
        "miskin",
        "sekolah anak",
        "tv",
    ):
        result = analyse_query(query)
        stems = [*result.terms, *result.expansions]
        matcher = _Matcher(result.words, stems)
        for token in text.lower().replace(",", " ").replace(";", " ").split():
            full = any(
                form in matcher.surface or analysis.stem(form) in matcher.stems
                for form in analysis.words(token)
            )
            assert matcher(token) == full, (query, token)
