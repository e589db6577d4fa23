"""search_practices on the demo corpus: the issue's queries, modes, spelling, permissions,
filters, facets and a bounded number of queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from sebaya.innovations.models import PublicationStatus
from sebaya.innovations.selectors import CatalogueFilters
from sebaya.search.models import Embedding, SearchDocument
from sebaya.search.selectors import search_practices
from tests.accounts.factories import CuratorFactory, MembershipFactory, UserFactory
from tests.innovations.factories import InnovationFactory
from tests.search.demo_index import build_demo_index

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


@pytest.fixture
def demo(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        practices = build_demo_index(monkeypatch)
    return practices


def ids(results, n: int | None = None) -> list[str]:
    return [hit.innovation.external_id for hit in results.items[:n]]


def test_the_issues_queries_find_the_practices_that_answer_them(demo):
    """The four ways officers ask, from the issue; no query word needs to be in the title."""
    top = ids(search_practices(user=ANON, query="gimana caranya data warga miskin ga dobel"), 5)
    assert {"pekalongan-lab-kemiskinan", "trenggalek-gertak"} <= set(top)
    targeting = {
        "pekalongan-lab-kemiskinan",
        "trenggalek-gertak",
        "sragen-uptpk",
        "banyuwangi-kolaborasi-kemiskinan",
        "jateng-kemiskinan-ekstrem",
    }
    assert len(targeting & set(top)) >= 4  # the practices about poverty data and targeting

    top = ids(search_practices(user=ANON, query="bantuan modal buat ibu2 pedagang"), 5)
    assert {"jatim-puspa", "bandung-kredit-melati"} <= set(top)

    top = ids(search_practices(user=ANON, query="how do villages earn their own income"), 5)
    assert "klaten-bumdes-ponggok" in top

    top = ids(search_practices(user=ANON, query="anak gizi buruk di pesisir"), 5)
    assert {"pekalongan-puspa-kuning", "sumedang-simpati"} <= set(top)


def test_modes_and_what_each_hit_says_about_its_origin(demo):
    query = "bantuan modal buat ibu2 pedagang"
    lexical = search_practices(user=ANON, query=query, mode="lexical")
    semantic = search_practices(user=ANON, query=query, mode="semantic")
    hybrid = search_practices(user=ANON, query=query, mode="hybrid")
    assert lexical.items and semantic.items and hybrid.items
    assert all(h.lexical_rank and h.semantic_rank is None for h in lexical.items)
    assert all(h.semantic_rank and h.lexical_rank is None for h in semantic.items)
    assert all(h.lexical_rank or h.semantic_rank for h in hybrid.items)
    assert hybrid.mode == "hybrid" and hybrid.semantic_available
    # Scores fall down the list, and every stage is timed.
    scores = [h.score for h in hybrid.items]
    assert scores == sorted(scores, reverse=True)
    assert {"analyse", "lexical", "semantic", "fuse", "facets", "page", "total"} <= set(
        hybrid.timings
    )


def test_lexical_only_until_vectors_exist(demo):
    """Before any vector is computed, hybrid search is the lexical ranking (boosts aside)."""
    query = "kemiskinan ekstrem"
    with_vectors = search_practices(user=ANON, query=query)
    Embedding.objects.all().delete()
    without = search_practices(user=ANON, query=query)
    lexical = search_practices(user=ANON, query=query, mode="lexical")
    assert not without.semantic_available and with_vectors.semantic_available
    assert ids(without) == ids(lexical)
    assert all(h.semantic_rank is None for h in without.items)
    assert "jateng-kemiskinan-ekstrem" in ids(without, 3)


def test_by_meaning_alone_when_no_word_matches(demo):
    """Words no practice holds still get the closest practices by meaning, flagged as such."""
    results = search_practices(user=ANON, query="qwertyuiop zxcvbnm")
    assert results.semantic_only
    assert 0 < results.total <= 10
    assert all(h.lexical_rank is None and h.semantic_rank for h in results.items)
    assert all("makna serupa" in h.reasons for h in results.items)


def test_misspelt_words_are_corrected_and_reported(demo):
    results = search_practices(user=ANON, query="kemiskian")
    assert results.corrected_query == "kemiskinan"
    assert results.replacements == {"kemiskian": "kemiskinan"}
    assert results.items
    assert any("kemiskinan" in reason for reason in results.items[0].reasons)
    assert "<mark>" in results.items[0].snippet
    # A word the index knows is left alone.
    assert search_practices(user=ANON, query="kemiskinan").corrected_query is None


def test_nothing_to_search_is_flagged_not_searched(demo):
    for query in ("", "   ", "yang dan di", "🙂", "\x00", "..."):
        results = search_practices(user=ANON, query=query)
        assert results.empty_query, query
        assert results.total == 0 and results.items == []


def test_reasons_say_why_a_practice_matched(demo):
    results = search_practices(user=ANON, query="P3KE")
    first = results.items[0]
    assert first.innovation.external_id == "jateng-kemiskinan-ekstrem"
    assert any(r.startswith("glosarium: P3KE") for r in first.reasons)
    results = search_practices(user=ANON, query="laboratorium kemiskinan")
    first = results.items[0]
    assert first.innovation.external_id == "pekalongan-lab-kemiskinan"
    assert "kata di judul: laboratorium, kemiskinan" in first.reasons


def test_drafts_only_for_their_organisation_and_curators(demo, django_capture_on_commit_callbacks):
    member = MembershipFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        draft = InnovationFactory.create(
            title="Lumbung Zebrakuda Rahasia",
            summary="Lumbung pangan zebrakuda untuk keluarga miskin.",
            organisation=member.organisation,
            status=PublicationStatus.DRAFT,
        )
    from sebaya.search.semantic import update_embedding

    update_embedding(draft.pk)

    def finds(user, mode="hybrid", query="lumbung zebrakuda"):
        return draft.pk in [
            h.innovation.pk
            for h in search_practices(user=user, query=query, mode=mode, limit=100).items
        ]

    for mode in ("hybrid", "lexical", "semantic"):
        assert not finds(ANON, mode), mode
        assert not finds(UserFactory(), mode), mode
        assert finds(member.user, mode), mode
        assert finds(CuratorFactory(), mode), mode

    # A stale index that says "published" still shows nothing: the policy is checked again.
    SearchDocument.objects.filter(pk=draft.pk).update(is_published=True)
    from sebaya.search.backends import get_backend

    get_backend().upsert([SearchDocument.objects.get(pk=draft.pk)])
    assert not finds(ANON, "lexical")
    assert not finds(ANON, "hybrid")


def test_filters_narrow_the_results_and_facets_count_the_rest(demo):
    query = "kemiskinan"
    everything = search_practices(user=ANON, query=query, limit=100)
    jateng = search_practices(
        user=ANON, query=query, filters=CatalogueFilters(province="33"), limit=100
    )
    assert 0 < jateng.total < everything.total
    assert all(h.innovation.region.code.startswith("33") for h in jateng.items)
    # The filtered list keeps the unfiltered order.
    order = ids(everything)
    assert ids(jateng) == [i for i in order if i in set(ids(jateng))]

    provinces = {f.value: f for f in jateng.facets["province"]}
    # A facet ignores its own filter: the other provinces stay offered with their counts.
    assert provinces["33"].selected and provinces["33"].count == jateng.total
    assert len(provinces) > 1
    assert sum(f.count for f in jateng.facets["province"]) == everything.total
    # Other facets count within the filter.
    for facet in ("theme", "stage", "jenis", "award", "urusan"):
        for value in jateng.facets[facet]:
            assert value.count <= jateng.total, (facet, value)
    themes = {f.value: f.count for f in jateng.facets["theme"]}
    for slug, count in themes.items():
        assert count == sum(
            1 for h in jateng.items if slug in {t.slug for t in h.innovation.themes.all()}
        )

    digital = search_practices(
        user=ANON, query=query, filters=CatalogueFilters(province="33", jenis="digital")
    )
    assert all(h.innovation.jenis == "digital" for h in digital.items)
    assert digital.total <= jateng.total
    # The catalogue's own keyword filter is not applied twice.
    with_q = search_practices(user=ANON, query=query, filters=CatalogueFilters(q="zzz"))
    assert with_q.total == everything.total


def test_pages_continue_each_other(demo):
    first = search_practices(user=ANON, query="kemiskinan", limit=5)
    second = search_practices(user=ANON, query="kemiskinan", limit=5, offset=5)
    whole = search_practices(user=ANON, query="kemiskinan", limit=10)
    assert ids(first) + ids(second) == ids(whole)
    assert first.total == second.total == whole.total
    assert search_practices(user=ANON, query="kemiskinan", offset=10_000).items == []


def test_query_count_is_bounded(demo):
    """A fixed number of queries whatever the number of hits, filters or page size: index
    version checks (one per cached vocabulary read: inside a test's transaction each read checks,
    outside one every two seconds at most), the lexical query and its candidates' labels, ONE
    for the candidates' facts (rows with boosts, themes, urusan and awards as subqueries), none
    for the facet names (kept at the index version), two for the page (rows, awards)."""

    def count(query, filters=None, limit=20):
        search_practices(user=ANON, query=query, filters=filters, limit=limit)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            results = search_practices(user=ANON, query=query, filters=filters, limit=limit)
        assert results.items
        return len(captured)

    counts = [
        count("kemiskinan"),
        count("P3KE", limit=5),
        count("kemiskinan", CatalogueFilters(province="33", theme="pendataan-sasaran")),
        count("how do villages earn their own income", CatalogueFilters(year_from=2018)),
    ]
    assert max(counts) <= 11, counts
    assert count("kemiskinan", limit=2) == count("kemiskinan", limit=50)


def test_facet_names_follow_a_renamed_theme(demo, django_capture_on_commit_callbacks):
    """The facet names are kept per process at the index version: a rename re-indexes the
    theme's practices once committed, and shows at the next search."""
    from sebaya.innovations.models import Theme

    before = search_practices(user=ANON, query="kemiskinan").facets["theme"]
    assert before
    theme = Theme.objects.get(slug=before[0].value)
    with django_capture_on_commit_callbacks(execute=True):
        theme.name_id = "Nama baru tema"
        theme.save()
    after = {
        f.value: f.label for f in search_practices(user=ANON, query="kemiskinan").facets["theme"]
    }
    assert after[theme.slug] == "Nama baru tema"


