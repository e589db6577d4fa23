"""The search service: query analysis, lexical and semantic retrieval, fusion, filters, facets."""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, cast

from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Subquery, When
from django.db.models.functions import Length
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sebaya.core.sql import SpaceJoined, id_set, id_set_sql
from sebaya.innovations.models import (
    Award,
    AwardProgramme,
    EvidenceItem,
    EvidenceKind,
    Innovation,
    Jenis,
    OutcomeFigure,
    RunningStatus,
    Stage,
    Theme,
    Urusan,
)
from sebaya.innovations.selectors import DEFAULT_SORT, CatalogueFilters, innovation_list
from sebaya.regions.models import Region
from sebaya.search import fusion
from sebaya.search.analysis import (
    QueryAnalysis,
    analyse_query,
    may_stem_to,
    normalise,
    stem,
    stem_clue,
)
from sebaya.search.backends.base import (
    Visibility,
    get_backend,
    visibility_for,
    vocabulary_cache,
)
from sebaya.search.highlight import make_snippet

Mode = Literal["hybrid", "lexical", "semantic"]
MODES: tuple[Mode, ...] = ("hybrid", "lexical", "semantic")
MAX_QUERY_CHARS = 500  # the analyser keeps as much; longer input is cut, never refused
LEXICAL_DEPTH = 200
# With no word match at all, only the closest few by meaning are offered.
SEMANTIC_FALLBACK_DEPTH = 10
MAX_GLOSSARY_REASONS = 3
FACET_NAMES = ("theme", "urusan", "province", "award", "stage", "jenis")

# Control characters never belong to a query, and PostgreSQL refuses NUL in text.
_CONTROL = {i: " " for i in range(32)} | {0x7F: " "}


@dataclass(frozen=True)
class SearchHit:
    innovation: Innovation
    score: float
    lexical_rank: int | None
    semantic_rank: int | None
    reasons: list[str]  # why it matched, in the current language
    snippet: SafeString  # escaped passage with <mark> around the query's words
    snippet_text: str = ""  # the same passage, plain


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: str
    corrected_query: str | None
    total: int
    items: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    mode: Mode
    timings: dict[str, float]  # milliseconds per stage, and "total"
    # True when nothing was searched (blank query, or no word that can be searched): pages
    # show suggestions instead of "no results".
    empty_query: bool = False
    semantic_available: bool = False
    # True when no practice holds the query's words and the results are by meaning alone:
    # pages say so, since nearest neighbours exist for any text, even nonsense.
    semantic_only: bool = False
    offset: int = 0
    limit: int = 20
    replacements: dict[str, str] = field(default_factory=dict)


class _Clock:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round((time.perf_counter() - start) * 1000, 2)

    def done(self) -> dict[str, float]:
        self.timings["total"] = round((time.perf_counter() - self.started) * 1000, 2)
        return self.timings


def clean_query(query: str) -> str:
    """The query as it will be searched: no control characters, at most MAX_QUERY_CHARS."""
    return " ".join((query or "").translate(_CONTROL).split())[:MAX_QUERY_CHARS]


def _corrected_text(text: str, replacements: dict[str, str]) -> str:
    """The typed query with its misspelt words replaced, as a "did you mean" suggestion."""
    out = []
    for token in normalise(text).split():
        out.append(replacements.get(token, token))
    return " ".join(out)


def _semantic_ids(text: str, visibility: Visibility) -> Callable[[], tuple[list[int], bool]]:
    """Start the semantic search; the returned call gives its best-first ids, and whether the
    index has any vector at all.

    The index is brought up to date here, on this thread's connection; the model and the scan
    (no database, and neither holds the GIL while it computes) then run on a thread of their
    own, beside the lexical search: 13 ms of model and 15 ms of scan overlap the lexical
    search's 8-10 ms instead of following it."""
    # Imported here: the embedding model loads only when a semantic search is made.
    from sebaya.search.semantic import embed_query, vector_index

    index = vector_index()
    if len(index) == 0:
        return lambda: ([], False)

    def run() -> list[int]:
        query = embed_query(text)
        hits = index.search(query, visibility=visibility, limit=fusion.SEMANTIC_DEPTH)
        return [innovation_id for innovation_id, _cosine in hits]

    future = _semantic_pool().submit(run)
    return lambda: (future.result(), True)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _semantic_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(2, thread_name_prefix="sebaya-semantic")
        return _pool


