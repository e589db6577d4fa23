"""The matcher's score components, each a small pure function of facts already read.

Every component answers a score in 0..1 (or None when it does not apply), a confidence in 0..1
(how much of what it needs was known) and the reasons a reader can check on the practice's
page. docs/matching.md gives the parts and their weights; tests/matching/test_scoring.py pins
each one.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sebaya.matching.profiles import ProfileTable, RegionProfile
from sebaya.regions.models import RegionLevel

# --- context similarity (transferability, peers, and the adopters of a track record) ---
SIMILARITY_PARTS = {"indicators": 0.5, "level": 0.25, "geography": 0.25}
SAME_PROVINCE, SAME_ISLAND_GROUP, ELSEWHERE = 1.0, 0.6, 0.0
LEVEL_SIMILARITY: dict[frozenset[str], float] = {
    frozenset({RegionLevel.REGENCY}): 1.0,
    frozenset({RegionLevel.CITY}): 1.0,
    frozenset({RegionLevel.PROVINCE}): 1.0,
    frozenset({RegionLevel.REGENCY, RegionLevel.CITY}): 0.5,
    frozenset({RegionLevel.PROVINCE, RegionLevel.REGENCY}): 0.2,
    frozenset({RegionLevel.PROVINCE, RegionLevel.CITY}): 0.2,
}

# --- evidence strength ---
EVIDENCE_PARTS = {"results": 0.35, "regulation": 0.25, "awards": 0.2, "running": 0.2}
RECENT_CHECK_DAYS = 730  # a "still running" older than two years counts for less

# --- replication track record ---
TRACK_PARTS = {"breadth": 0.4, "depth": 0.2, "resemblance": 0.4}
BREADTH_FULL_AT = 10  # adopting regions for a full breadth score (log scale)
DEPTH_FULL_AT = 6  # stage rank of pelembagaan: institutionalised by the adopter
NO_RECORD_CONFIDENCE = 0.6  # no adoption record is not proof that nobody adopted it

# --- feasibility ---
READINESS_FIT = {"low": 0.2, "medium": 0.6, "high": 1.0}
BUDGET_FIT = {
    # (adopter's budget, what is known of the practice's scale) -> fit
    ("low", "province_scale"): 0.3,
    ("low", "budget_line"): 0.6,
    ("medium", "province_scale"): 0.7,
    ("medium", "budget_line"): 0.9,
    ("high", "province_scale"): 1.0,
    ("high", "budget_line"): 1.0,
}
LEVELS = ("low", "medium", "high")
DIGITAL_THEME = "layanan-digital"
GATE_POWER = 1.0  # how sharply relevance gates the other components (scoring.combine)


def fmt(value: float, digits: int = 2) -> str:
    """A number in the current language's format (1,41 in Indonesian)."""
    return str(number_format(round(value, digits), digits))


@dataclass
class Component:
    name: str
    score: float | None  # None: does not apply to this request (left out of the weighting)
    confidence: float
    reasons: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Similarity:
    score: float
    confidence: float
    parts: dict[str, float | None]
    reasons: tuple[str, ...]


def level_similarity(a: str, b: str) -> float:
    return LEVEL_SIMILARITY.get(frozenset({str(a), str(b)}), 0.0)


def geography_similarity(a: RegionProfile, b: RegionProfile) -> float:
    if a.region.province_code and a.region.province_code == b.region.province_code:
        return SAME_PROVINCE
    if a.island_group and a.island_group == b.island_group:
        return SAME_ISLAND_GROUP
    return ELSEWHERE


