"""Reads of the matcher: recommendations for a region and a problem, peer regions, who nearby
has done a practice, and the regions that need help most."""

from __future__ import annotations

import datetime
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sebaya.core.templatetags.sebaya_tags import period_label
from sebaya.innovations.models import (
    Contact,
    EvidenceItem,
    EvidenceKind,
    Innovation,
    Jenis,
    Theme,
)
from sebaya.innovations.selectors import CatalogueFilters, innovation_list
from sebaya.learning.models import AdoptionStage
from sebaya.learning.selectors import AdoptionFact, adoption_facts
from sebaya.matching import scoring
from sebaya.matching.profiles import (
    PEMDA_LEVELS,
    IndicatorContext,
    ProfileTable,
    RegionProfile,
    profile_table,
)
from sebaya.matching.scoring import Adopter, Component, fmt
from sebaya.matching.weights import COMPONENTS, RELEVANCE, Weights, default_weights
from sebaya.regions.indicators import parse_period
from sebaya.regions.models import Region, RegionLevel
from sebaya.search.analysis import analyse, analyse_query
from sebaya.search.selectors import search_practices

# The search's best this many are re-ranked; past them relevance is too low to matter.
CANDIDATE_DEPTH = 50
MAX_LIMIT = 50
MAX_PROBLEM_CHARS = 500
_TERMS_CACHE_SIZE = 5000
_terms_cache: dict[tuple[int, Any], frozenset[str]] = {}

# What to search for when the officer wrote no problem, by the indicator that shows the need.
NEED_QUERIES = {
    "extreme_poverty_rate": "penanggulangan kemiskinan ekstrem",
    "poverty_rate": "penanggulangan kemiskinan",
}
GENERAL_QUERY = "penanggulangan kemiskinan"
# How much each indicator weighs in the need ranking (others: NEED_DEFAULT_WEIGHT).
NEED_WEIGHTS = {"extreme_poverty_rate": 0.6, "poverty_rate": 0.4}
NEED_DEFAULT_WEIGHT = 0.2


# --- needs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedSignal:
    """One reason a region needs help: an indicator getting worse, or worse than Indonesia."""

    context: IndicatorContext
    kind: str  # "rising" or "above_national"
    amount: float  # percentage points (positive = worse)
    text: str


def need_signals(profile: RegionProfile, *, own_only: bool = True) -> list[NeedSignal]:
    """Worsening indicators and indicators worse than the national figure of the same period."""
    language = get_language()
    signals: list[NeedSignal] = []
    for context in profile.indicators.values():
        if context.missing or (own_only and context.proxy):
            continue
        name = context.indicator.localized_name(language)
        latest, previous = context.latest, context.previous
        assert latest is not None
        if context.worsening and previous is not None and context.change is not None:
            signals.append(
                NeedSignal(
                    context,
                    "rising",
                    abs(context.change),
                    _("%(name)s memburuk %(change)s poin: %(before)s (%(p0)s) → %(after)s (%(p1)s)")
                    % {
                        "name": name,
                        "change": fmt(abs(context.change)),
                        "before": fmt(previous.value),
                        "p0": period_label(previous.period),
                        "after": fmt(latest.value),
                        "p1": period_label(latest.period),
                    },
                )
            )
        if context.worse_than_national and context.national is not None:
            gap = abs(context.gap_to_national or 0.0)
            text = _("%(name)s %(value)s, lebih buruk dari Indonesia %(national)s (%(period)s)") % {
                "name": name,
                "value": fmt(latest.value),
                "national": fmt(context.national.value),
                "period": period_label(context.national.period),
            }
            if not context.national_exact:
                text += " " + _("(periode nasional berbeda, tahun sama)")
            signals.append(NeedSignal(context, "above_national", gap, text))
    return signals


def need_score(signals: Iterable[NeedSignal], table: ProfileTable, as_of: Any = None) -> float:
    """Sum over signals of weight x amount / the indicator's spread across regions."""
    total = 0.0
    for s in signals:
        weight = NEED_WEIGHTS.get(s.context.slug, NEED_DEFAULT_WEIGHT)
        total += weight * s.amount / table.spread(s.context.slug, as_of)
    return round(total, 4)