@dataclass
class _Facts:
    """What the boosts and facets need to know of one candidate."""

    region_code: str
    stage: str
    jenis: str
    signals: set[str]
    themes: set[str] = field(default_factory=set)
    urusan: set[str] = field(default_factory=set)
    awards: set[str] = field(default_factory=set)


def _without_facet_filters(filters: CatalogueFilters) -> CatalogueFilters:
    return replace(
        filters, theme="", urusan="", province="", region="", award="", stage="", jenis=""
    )


def _joined(through: Any, column: str) -> Subquery:
    """The `column` values of a practice's related rows, space-joined, as a correlated
    subquery (slugs, codes and programme values hold no space)."""
    return Subquery(
        through.objects.filter(innovation_id=OuterRef("pk"))
        .order_by()
        .values("innovation_id")
        .annotate(joined=SpaceJoined(column))
        .values("joined")
    )


_FACT_FIELDS = (
    "pk",
    "region__code",
    "stage",
    "jenis",
    "running_status",
    "_verified",
    "_institutionalised",
    "_themes",
    "_urusan",
    "_awards",
)


def _facts_queryset(*, user: Any, filters: CatalogueFilters, candidate_ids: list[int]) -> Any:
    """The candidates `user` may see among `candidate_ids` that pass the non-facet filters, as
    rows of _FACT_FIELDS: the related themes, urusan and awards come as joined correlated
    subqueries, so it is one statement."""
    outcomes = OutcomeFigure.objects.filter(innovation=OuterRef("pk")).exclude(source_url="")
    regulations = EvidenceItem.objects.filter(
        innovation=OuterRef("pk"), kind=EvidenceKind.REGULATION
    )
    return (
        innovation_list(user=user, filters=_without_facet_filters(filters))
        .filter(pk__in=id_set(candidate_ids))
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        .annotate(
            _verified=Exists(outcomes),
            _institutionalised=Exists(regulations),
            _themes=_joined(Innovation.themes.through, "theme__slug"),
            _urusan=_joined(Innovation.urusan.through, "urusan__code"),
            _awards=_joined(Award, "programme"),
        )
        .values_list(*_FACT_FIELDS)
    )


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    ids_at: int  # where the candidate ids' one parameter (core.sql.id_set) stands


# The facts statement differs only by who reads (the policy's labels) and the year filters, so
# it is compiled once for each: building and compiling it took ~3 ms of every search.
_STATEMENTS: OrderedDict[tuple[Any, ...], _Statement | None] = OrderedDict()
_STATEMENTS_MAX = 64
_statements_lock = threading.Lock()
_NO_ID = -1  # never a primary key: marks the ids' parameter in the compiled statement