def context_similarity(a: RegionProfile, b: RegionProfile, table: ProfileTable) -> Similarity:
    """How alike two regions are: indicators (in units of their spread), tier, geography.

    Each indicator both regions have (their own figure or their province's) adds
    1 - |difference| / (2 x spread), floored at 0. Indicators either lacks leave the score alone
    and lower the confidence: own figures count 1, a province's 0.5, none 0.
    """
    sims: list[float] = []
    known: list[float] = []
    slugs = sorted(set(a.indicators) | set(b.indicators))
    for slug in slugs:
        ca, cb = a.indicators.get(slug), b.indicators.get(slug)
        if ca is None or cb is None or ca.latest is None or cb.latest is None:
            known.append(0.0)
            continue
        spread = table.spread(slug, a.as_of)
        sims.append(max(0.0, 1 - abs(ca.latest.value - cb.latest.value) / (2 * spread)))
        known.append((0.5 if ca.proxy else 1.0) * (0.5 if cb.proxy else 1.0))
    parts: dict[str, float | None] = {
        "indicators": sum(sims) / len(sims) if sims else None,
        "level": level_similarity(a.region.level, b.region.level),
        "geography": geography_similarity(a, b),
    }
    present = {k: w for k, w in SIMILARITY_PARTS.items() if parts[k] is not None}
    total = sum(present.values())
    score = sum(w * (parts[k] or 0.0) for k, w in present.items()) / total
    indicator_confidence = sum(known) / len(known) if known else 0.0
    confidence = 1 - SIMILARITY_PARTS["indicators"] * (1 - indicator_confidence)
    reasons = []
    if parts["geography"] == SAME_PROVINCE:
        reasons.append(_("satu provinsi"))
    elif parts["geography"] == SAME_ISLAND_GROUP:
        reasons.append(_("satu kelompok pulau (%(group)s)") % {"group": a.island_group})
    if parts["level"] == 1.0:
        reasons.append(_("tingkat pemerintahan sama"))
    if parts["indicators"] is not None:
        reasons.append(
            _("indikator kemiskinan mirip %(pct)s%%") % {"pct": fmt(100 * parts["indicators"], 0)}
        )
    else:
        reasons.append(_("belum ada data indikator untuk dibandingkan"))
    return Similarity(round(score, 4), round(confidence, 4), parts, tuple(reasons))


RANK_SCALE = 3  # the rank half of relevance is 1 at rank 1 and 0.5 at rank 1 + RANK_SCALE


def term_coverage(query_terms: Sequence[str], practice_terms: Collection[str]) -> float:
    """Share of the problem's terms (stems, stopwords out) that the practice's text contains."""
    if not query_terms:
        return 0.0
    return sum(1 for t in query_terms if t in practice_terms) / len(query_terms)


def relevance_component(
    *, rank: int | None, coverage: float, query_source: str, search_score: float | None = None
) -> Component:
    """Relevance from the search: half its rank (RANK_SCALE / (RANK_SCALE + rank - 1)), half
    the share of the problem's words the practice contains.

    The search's fused scores are flat near the top (reciprocal rank fusion, k = 60), and its
    meaning-based half ranks a practice rich in poverty words near any poverty question; the
    share of the problem's own words is what tells "answers this problem" from "is about
    poverty too".
    """
    if query_source == "none":
        return Component("relevance", None, 1.0, [_("tidak ada masalah yang ditulis")])
    if rank is None:
        return Component("relevance", 0.0, 1.0, [_("tidak ditemukan untuk masalah ini")])
    by_rank = RANK_SCALE / (RANK_SCALE + rank - 1)
    value = 0.5 * by_rank + 0.5 * coverage
    reasons = [
        _("peringkat %(rank)s dalam pencarian") % {"rank": rank},
        _("memuat %(pct)s%% kata masalah") % {"pct": fmt(100 * coverage, 0)},
    ]
    if query_source == "need":
        reasons.append(_("dicari dari kebutuhan wilayah, bukan dari masalah yang ditulis"))
    elif query_source == "general":
        reasons.append(_("dicari dengan kata umum “penanggulangan kemiskinan”"))
    return Component(
        "relevance",
        round(value, 4),
        1.0,
        reasons,
        {
            "search_rank": rank,
            "search_score": None if search_score is None else round(search_score, 6),
            "term_coverage": round(coverage, 4),
        },
    )


def transferability_component(
    origin: RegionProfile, adopter: RegionProfile, table: ProfileTable
) -> Component:
    sim = context_similarity(origin, adopter, table)
    reasons = [
        _("asal: %(region)s") % {"region": origin.region.name},
        *sim.reasons,
    ]
    if not origin.has_own_data or not adopter.has_own_data:
        reasons.append(_("sebagian memakai angka provinsi"))
    return Component(
        "transferability",
        sim.score,
        sim.confidence,
        reasons,
        {"origin_region": origin.region.code, "parts": sim.parts},
    )


@dataclass(frozen=True)
class EvidenceFacts:
    sourced_results: int  # outcome figures with a source and a value
    regulations: int
    awards: Sequence[tuple[str, int]]  # (programme label, year)
    running_status: str  # "berjalan", "berhenti", "unknown"
    status_checked_on: datetime.date | None