# --- recommendations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Practitioner:
    """A region that originated or adopted a practice, seen from an adopter."""

    region: Region
    role: str  # "origin" or "adopter"
    stage: str  # adoption stage ("" for the origin)
    stage_label: str
    nearness: str  # "province" or "island_group" or ""


@dataclass
class Recommendation:
    innovation: Innovation
    score: float
    confidence: float
    components: dict[str, Component]
    weights: dict[str, float]
    contributions: dict[str, float]
    search_rank: int | None = None
    adopter_stage: str = ""  # the adopting region's own adoption stage of it, if any
    nearby: list[Practitioner] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)

    @property
    def confidence_label(self) -> str:
        return confidence_label(self.confidence)

    @property
    def adopter_stage_label(self) -> str:
        return str(AdoptionStage(self.adopter_stage).label) if self.adopter_stage else ""


def confidence_label(value: float) -> str:
    if value >= 0.8:
        return _("tinggi")
    if value >= 0.6:
        return _("sedang")
    return _("rendah")


@dataclass
class Recommendations:
    region: Region
    profile: RegionProfile
    problem: str
    query: str  # what was searched ("" for none)
    query_source: str  # "user", "need", "general" or "none"
    theme: str
    digital: str
    budget: str
    weights: Weights
    items: list[Recommendation]
    needs: list[NeedSignal]
    candidates: int = 0
    own_practices: int = 0  # the region's own practices, left out
    messages: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def normalised_weights(self) -> dict[str, float]:
        present = set(COMPONENTS) - ({RELEVANCE} if self.query_source == "none" else set())
        return self.weights.normalised(present)


@dataclass(frozen=True)
class _Facts:
    evidence: scoring.EvidenceFacts
    feasibility: scoring.FeasibilityFacts


def _practice_facts(innovations: list[Innovation]) -> dict[int, _Facts]:
    """Evidence and feasibility facts of the candidates in one query (awards come prefetched
    with them)."""
    ids = [i.pk for i in innovations]
    rows = {
        row["pk"]: row
        for row in Innovation.objects.filter(pk__in=ids)
        .annotate(
            n_results=Count("outcomes", filter=~Q(outcomes__source_url=""), distinct=True),
            n_regulations=Count(
                "evidence", filter=Q(evidence__kind=EvidenceKind.REGULATION), distinct=True
            ),
            has_budget=Exists(
                EvidenceItem.objects.filter(innovation=OuterRef("pk"), kind=EvidenceKind.BUDGET)
            ),
            has_contact=Exists(Contact.objects.filter(innovation=OuterRef("pk"))),
            digital_theme=Exists(
                Innovation.themes.through.objects.filter(
                    innovation=OuterRef("pk"), theme__slug=scoring.DIGITAL_THEME
                )
            ),
        )
        .values("pk", "n_results", "n_regulations", "has_budget", "has_contact", "digital_theme")
        .order_by()
    }
    facts: dict[int, _Facts] = {}
    for i in innovations:
        row = rows.get(i.pk)
        if row is None:
            continue
        awards = [(str(a.get_programme_display()), a.year) for a in i.awards.all()]
        digital: bool | None = None
        if i.jenis == Jenis.DIGITAL or row["digital_theme"]:
            digital = True
        elif i.jenis == Jenis.NON_DIGITAL:
            digital = False
        guidance = sum(
            1
            for name in ("how_it_works", "success_conditions", "replication_notes", "legal_basis")
            if getattr(i, name)
        )
        facts[i.pk] = _Facts(
            evidence=scoring.EvidenceFacts(
                sourced_results=row["n_results"],
                regulations=row["n_regulations"],
                awards=awards,
                running_status=i.running_status,
                status_checked_on=i.status_checked_on,
            ),
            feasibility=scoring.FeasibilityFacts(
                guidance_filled=guidance,
                has_contact=bool(row["has_contact"] or i.organisation_id),
                digital=digital,
                province_scale=i.region.level == RegionLevel.PROVINCE,
                budget_line=bool(row["has_budget"]),
            ),
        )
    return facts