def test_facts_bring_every_theme_urusan_and_award_of_a_practice(demo):
    """The joined subqueries (core.sql.SpaceJoined) keep each related value, on both databases."""
    from sebaya.innovations.models import Innovation
    from sebaya.search.selectors import _candidate_facts

    practice = (
        Innovation.objects.filter(status=PublicationStatus.PUBLISHED)
        .annotate(
            n_themes=Count("themes", distinct=True),
            n_urusan=Count("urusan", distinct=True),
            n_awards=Count("awards", distinct=True),
        )
        .filter(n_themes__gte=2, n_urusan__gte=1, n_awards__gte=2)
        .first()
    )
    assert practice is not None  # several themes and awards: each must come through
    facts = _candidate_facts(user=ANON, filters=CatalogueFilters(), candidate_ids=[practice.pk])
    fact = facts[practice.pk]
    assert fact.themes == set(practice.themes.values_list("slug", flat=True))
    assert fact.urusan == set(practice.urusan.values_list("code", flat=True))
    assert fact.awards == set(practice.awards.values_list("programme", flat=True))


def test_facet_filters_in_python_agree_with_the_catalogue_query(demo):
    """Search filters and counts its candidates in memory (`_passes`): for every filter value
    the demo holds, alone and in pairs, the same practices as innovation_list's SQL."""
    import itertools

    from sebaya.innovations.models import Award, Innovation
    from sebaya.innovations.selectors import innovation_list
    from sebaya.search.selectors import _candidate_facts, _passes

    everything = list(Innovation.objects.values_list("pk", flat=True))
    facts = _candidate_facts(user=ANON, filters=CatalogueFilters(), candidate_ids=everything)
    assert facts
    values = []
    for fact in facts.values():
        values += [("theme", t) for t in fact.themes] + [("urusan", u) for u in fact.urusan]
        values += [("province", fact.region_code[:2]), ("region", fact.region_code)]
        values += [("stage", fact.stage), ("jenis", fact.jenis)]
    values += [
        ("award", "any"),
        *(("award", p) for p in Award.objects.values_list("programme", flat=True)),
    ]
    values = sorted(set(values))
    combos = [dict([v]) for v in values] + [
        dict([a, b]) for a, b in itertools.combinations(values, 2) if a[0] != b[0]
    ][::7]
    assert len(combos) > 40
    for combo in combos:
        filters = CatalogueFilters(**combo)
        expected = set(
            innovation_list(user=ANON, filters=filters)
            .filter(pk__in=everything)
            .values_list("pk", flat=True)
        )
        assert {pk for pk, fact in facts.items() if _passes(fact, filters)} == expected, combo