def evidence_component(facts: EvidenceFacts, *, today: datetime.date) -> Component:
    """Sourced results, a regulation, awards, and whether it still runs (when checked)."""
    parts: dict[str, float | None] = {}
    reasons: list[str] = []
    parts["results"] = 1.0 if facts.sourced_results >= 2 else 0.6 if facts.sourced_results else 0.0
    if facts.sourced_results:
        reasons.append(_("%(n)s angka hasil bersumber") % {"n": facts.sourced_results})
    parts["regulation"] = 1.0 if facts.regulations else 0.0
    if facts.regulations:
        reasons.append(_("dilembagakan: %(n)s regulasi") % {"n": facts.regulations})
    parts["awards"] = 1.0 if len(facts.awards) >= 2 else 0.7 if facts.awards else 0.0
    if facts.awards:
        reasons.append(
            _("penghargaan: %(list)s")
            % {"list": ", ".join(f"{label} {year}" for label, year in facts.awards[:3])}
        )
    if facts.running_status == "berjalan":
        recent = (
            facts.status_checked_on is not None
            and (today - facts.status_checked_on).days <= RECENT_CHECK_DAYS
        )
        parts["running"] = 1.0 if recent else 0.6
        reasons.append(
            _("masih berjalan, diperiksa %(date)s") % {"date": facts.status_checked_on}
            if facts.status_checked_on
            else _("masih berjalan (tanggal pemeriksaan tidak tercatat)")
        )
    elif facts.running_status == "berhenti":
        parts["running"] = 0.0
        reasons.append(_("tercatat sudah berhenti"))
    else:
        parts["running"] = None
        reasons.append(_("status berjalan belum diperiksa"))
    known = {k: w for k, w in EVIDENCE_PARTS.items() if parts[k] is not None}
    score = sum(w * (parts[k] or 0.0) for k, w in known.items()) / sum(known.values())
    confidence = sum(known.values()) / sum(EVIDENCE_PARTS.values())
    if not (facts.sourced_results or facts.regulations or facts.awards):
        reasons.insert(0, _("belum ada hasil bersumber, regulasi atau penghargaan"))
    return Component("evidence", round(score, 4), round(confidence, 4), reasons, {"parts": parts})


@dataclass(frozen=True)
class Adopter:
    """One region's adoption of the practice, with the stage it reached."""

    profile: RegionProfile
    stage: str
    stage_rank: int  # -1 = berhenti
    stage_label: str


def track_record_component(
    adopters: Iterable[Adopter], adopter: RegionProfile, table: ProfileTable
) -> Component:
    """How many regions took the practice up, how far they got, and how alike they are to the
    adopter (the most alike one counts)."""
    active = [a for a in adopters if a.stage_rank >= 0]
    stopped = [a for a in adopters if a.stage_rank < 0]
    if not active and not stopped:
        return Component(
            "track_record",
            0.0,
            NO_RECORD_CONFIDENCE,
            [_("belum ada catatan adopsi atau studi tiru")],
            {"adopters": 0},
        )
    breadth = min(1.0, math.log2(1 + len(active)) / math.log2(1 + BREADTH_FULL_AT))
    depth = min(1.0, max((a.stage_rank for a in active), default=0) / DEPTH_FULL_AT)
    sims = sorted(
        ((context_similarity(a.profile, adopter, table).score, a) for a in active),
        key=lambda pair: (-pair[0], pair[1].profile.region.code),
    )
    resemblance = sims[0][0] if sims else 0.0
    score = (
        TRACK_PARTS["breadth"] * breadth
        + TRACK_PARTS["depth"] * depth
        + TRACK_PARTS["resemblance"] * resemblance
    )
    if stopped:
        score *= len(active) / (len(active) + len(stopped))
    reasons = []
    if active:
        furthest = max(active, key=lambda a: a.stage_rank)
        reasons.append(
            _("%(n)s daerah mengadopsi atau studi tiru; paling jauh: %(stage)s")
            % {"n": len(active), "stage": furthest.stage_label}
        )
        best_sim, best = sims[0]
        reasons.append(
            _("paling mirip dengan wilayah Anda: %(region)s (%(pct)s%%)")
            % {"region": best.profile.region.name, "pct": fmt(100 * best_sim, 0)}
        )
    if stopped:
        reasons.append(_("%(n)s daerah berhenti") % {"n": len(stopped)})
    return Component(
        "track_record",
        round(score, 4),
        1.0,
        reasons,
        {
            "adopters": len(active),
            "stopped": len(stopped),
            "breadth": round(breadth, 4),
            "depth": round(depth, 4),
            "resemblance": round(resemblance, 4),
        },
    )