def _facts_statement(
    *, user: Any, filters: CatalogueFilters, visibility: Visibility
) -> _Statement | None:
    """The compiled facts statement for this reader and these filters, or None when the rows it
    returns would not be _FACT_FIELDS in order (then the queryset runs as it is)."""
    key = (connection.alias, connection.vendor, visibility, _without_facet_filters(filters))
    with _statements_lock:
        if key in _STATEMENTS:
            _STATEMENTS.move_to_end(key)
            return _STATEMENTS[key]
    queryset = _facts_queryset(user=user, filters=filters, candidate_ids=[_NO_ID])
    query = queryset.query
    columns = [*query.extra_select, *query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    marker = id_set_sql([_NO_ID])[1][0]
    where = [i for i, param in enumerate(params) if param == marker]
    statement = None
    if columns == list(_FACT_FIELDS) and len(where) == 1:
        statement = _Statement(sql, tuple(params), where[0])
    with _statements_lock:
        _STATEMENTS[key] = statement
        while len(_STATEMENTS) > _STATEMENTS_MAX:
            _STATEMENTS.popitem(last=False)
    return statement


def _candidate_facts(
    *,
    user: Any,
    filters: CatalogueFilters,
    candidate_ids: list[int],
    visibility: Visibility | None = None,
) -> dict[int, _Facts]:
    """The candidates the user may see and that pass the filters other than the facet ones
    (years), with what the facets and boosts read: ONE statement, whatever the number of
    candidates or facet values (four separate queries took ~14 ms of a search at 250,000 on
    PostgreSQL, this one ~6 ms), compiled once per reader's labels and year filters.

    The visibility policy applies here again, after the index's permission labels, so a stale
    index entry can never show a practice to someone who may not see it.
    """
    if not candidate_ids:
        return {}
    statement = _facts_statement(
        user=user, filters=filters, visibility=visibility or visibility_for(user)
    )
    rows: Iterable[tuple[Any, ...]]
    if statement is None:
        rows = _facts_queryset(user=user, filters=filters, candidate_ids=candidate_ids)
    else:
        params = list(statement.params)
        params[statement.ids_at] = id_set_sql(candidate_ids)[1][0]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
    facts: dict[int, _Facts] = {}
    for row in rows:
        pk, code, stage, jenis, running_status, verified, institutionalised = row[:7]
        themes, urusan, awards = (set((text or "").split()) for text in row[7:])
        signals = set()
        if verified:
            signals.add(fusion.VERIFIED)
        if institutionalised:
            signals.add(fusion.INSTITUTIONALISED)
        if running_status == RunningStatus.RUNNING:
            signals.add(fusion.RUNNING)
        if awards:
            signals.add(fusion.AWARDED)
        facts[pk] = _Facts(code or "", stage, jenis, signals, themes, urusan, awards)
    return facts


def _passes(facts: _Facts, filters: CatalogueFilters, ignore: tuple[str, ...] = ()) -> bool:
    """Whether a candidate passes the facet filters (but those in `ignore`): the same tests as
    `innovation_list` makes in SQL (tests/search/test_selectors.py compares the two)."""
    if filters.theme and "theme" not in ignore and filters.theme not in facts.themes:
        return False
    if filters.urusan and "urusan" not in ignore and filters.urusan not in facts.urusan:
        return False
    province = filters.province
    if (
        province
        and "province" not in ignore
        and facts.region_code != province
        and not facts.region_code.startswith(f"{province}.")
    ):
        return False
    if filters.region and "region" not in ignore and facts.region_code != filters.region:
        return False
    if filters.award and "award" not in ignore:
        if filters.award == "any" and not facts.awards:
            return False
        if filters.award != "any" and filters.award not in facts.awards:
            return False
    if filters.stage and "stage" not in ignore and facts.stage != filters.stage:
        return False
    return not (filters.jenis and "jenis" not in ignore and facts.jenis != filters.jenis)


def search_facets(
    *, user: Any, filters: CatalogueFilters, candidate_ids: list[int]
) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the matching practices, each facet ignoring its own filter
    (so a reader sees what choosing another value would give)."""
    return _facets(
        _candidate_facts(user=user, filters=filters, candidate_ids=candidate_ids), filters
    )


@dataclass(frozen=True)
class _Labels:
    themes: dict[str, tuple[str, int]]  # slug: (name, display order)
    urusan: dict[str, str]  # code: name
    regions: dict[str, str]  # code (two characters at most): name


def _facet_labels(language: str) -> _Labels:
    """The names the facets show, for every theme, urusan and province: kept per process at the
    index version, checked with the vocabularies' (three queries a search before, ~2-3 ms at
    250,000 on PostgreSQL). Renaming a theme, an urusan or a region re-indexes its practices
    (signals.py: the names are in their documents), which is what changes that version."""

    def read() -> _Labels:
        return _Labels(
            themes={
                t.slug: (t.localized_name(language), t.display_order) for t in Theme.objects.all()
            },
            urusan={u.code: u.localized_name(language) for u in Urusan.objects.all()},
            # What a practice's region code starts with: the province's code.
            regions=dict(
                Region.objects.annotate(length=Length("code"))
                .filter(length__lte=2)
                .values_list("code", "name")
            ),
        )

    return cast(_Labels, vocabulary_cache.get(f"facet-labels-{language}", read))


def _facets(facts: dict[int, _Facts], filters: CatalogueFilters) -> dict[str, list[FacetValue]]:
    """The facets counted from the candidates' facts, named from `_facet_labels`."""
    if not facts:
        return {name: [] for name in FACET_NAMES}
    language = get_language()

    def counted(ignore: tuple[str, ...], values: Callable[[_Facts], Iterable[str]]) -> Counter:
        counts: Counter = Counter()
        for fact in facts.values():
            if _passes(fact, filters, ignore):
                counts.update(values(fact))
        return counts

    facets: dict[str, list[FacetValue]] = {}
    labels = _facet_labels(language)
    theme_counts = counted(("theme",), lambda f: f.themes)
    themes = [slug for slug in theme_counts if slug in labels.themes]
    facets["theme"] = [
        FacetValue(slug, labels.themes[slug][0], theme_counts[slug], slug == filters.theme)
        for slug in sorted(themes, key=lambda s: (-theme_counts[s], labels.themes[s][1], s))
    ]
    urusan_counts = counted(("urusan",), lambda f: f.urusan)
    urusan = [code for code in urusan_counts if code in labels.urusan]
    facets["urusan"] = [
        FacetValue(code, labels.urusan[code], urusan_counts[code], code == filters.urusan)
        for code in sorted(urusan, key=lambda c: (-urusan_counts[c], c))
    ]
    province_counts = counted(
        ("province", "region"), lambda f: [f.region_code[:2]] if f.region_code else []
    )
    facets["province"] = sorted(
        (
            FacetValue(code, labels.regions.get(code, code), n, code == filters.province)
            for code, n in province_counts.items()
        ),
        key=lambda f: (-f.count, f.label),
    )
    award_counts = counted(("award",), lambda f: f.awards)
    award_labels = dict(AwardProgramme.choices)
    facets["award"] = [
        FacetValue(value, str(award_labels[value]), award_counts[value], value == filters.award)
        for value in AwardProgramme.values
        if award_counts.get(value)
    ]
    stage_counts = counted(("stage",), lambda f: [f.stage])
    facets["stage"] = [
        FacetValue(value, str(label), stage_counts[value], value == filters.stage)
        for value, label in Stage.choices
        if stage_counts.get(value)
    ]
    jenis_counts = counted(("jenis",), lambda f: [f.jenis])
    facets["jenis"] = [
        FacetValue(value, str(label), jenis_counts[value], value == filters.jenis)
        for value, label in Jenis.choices
        if jenis_counts.get(value)
    ]
    return facets