class MatchSession:
    """Reads shared by several recommendations in one request (the need ranking asks for one
    per region): the profile table, searches, and facts per practice, each read once."""

    def __init__(self, user: Any, table: ProfileTable | None = None) -> None:
        self.user = user
        self.table = table or profile_table()
        self.searches: dict[tuple[str, str], Any] = {}
        self.facts: dict[int, _Facts] = {}
        self.adoptions: dict[int, list[AdoptionFact]] = {}
        self.contacts: dict[int, list[Contact]] = {}

    def search(self, query: str, theme: str) -> Any:
        key = (query, theme)
        if key not in self.searches:
            self.searches[key] = search_practices(
                user=self.user,
                query=query,
                filters=CatalogueFilters(theme=theme),
                limit=CANDIDATE_DEPTH,
            )
        return self.searches[key]

    def load(self, innovations: list[Innovation]) -> None:
        """Facts and adoption records of the practices not read yet (two queries at most)."""
        missing = [i for i in innovations if i.pk not in self.facts]
        if missing:
            self.facts.update(_practice_facts(missing))
            found = adoption_facts([i.pk for i in missing])
            for i in missing:
                self.adoptions[i.pk] = list(found.get(i.pk, []))

    def load_contacts(self, ids: list[int]) -> None:
        missing = [pk for pk in ids if pk not in self.contacts]
        if missing:
            for pk in missing:
                self.contacts[pk] = []
            for contact in Contact.objects.filter(innovation_id__in=missing).order_by("pk"):
                self.contacts[contact.innovation_id].append(contact)


def _nearness(a: Region, b: Region) -> str:
    if a.province_code and a.province_code == b.province_code:
        return "province"
    if a.island_group and a.island_group == b.island_group:
        return "island_group"
    return ""


def _practitioners(
    innovation: Innovation, facts: list[AdoptionFact], adopter: Region, table: ProfileTable
) -> list[Practitioner]:
    """The origin and the adopters of a practice in the adopter's province or island group."""
    out = []
    origin_near = _nearness(innovation.region, adopter)
    if origin_near and innovation.region_id != adopter.pk:
        out.append(Practitioner(innovation.region, "origin", "", "", origin_near))
    for fact in facts:
        region = table.by_id.get(fact.region_id)
        if region is None or region.pk == adopter.pk:
            continue
        near = _nearness(region, adopter)
        if near:
            out.append(
                Practitioner(
                    region, "adopter", fact.stage, str(AdoptionStage(fact.stage).label), near
                )
            )
    out.sort(key=lambda p: (p.nearness != "province", p.role != "origin", p.region.name))
    return out


def _choose_query(
    problem: str, theme: str, profile: RegionProfile
) -> tuple[str, str, list[NeedSignal], list[str]]:
    """(query, source, needs, messages): the written problem, else one read from the region's
    needs, else a general one; none when only a theme was chosen for a region without data."""
    needs = need_signals(profile, own_only=False)
    messages: list[str] = []
    if not profile.has_any_data:
        messages.append(
            _("Belum ada data indikator untuk %(region)s: kecocokan konteks kurang pasti.")
            % {"region": profile.region.name}
        )
    elif not profile.has_own_data:
        messages.append(
            _("%(region)s belum punya angka sendiri; dipakai angka %(province)s.")
            % {
                "region": profile.region.name,
                "province": profile.province.name if profile.province else "",
            }
        )
    if problem:
        return problem, "user", needs, messages
    if needs:
        strongest = max(needs, key=lambda s: NEED_WEIGHTS.get(s.context.slug, 0.0))
        query = NEED_QUERIES.get(strongest.context.slug, GENERAL_QUERY)
        messages.append(
            _("Masalah belum ditulis: saran dipilih dari kebutuhan wilayah (%(need)s).")
            % {"need": strongest.text}
        )
        return query, "need", needs, messages
    if theme:
        messages.append(_("Masalah belum ditulis: saran dipilih dari tema."))
        return "", "none", needs, messages
    messages.append(
        _(
            "Masalah belum ditulis: saran umum penanggulangan kemiskinan. "
            "Tulis masalahnya agar lebih tepat."
        )
    )
    return GENERAL_QUERY, "general", needs, messages


