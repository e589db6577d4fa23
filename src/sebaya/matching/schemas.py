"""Shapes of the matcher's answers in the API and `sebaya recommend --json`, and the functions that
fill them (one place, so the API and the command can never disagree)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from ninja import Schema
from pydantic import Field

from sebaya.api.params import CleanStr
from sebaya.api.params import enum_param as _enum
from sebaya.innovations.schemas import ContactOut
from sebaya.matching.profiles import IndicatorContext, Point, RegionProfile
from sebaya.matching.scoring import LEVELS, Similarity
from sebaya.matching.selectors import (
    NeedRanking,
    NeedRow,
    NeedSignal,
    Peer,
    Practitioner,
    Recommendation,
    Recommendations,
    confidence_label,
)
from sebaya.regions.models import RegionLevel
from sebaya.regions.schemas import RegionBrief, region_brief

Absolute = Callable[[str], str]


# What the endpoints accept, stated in the OpenAPI document (schemathesis holds us to it).
_SLUG = r"^[-a-zA-Z0-9_]{0,140}$"
_PERIOD = r"^((19|20)[0-9]{2}|2100)(-(0[1-9]|1[0-2]))?$|^$"
_WEIGHTS = (
    r"^[ \t]*((relevance|transferability|evidence|track_record|feasibility)[ \t]*=[ \t]*"
    r"[0-9]{1,2}(\.[0-9]{1,4})?[ \t]*([,;][ \t]*|$))*$"
)


class RecommendationParams(Schema):
    problem: CleanStr = Field(
        "", max_length=2000, description="The problem in the officer's own words; may be empty."
    )
    theme: CleanStr = Field(
        "",
        description="Theme slug: only practices of this theme (404 for an unknown theme).",
        json_schema_extra={"pattern": _SLUG},
    )
    budget: CleanStr = Field("", json_schema_extra=_enum(list(LEVELS)))
    digital: CleanStr = Field(
        "", description="The adopter's digital readiness.", json_schema_extra=_enum(list(LEVELS))
    )
    weights: CleanStr = Field(
        "",
        max_length=300,
        description="Override weights, e.g. `relevance=0.6,evidence=0.2` (docs/matching.md).",
        json_schema_extra={"pattern": _WEIGHTS},
    )
    limit: int = Field(10, ge=1, le=50)
    as_of: CleanStr = Field(
        "",
        description="Profiles as of a period, `YYYY` or `YYYY-MM`.",
        json_schema_extra={"pattern": _PERIOD},
    )


class ProfileParams(Schema):
    as_of: CleanStr = Field(
        "",
        description="Profiles as of a period, `YYYY` or `YYYY-MM`.",
        json_schema_extra={"pattern": _PERIOD},
    )


class PeerParams(Schema):
    limit: int = Field(10, ge=1, le=50)
    practice: CleanStr = Field(
        "",
        description="Slug of a practice: who near the region did it (404 for an unknown one).",
        json_schema_extra={"pattern": _SLUG},
    )
    as_of: CleanStr = Field(
        "",
        description="Profiles as of a period, `YYYY` or `YYYY-MM`.",
        json_schema_extra={"pattern": _PERIOD},
    )


class PriorityParams(Schema):
    as_of: CleanStr = Field(
        "",
        description="Rank as of a period, `YYYY` or `YYYY-MM`.",
        json_schema_extra={"pattern": _PERIOD},
    )
    level: CleanStr = Field(
        "",
        json_schema_extra=_enum(
            [RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.CITY],
        ),
    )
    limit: int = Field(20, ge=1, le=50)
    practices: int = Field(3, ge=0, le=10, description="Recommended practices per region.")


class PointOut(Schema):
    period: str
    period_start: datetime.date
    value: float
    unit: str
    source_url: str
    note: str
    series_break: bool


class IndicatorContextOut(Schema):
    slug: str
    name: str
    unit: str
    lower_is_better: bool
    missing: bool = Field(description="No value: shown as missing, never as 0.")
    proxy_region: RegionBrief | None = Field(
        description="Set when the values are this province's, the region having none of its own."
    )
    latest: PointOut | None
    previous: PointOut | None
    change: float | None = Field(
        description="Latest minus previous value; null across a series break or with one value."
    )
    trend: str | None = Field(description="up, down, flat, or null.")
    break_blocks_change: bool
    national: PointOut | None = Field(description="Indonesia's value for the same period.")
    national_exact: bool = Field(description="False when the national value is of the same year.")
    gap_to_national: float | None


class ProfileOut(Schema):
    region: RegionBrief
    province: RegionBrief | None
    island_group: str
    as_of: datetime.date | None
    coverage: float = Field(description="Share of indicators known: own 1, province's 0.5.")
    has_own_data: bool
    indicators: list[IndicatorContextOut]


class ComponentOut(Schema):
    score: float | None = Field(description="0..1; null when it does not apply.")
    weight: float = Field(description="Its normalised weight in this request (0 if it does not).")
    contribution: float = Field(description="What it added to the score.")
    confidence: float
    reasons: list[str]
    details: dict[str, Any]


class PractitionerOut(Schema):
    region: RegionBrief
    role: str = Field(description="origin or adopter")
    stage: str
    stage_label: str
    nearness: str = Field(description="province or island_group")


class RecommendationOut(Schema):
    external_id: str
    slug: str
    title: str
    score: float
    confidence: float
    confidence_label: str
    url: str
    api_url: str
    region: RegionBrief = Field(description="The practice's origin region.")
    search_rank: int | None
    adopter_stage: str = Field(description="The adopting region's own adoption stage of it.")
    components: dict[str, ComponentOut]
    nearby: list[PractitionerOut] = Field(
        description="Its origin and adopters in the adopter's province or island group."
    )
    contacts: list[ContactOut]


class NeedOut(Schema):
    indicator: str
    kind: str = Field(description="rising or above_national")
    amount: float
    text: str


class RecommendationsOut(Schema):
    region: RegionBrief
    problem: str
    query: str = Field(description="What was searched: the problem, or one read from the need.")
    query_source: str = Field(description="user, need, general or none")
    theme: str
    budget: str
    digital: str
    weights: dict[str, float] = Field(description="Normalised weights used.")
    messages: list[str]
    needs: list[NeedOut]
    profile: ProfileOut
    candidates: int
    own_practices_left_out: int
    results: list[RecommendationOut]


class SimilarityOut(Schema):
    score: float
    confidence: float
    parts: dict[str, float | None]
    reasons: list[str]


class PeerOut(Schema):
    region: RegionBrief
    url: str
    similarity: SimilarityOut


class NearbyPracticeOut(Schema):
    slug: str
    title: str
    url: str
    practitioners: list[PractitionerOut]


class PeersOut(Schema):
    region: RegionBrief
    peers: list[PeerOut]
    nearby: list[NearbyPracticeOut] = Field(
        description="Who near me has done this: practices originated or adopted in the region's "
        "province or island group."
    )


class PriorityRowOut(Schema):
    region: RegionBrief
    url: str
    score: float
    needs: list[NeedOut]
    recommendations: list[RecommendationOut]


class PrioritiesOut(Schema):
    as_of: str
    periods: list[str]
    regions: list[PriorityRowOut]
    regions_with_data_without_need: list[RegionBrief]
    regions_without_data: int


def point_payload(point: Point | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {
        "period": point.period,
        "period_start": point.period_start,
        "value": point.value,
        "unit": point.unit,
        "source_url": point.source_url,
        "note": point.note,
        "series_break": point.series_break,
    }


def indicator_payload(context: IndicatorContext) -> dict[str, Any]:
    return {
        "slug": context.slug,
        "name": context.indicator.localized_name(get_language()),
        "unit": context.indicator.unit,
        "lower_is_better": context.indicator.lower_is_better,
        "missing": context.missing,
        "proxy_region": region_brief(context.proxy_region) if context.proxy_region else None,
        "latest": point_payload(context.latest),
        "previous": point_payload(context.previous),
        "change": context.change,
        "trend": context.trend,
        "break_blocks_change": context.break_blocks_change,
        "national": point_payload(context.national),
        "national_exact": context.national_exact,
        "gap_to_national": context.gap_to_national,
    }


def profile_payload(profile: RegionProfile) -> dict[str, Any]:
    return {
        "region": region_brief(profile.region),
        "province": region_brief(profile.province) if profile.province else None,
        "island_group": profile.island_group,
        "as_of": profile.as_of,
        "coverage": round(profile.coverage, 4),
        "has_own_data": profile.has_own_data,
        "indicators": [indicator_payload(c) for c in profile.indicators.values()],
    }


def need_payload(signal: NeedSignal) -> dict[str, Any]:
    return {
        "indicator": signal.context.slug,
        "kind": signal.kind,
        "amount": signal.amount,
        "text": signal.text,
    }


def practitioner_payload(p: Practitioner) -> dict[str, Any]:
    return {
        "region": region_brief(p.region),
        "role": p.role,
        "stage": p.stage,
        "stage_label": p.stage_label,
        "nearness": p.nearness,
    }


def recommendation_payload(rec: Recommendation, *, absolute: Absolute) -> dict[str, Any]:
    innovation = rec.innovation
    return {
        "external_id": innovation.external_id,
        "slug": innovation.slug,
        "title": innovation.title,
        "score": rec.score,
        "confidence": rec.confidence,
        "confidence_label": confidence_label(rec.confidence),
        "url": absolute(innovation.get_absolute_url()),
        "api_url": absolute(reverse("api:practice_detail", kwargs={"slug": innovation.slug})),
        "region": region_brief(innovation.region),
        "search_rank": rec.search_rank,
        "adopter_stage": rec.adopter_stage,
        "components": {
            name: {
                "score": component.score,
                "weight": round(rec.weights.get(name, 0.0), 4),
                "contribution": rec.contributions.get(name, 0.0),
                "confidence": component.confidence,
                "reasons": component.reasons,
                "details": component.details,
            }
            for name, component in rec.components.items()
        },
        "nearby": [practitioner_payload(p) for p in rec.nearby],
        "contacts": [
            {
                "unit": c.unit,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "website": c.website,
            }
            for c in rec.contacts
        ],
    }


def recommendations_payload(result: Recommendations, *, absolute: Absolute) -> dict[str, Any]:
    return {
        "region": region_brief(result.region),
        "problem": result.problem,
        "query": result.query,
        "query_source": result.query_source,
        "theme": result.theme,
        "budget": result.budget,
        "digital": result.digital,
        "weights": {k: round(v, 4) for k, v in result.normalised_weights.items()},
        "messages": result.messages,
        "needs": [need_payload(s) for s in result.needs],
        "profile": profile_payload(result.profile),
        "candidates": result.candidates,
        "own_practices_left_out": result.own_practices,
        "results": [recommendation_payload(r, absolute=absolute) for r in result.items],
    }


def similarity_payload(sim: Similarity) -> dict[str, Any]:
    return {
        "score": sim.score,
        "confidence": sim.confidence,
        "parts": {k: None if v is None else round(v, 4) for k, v in sim.parts.items()},
        "reasons": list(sim.reasons),
    }


def peer_payload(peer: Peer, *, absolute: Absolute) -> dict[str, Any]:
    return {
        "region": region_brief(peer.region),
        "url": absolute(peer.region.get_absolute_url()),
        "similarity": similarity_payload(peer.similarity),
    }


def priority_payload(row: NeedRow, *, absolute: Absolute) -> dict[str, Any]:
    return {
        "region": region_brief(row.region),
        "url": absolute(row.region.get_absolute_url()),
        "score": row.score,
        "needs": [need_payload(s) for s in row.signals],
        "recommendations": [
            recommendation_payload(r, absolute=absolute) for r in row.recommendations
        ],
    }


def priorities_payload(ranking: NeedRanking, *, absolute: Absolute) -> dict[str, Any]:
    return {
        "as_of": ranking.as_of,
        "periods": ranking.periods,
        "regions": [priority_payload(row, absolute=absolute) for row in ranking.rows],
        "regions_with_data_without_need": [region_brief(p.region) for p in ranking.without_signal],
        "regions_without_data": ranking.regions_without_data,
    }