BOOST_REASONS: dict[str, Callable[[], str]] = {
    fusion.VERIFIED: lambda: _("hasil terukur dengan sumber"),
    fusion.INSTITUTIONALISED: lambda: _("dilembagakan dengan regulasi"),
    fusion.AWARDED: lambda: _("meraih penghargaan"),
    fusion.RUNNING: lambda: _("masih berjalan"),
}


def _reasons(
    *,
    innovation: Innovation,
    fused: fusion.Fused,
    matched: frozenset[str],
    analysis: QueryAnalysis,
    surface_of: dict[str, str],
) -> list[str]:
    """Why a practice is in the results, in words a reader can check against the page."""
    reasons: list[str] = []
    query_terms = [t for t in analysis.terms if t in matched]
    if query_terms:
        title_terms = _title_terms(innovation.title, query_terms)
        in_title = [surface_of.get(t, t) for t in query_terms if t in title_terms]
        elsewhere = [surface_of.get(t, t) for t in query_terms if t not in title_terms]
        if in_title:
            reasons.append(_("kata di judul: %(words)s") % {"words": ", ".join(in_title)})
        if elsewhere:
            reasons.append(_("kata di isi: %(words)s") % {"words": ", ".join(elsewhere)})
    expansion_stems = set(analysis.expansions) & matched
    if expansion_stems:
        shown: set[tuple[str, ...]] = set()
        for term, expansions in analysis.glossary_hits:
            used = tuple(e for e in expansions if _stems_of(e) & expansion_stems)[:3]
            # "village" and "villages" expand alike: one line says it.
            if used and used not in shown and len(shown) < MAX_GLOSSARY_REASONS:
                shown.add(used)
                reasons.append(
                    _("glosarium: %(term)s → %(expansions)s")
                    % {"term": term, "expansions": ", ".join(used)}
                )
    if fused.semantic_rank is not None and fused.lexical_rank is None:
        reasons.append(_("makna serupa"))
    reasons.extend(BOOST_REASONS[name]() for name in fused.boosts)
    return reasons