def invalid_choices(
    *, theme: str = "", budget: str = "", digital: str = "", as_of: str = "", level: str = ""
) -> dict[str, str]:
    """The request values that are not accepted, as {field: value} (empty when all are)."""
    errors: dict[str, str] = {}
    if theme and not Theme.objects.filter(slug=theme).exists():
        errors["theme"] = theme
    if budget and budget not in scoring.LEVELS:
        errors["budget"] = budget
    if digital and digital not in scoring.LEVELS:
        errors["digital"] = digital
    if level and level not in PEMDA_LEVELS:
        errors["level"] = level
    if as_of:
        try:
            parse_period(as_of)
        except ValueError:
            errors["as_of"] = as_of
    return errors


def practice_terms(innovation: Innovation) -> frozenset[str]:
    """The stems of a practice's title, summary, overview and narrative (kept per version)."""
    key = (innovation.pk, innovation.updated_at)
    terms = _terms_cache.get(key)
    if terms is None:
        text = " ".join(
            [innovation.title, innovation.summary, innovation.overview]
            + [t for _f, _l, t in innovation.narrative()]
        )
        terms = frozenset(analyse(text))
        if len(_terms_cache) >= _TERMS_CACHE_SIZE:
            _terms_cache.clear()
        _terms_cache[key] = terms
    return terms


def clean_problem(problem: str | None) -> str:
    return " ".join((problem or "").split())[:MAX_PROBLEM_CHARS]