@dataclass(frozen=True)
class FeasibilityFacts:
    guidance_filled: int  # of how_it_works, success_conditions, replication_notes, legal_basis
    has_contact: bool  # a contact office or an owner organisation to call
    digital: bool | None  # True digital, False non-digital, None unknown
    province_scale: bool  # run by a province, considered by a kabupaten or kota
    budget_line: bool  # a dedicated budget (DPA/RKA) is part of its evidence


GUIDANCE_FIELDS = 4


UNKNOWN_PRIOR = 0.5  # a feasibility signal the record does not give: neutral, less confident


def feasibility_component(
    facts: FeasibilityFacts, *, digital_readiness: str = "", budget: str = ""
) -> Component:
    """What it takes: a written method, someone to call, and the adopter's stated constraints.

    A signal the record is silent on (no method written, no contact, not known whether it is
    digital or what it costs) scores UNKNOWN_PRIOR and lowers the confidence: an empty field
    says the catalogue does not know, not that the practice cannot be done.
    """
    parts: dict[str, float | None] = {}
    reasons = []
    if facts.guidance_filled:
        parts["guidance"] = facts.guidance_filled / GUIDANCE_FIELDS
        reasons.append(
            _("cara kerja terdokumentasi (%(n)s dari %(total)s bagian)")
            % {"n": facts.guidance_filled, "total": GUIDANCE_FIELDS}
        )
    else:
        parts["guidance"] = None
        reasons.append(_("cara kerja belum terdokumentasi"))
    if facts.has_contact:
        parts["contact"] = 1.0
        reasons.append(_("ada kontak untuk ditanya"))
    else:
        parts["contact"] = None
        reasons.append(_("belum ada kontak"))
    if digital_readiness in LEVELS:
        if facts.digital is None:
            parts["digital"] = None
            reasons.append(_("tidak tercatat apakah praktik ini digital"))
        elif facts.digital:
            parts["digital"] = READINESS_FIT[digital_readiness]
            reasons.append(
                _("praktik digital; kesiapan digital Anda: %(level)s")
                % {"level": level_label(digital_readiness)}
            )
        else:
            parts["digital"] = 1.0
            reasons.append(_("tidak bergantung pada teknologi digital"))
    if budget in LEVELS:
        scale = (
            "province_scale"
            if facts.province_scale
            else "budget_line"
            if facts.budget_line
            else None
        )
        if scale is None:
            parts["budget"] = None
            reasons.append(_("biaya tidak tercatat"))
        else:
            parts["budget"] = BUDGET_FIT[(budget, scale)]
            reasons.append(
                _("program berskala provinsi")
                if scale == "province_scale"
                else _("memerlukan pos anggaran sendiri")
            )
    values = [UNKNOWN_PRIOR if v is None else v for v in parts.values()]
    known = sum(1 for v in parts.values() if v is not None)
    return Component(
        "feasibility",
        round(sum(values) / len(values), 4),
        round(known / len(parts), 4),
        reasons,
        {"parts": parts},
    )


def level_label(level: str) -> str:
    return {"low": _("rendah"), "medium": _("sedang"), "high": _("tinggi")}.get(level, level)


def combine(
    components: dict[str, Component], weights: dict[str, float]
) -> tuple[float, float, dict[str, float]]:
    """The score, confidence and each component's contribution.

    Relevance gates the rest: every other component counts in proportion to the relevance, so
    a proven, nearby practice that does not answer the problem cannot climb on its other merits
    (score = w_rel x rel + rel x sum(w_c x c)). Without a problem, nothing gates.
    """
    relevance = components.get("relevance")
    gate = 1.0
    if relevance is not None and relevance.score is not None:
        gate = relevance.score**GATE_POWER
    contributions: dict[str, float] = {}
    for name, weight in weights.items():
        component = components[name]
        value = component.score or 0.0
        contributions[name] = round(weight * value * (1.0 if name == "relevance" else gate), 4)
    confidence = sum(weights[name] * components[name].confidence for name in weights)
    return round(sum(contributions.values()), 4), round(confidence, 4), contributions