def _title_terms(title: str, terms: Iterable[str]) -> set[str]:
    """The terms that some word of the title stems to. A title word is stemmed only when it holds
    a term's clue (analysis.may_stem_to): the titles of a worker's first searches are new words,
    0.1-0.4 ms each to stem (with the snippets' words, ~30 a search on the national set)."""
    title_words = normalise(title).split()
    found = set()
    for term in terms:
        clue = stem_clue(term)
        clues = () if clue is None else (clue,)
        if any((not clues or may_stem_to(w, clues)) and stem(w) == term for w in title_words):
            found.add(term)
    return found


@lru_cache(maxsize=4096)
def _stems_of(text: str) -> frozenset[str]:
    """The stems of a glossary expansion's words, asked for every hit of every search (kept per
    process)."""
    return frozenset(stem(word) for word in normalise(text).split())


def _snippet_texts(innovation: Innovation) -> list[str]:
    return [innovation.summary, innovation.overview, *(t for _f, _l, t in innovation.narrative())]


def search_practices(
    *,
    user: Any,
    query: str,
    filters: CatalogueFilters | None = None,
    limit: int = 20,
    offset: int = 0,
    mode: Mode = "hybrid",
) -> SearchResults:
    """Practices that answer `query`, best first, as `user` may see them, with facets.

    Lexical and semantic lists are fused (fusion.py); misspelt words are corrected against the
    index's vocabulary first and the correction reported. Catalogue filters then narrow the
    fused candidates. Works with either list empty: before vectors exist, lexical only; when
    no word of the query is in the index, semantic only.
    """
    clock = _Clock()
    filters = replace(filters or CatalogueFilters(), q="", sort=DEFAULT_SORT)
    mode = mode if mode in MODES else "hybrid"
    limit = max(0, limit)
    offset = max(0, offset)
    text = clean_query(query)

    def empty(**extra: Any) -> SearchResults:
        return SearchResults(
            query=text,
            corrected_query=None,
            total=0,
            items=[],
            facets={name: [] for name in FACET_NAMES},
            mode=mode,
            timings=clock.done(),
            offset=offset,
            limit=limit,
            **extra,
        )

    with clock.stage("analyse"):
        analysis = analyse_query(text) if text else None
        if analysis is None or not (analysis.terms or analysis.expansions):
            return empty(empty_query=True)
        corrected_query = None
        replacements: dict[str, str] = {}
        if analysis.words:
            from sebaya.search.spelling import suggest

            correction = suggest(analysis.words)
            if correction.changed:
                replacements = dict(correction.replacements)
                corrected_query = _corrected_text(text, replacements)
                analysis = analyse_query(corrected_query)
        search_text = corrected_query or text
        surface_of = {stem(word): word for word in analysis.words}

    visibility = visibility_for(user)
    semantic_result = None
    if mode in ("hybrid", "semantic"):
        with clock.stage("semantic start"):
            semantic_result = _semantic_ids(search_text, visibility)
    lexical_hits = []
    with clock.stage("lexical"):
        if mode in ("hybrid", "lexical") and (analysis.terms or analysis.expansions):
            lexical_hits = get_backend().search(
                analysis.terms,
                expansions=analysis.expansions,
                visibility=visibility,
                limit=LEXICAL_DEPTH,
            )
    semantic_ids: list[int] = []
    semantic_available = False
    with clock.stage("semantic"):  # what is left of it once the lexical search is done
        if semantic_result is not None:
            semantic_ids, semantic_available = semantic_result()
        if mode == "hybrid" and not lexical_hits:
            semantic_ids = semantic_ids[:SEMANTIC_FALLBACK_DEPTH]

    with clock.stage("fuse"):
        lexical_ids = [hit.innovation_id for hit in lexical_hits]
        candidate_ids = list(dict.fromkeys([*lexical_ids, *semantic_ids]))
        facts = _candidate_facts(
            user=user, filters=filters, candidate_ids=candidate_ids, visibility=visibility
        )
        signals = {pk: fact.signals for pk, fact in facts.items() if _passes(fact, filters)}
        ranked = [
            f
            for f in fusion.fuse(lexical=lexical_ids, semantic=semantic_ids, boosts=signals)
            if f.innovation_id in signals
        ]
    with clock.stage("facets"):
        facets = _facets(facts, filters)

    with clock.stage("page"):
        window = ranked[offset : offset + limit]
        # The hits show their awards, not their themes (the facets list those): prefetching
        # themes too cost ~2.5 ms a page at 250,000 on PostgreSQL.
        rows = {
            i.pk: i
            for i in innovation_list(user=user, filters=filters)
            .filter(pk__in=[f.innovation_id for f in window])
            .prefetch_related(None)
            .prefetch_related("awards")
        }
        matched = {hit.innovation_id: hit.matched for hit in lexical_hits}
        stems = [*analysis.terms, *analysis.expansions]
        items = []
        for f in window:
            innovation = rows.get(f.innovation_id)
            if innovation is None:  # changed between the two queries: skip, never leak
                continue
            snippet = make_snippet(_snippet_texts(innovation), words=analysis.words, stems=stems)
            items.append(
                SearchHit(
                    innovation=innovation,
                    score=round(f.score, 6),
                    lexical_rank=f.lexical_rank,
                    semantic_rank=f.semantic_rank,
                    reasons=_reasons(
                        innovation=innovation,
                        fused=f,
                        matched=matched.get(f.innovation_id, frozenset()),
                        analysis=analysis,
                        surface_of=surface_of,
                    ),
                    snippet=snippet.html,
                    snippet_text=snippet.text,
                )
            )
    return SearchResults(
        query=text,
        corrected_query=corrected_query,
        total=len(ranked),
        items=items,
        facets=facets,
        mode=mode,
        timings=clock.done(),
        semantic_available=semantic_available,
        semantic_only=bool(ranked) and not lexical_hits,
        offset=offset,
        limit=limit,
        replacements=replacements,
    )


def search_suggestions(*, user: Any, count: int = 5) -> dict[str, Any]:
    """What to offer when a search finds nothing or nothing was typed: themes with their
    practices, and awarded practices that are still running (the catalogue's strongest)."""
    published_themes = (
        Theme.objects.filter(innovations__in=innovation_list(user=user).order_by().values("pk"))
        .annotate(n=Count("innovations", distinct=True))
        .filter(n__gt=0)
        .order_by("display_order", "slug")
    )
    practices = list(
        innovation_list(user=user)
        .annotate(n_awards=Count("awards", distinct=True))
        .annotate(running=Case(When(running_status=RunningStatus.RUNNING, then=1), default=0))
        .order_by("-n_awards", "-running", "title", "pk")[:count]
    )
    return {"themes": list(published_themes), "practices": practices}