def test_postgresql_has_the_covering_index_of_the_candidates_read():
    """innovations 0004: on PostgreSQL the candidates' facts come from an index-only scan."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL index (SQLite keeps rows by id)")
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "innovations_innovation")
    index = constraints["innovation_search_facts"]
    assert index["index"] and index["columns"][0] == "id"


def test_the_compiled_facts_statement_answers_as_the_queryset(demo):
    """_candidate_facts runs a statement compiled once per reader's labels and filters: for an
    anonymous reader, a member with a draft, another member, a curator, with and without year
    filters and a catalogue keyword, over different candidate sets, the same facts as the
    queryset it was compiled from; a draft never reaches a reader who may not see it."""
    from sebaya.innovations.models import Innovation
    from sebaya.search import selectors

    member = MembershipFactory.create()
    draft = InnovationFactory.create(
        organisation=member.organisation, status=PublicationStatus.DRAFT, year=2019
    )
    everything = list(Innovation.objects.order_by("pk").values_list("pk", flat=True))
    readers = [ANON, member.user, MembershipFactory.create().user, CuratorFactory()]
    filter_sets = [
        CatalogueFilters(),
        CatalogueFilters(year_from=2018),
        CatalogueFilters(year_from=2016, year_to=2020, province="33"),
        CatalogueFilters(q="desa"),
    ]
    selectors._STATEMENTS.clear()
    for reader in readers:
        for filters in filter_sets:
            for ids in (everything, everything[::2], [draft.pk], everything[1:4]):
                got = selectors._candidate_facts(user=reader, filters=filters, candidate_ids=ids)
                rows = selectors._facts_queryset(user=reader, filters=filters, candidate_ids=ids)
                assert set(got) == {row[0] for row in rows}, (reader, filters)
                for row in rows:
                    fact = got[row[0]]
                    assert fact.themes == set((row[7] or "").split())
                    assert fact.stage == row[2] and fact.region_code == (row[1] or "")
        draft_facts = selectors._candidate_facts(
            user=reader, filters=CatalogueFilters(year_from=2018), candidate_ids=[draft.pk]
        )
        assert (draft.pk in draft_facts) == (reader == member.user or reader.is_staff)
    # One statement per reader's labels and filters, compiled, none fell back to the queryset.
    assert all(statement is not None for statement in selectors._STATEMENTS.values())
    assert len(selectors._STATEMENTS) == len(filter_sets) * len(readers)