def recommend(
    *,
    user: Any,
    region: Region,
    problem: str = "",
    theme: str = "",
    digital: str = "",
    budget: str = "",
    weights: Weights | None = None,
    limit: int = 10,
    as_of: str | datetime.date | None = None,
    hidden_adoptions: Collection[tuple[int, int]] = (),
    include_own: bool = False,
    today: datetime.date | None = None,
    session: MatchSession | None = None,
) -> Recommendations:
    """Practices for `region` and its `problem`, best first, each with its explanation.

    The search supplies the candidates (its best CANDIDATE_DEPTH, as `user` may see them) and
    their relevance; the matcher scores each candidate's transferability, evidence, track
    record and feasibility and combines them with `weights` (scoring.combine). The region's
    own practices are left out unless `include_own`. `hidden_adoptions` ((innovation id,
    region id) pairs) are ignored, for leave-one-out evaluation. A `session` lets a caller
    that recommends for many regions read each search and each practice's facts once.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    weights = weights or default_weights()
    limit = max(1, min(limit, MAX_LIMIT))
    today = today or timezone.localdate()
    problem = clean_problem(problem)
    session = session or MatchSession(user)
    table = session.table
    adopter_profile = table.profile(region, as_of)
    query, source, needs, messages = _choose_query(problem, theme, adopter_profile)

    t0 = time.perf_counter()
    ranks: dict[int, tuple[int, float]] = {}
    query_terms: list[str] = []
    if query and source == "user" and session.search(query, theme).empty_query:
        # Only stopwords or symbols ("yang dan di"): suggest as if nothing had been written.
        query, source, needs, fallback = _choose_query("", theme, adopter_profile)
        messages = [_("Masalah ini tidak berisi kata yang bisa dicari."), *fallback]
    if query:
        results = session.search(query, theme)
        candidates = [hit.innovation for hit in results.items]
        query_terms = analyse_query(results.corrected_query or query).terms
        ranks = {hit.innovation.pk: (n, hit.score) for n, hit in enumerate(results.items, 1)}
        if results.empty_query:
            source = "none"
    else:
        candidates = list(
            innovation_list(user=user, filters=CatalogueFilters(theme=theme))[:CANDIDATE_DEPTH]
        )
    timings["search"] = round((time.perf_counter() - t0) * 1000, 2)

    own = [i for i in candidates if i.region_id == region.pk]
    if not include_own:
        candidates = [i for i in candidates if i.region_id != region.pk]

    t0 = time.perf_counter()
    session.load(candidates)
    facts, adoptions = session.facts, session.adoptions
    hidden = set(hidden_adoptions)
    adopter_is_local = region.level in (RegionLevel.REGENCY, RegionLevel.CITY)
    present = set(COMPONENTS) - ({RELEVANCE} if source == "none" else set())
    normalised = weights.normalised(present)
    items: list[Recommendation] = []
    for innovation in candidates:
        if innovation.pk not in facts:
            continue
        origin_region = table.by_id.get(innovation.region_id, innovation.region)
        origin = table.profile(origin_region, as_of)
        rank, search_score = ranks.get(innovation.pk, (None, None))
        records = [
            f
            for f in adoptions.get(innovation.pk, [])
            if (innovation.pk, f.region_id) not in hidden
        ]
        adopter_stage = next((f.stage for f in records if f.region_id == region.pk), "")
        adopters = [
            Adopter(
                table.profile(table.by_id[f.region_id], as_of),
                f.stage,
                f.stage_rank,
                str(AdoptionStage(f.stage).label),
            )
            for f in records
            if f.region_id != region.pk and f.region_id in table.by_id
        ]
        components = {
            "relevance": scoring.relevance_component(
                rank=rank,
                coverage=scoring.term_coverage(query_terms, practice_terms(innovation)),
                query_source=source,
                search_score=search_score,
            ),
            "transferability": scoring.transferability_component(origin, adopter_profile, table),
            "evidence": scoring.evidence_component(facts[innovation.pk].evidence, today=today),
            "track_record": scoring.track_record_component(adopters, adopter_profile, table),
            "feasibility": scoring.feasibility_component(
                replace(
                    facts[innovation.pk].feasibility,
                    province_scale=facts[innovation.pk].feasibility.province_scale
                    and adopter_is_local,
                ),
                digital_readiness=digital,
                budget=budget,
            ),
        }
        score, confidence, contributions = scoring.combine(components, normalised)
        items.append(
            Recommendation(
                innovation=innovation,
                score=score,
                confidence=confidence,
                components=components,
                weights=normalised,
                contributions=contributions,
                search_rank=rank,
                adopter_stage=adopter_stage,
            )
        )
    items.sort(
        key=lambda r: (
            -r.score,
            r.search_rank or CANDIDATE_DEPTH + 1,
            r.innovation.title,
            r.innovation.pk,
        )
    )
    shown = items[:limit]
    session.load_contacts([r.innovation.pk for r in shown])
    for r in shown:
        r.nearby = _practitioners(r.innovation, adoptions.get(r.innovation.pk, []), region, table)
        r.contacts = session.contacts.get(r.innovation.pk, [])
    timings["score"] = round((time.perf_counter() - t0) * 1000, 2)
    timings["total"] = round((time.perf_counter() - started) * 1000, 2)
    return Recommendations(
        region=region,
        profile=adopter_profile,
        problem=problem,
        query=query if source != "none" else "",
        query_source=source,
        theme=theme,
        digital=digital,
        budget=budget,
        weights=weights,
        items=shown,
        needs=needs,
        candidates=len(items),
        own_practices=len(own),
        messages=messages,
        timings=timings,
    )


# --- peers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    profile: RegionProfile
    similarity: scoring.Similarity

    @property
    def region(self) -> Region:
        return self.profile.region


def peer_regions(
    region: Region,
    *,
    limit: int = 10,
    as_of: str | datetime.date | None = None,
    table: ProfileTable | None = None,
) -> list[Peer]:
    """The regions most alike `region` by context: provinces for a province, kabupaten and kota
    for a kabupaten or kota. Ties go to the better-known (confidence), then the code."""
    table = table or profile_table()
    mine = table.profile(region, as_of)
    if region.level == RegionLevel.PROVINCE:
        levels: tuple[str, ...] = (RegionLevel.PROVINCE,)
    elif region.level in (RegionLevel.REGENCY, RegionLevel.CITY):
        levels = (RegionLevel.REGENCY, RegionLevel.CITY)
    else:
        return []
    peers = []
    for other in table.regions:
        if other.pk == region.pk or other.level not in levels:
            continue
        profile = table.profile(other, as_of)
        peers.append(Peer(profile, scoring.context_similarity(mine, profile, table)))
    peers.sort(key=lambda p: (-p.similarity.score, -p.similarity.confidence, p.region.code))
    return peers[: max(1, min(limit, MAX_LIMIT))]


@dataclass(frozen=True)
class NearbyPractice:
    """A practice originated or adopted in the region's province or island group."""

    innovation: Innovation
    practitioners: list[Practitioner]


def nearby_practices(
    *,
    user: Any,
    region: Region,
    innovation: Innovation | None = None,
    limit: int = 20,
    table: ProfileTable | None = None,
) -> list[NearbyPractice]:
    """Who near me has done this: practices (or the one given) whose origin or an adopter is in
    the region's province (first) or island group."""
    table = table or profile_table()
    visible = innovation_list(user=user)
    if innovation is not None:
        visible = visible.filter(pk=innovation.pk)
    practices = list(visible)
    adoptions = adoption_facts([p.pk for p in practices])
    out = []
    for practice in practices:
        people = _practitioners(practice, adoptions.get(practice.pk, []), region, table)
        if people:
            out.append(NearbyPractice(practice, people))
    out.sort(
        key=lambda n: (
            not any(p.nearness == "province" for p in n.practitioners),
            -len(n.practitioners),
            n.innovation.title,
        )
    )
    return out[:limit]


# --- need ranking ------------------------------------------------------------------------


@dataclass
class NeedRow:
    profile: RegionProfile
    signals: list[NeedSignal]
    score: float
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def region(self) -> Region:
        return self.profile.region


@dataclass
class NeedRanking:
    as_of: str
    rows: list[NeedRow]  # regions with at least one need signal, most in need first
    without_signal: list[RegionProfile]  # regions with data and no signal
    regions_without_data: int
    periods: list[str]


def need_ranking(
    *,
    user: Any,
    as_of: str = "",
    level: str = "",
    limit: int = 20,
    practices: int = 3,
    table: ProfileTable | None = None,
) -> NeedRanking:
    """Regions ranked by need (need_score over need_signals of their own figures, as of a
    period), each with its `practices` best recommendations for its need."""
    table = table or profile_table()
    rows: list[NeedRow] = []
    quiet: list[RegionProfile] = []
    levels = {level} if level else set(PEMDA_LEVELS)
    with_data = [r for r in table.regions_with_own_data() if r.level in levels]
    for region in with_data:
        profile = table.profile(region, as_of or None)
        if not profile.has_own_data:
            continue
        signals = need_signals(profile)
        if signals:
            day = profile.as_of
            rows.append(NeedRow(profile, signals, need_score(signals, table, day)))
        else:
            quiet.append(profile)
    rows.sort(key=lambda r: (-r.score, r.region.code))
    rows = rows[: max(1, min(limit, MAX_LIMIT))]
    if practices > 0:
        session = MatchSession(user, table)
        for row in rows:
            row.recommendations = recommend(
                user=user,
                region=row.region,
                limit=practices,
                as_of=as_of or None,
                session=session,
            ).items
    pemda_total = sum(1 for r in table.regions if r.level in levels)
    return NeedRanking(
        as_of=as_of,
        rows=rows,
        without_signal=sorted(quiet, key=lambda p: p.region.code),
        regions_without_data=pemda_total - len(with_data),
        periods=table.periods("extreme_poverty_rate"),
    )
