"""Matcher API: recommendations, profile and peers of a region; regions ranked by need."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from sebaya.api.errors import ERROR_RESPONSES, ApiError, bad_params, not_found
from sebaya.api.params import REGION_CODE_RE, SLUG_RE
from sebaya.innovations.selectors import innovation_list
from sebaya.matching.profiles import ProfileTable, profile_table
from sebaya.matching.schemas import (
    PeerParams,
    PeersOut,
    PrioritiesOut,
    PriorityParams,
    ProfileOut,
    ProfileParams,
    RecommendationParams,
    RecommendationsOut,
    peer_payload,
    practitioner_payload,
    priorities_payload,
    profile_payload,
    recommendations_payload,
)
from sebaya.matching.selectors import (
    MatchSession,
    invalid_choices,
    nearby_practices,
    need_ranking,
    peer_regions,
    recommend,
)
from sebaya.matching.weights import WeightsError, resolve_weights
from sebaya.regions.models import Region
from sebaya.regions.schemas import region_brief

router = Router()
priorities_router = Router()


def _region(code: str, table: ProfileTable | None = None) -> Region:
    table = table or profile_table()
    region = table.region(code) if REGION_CODE_RE.match(code) else None
    if region is None:
        raise not_found(_("Wilayah tidak ditemukan."))
    return region


@router.get(
    "/{code}/recommendations",
    response={200: RecommendationsOut, **ERROR_RESPONSES},
    url_name="region_recommendations",
    summary="Recommended practices for a region and a problem",
    description=(
        "Practices ranked for the adopting region and its problem, each with its explanation: "
        "relevance (from search), transferability (how alike the origin region is), evidence "
        "strength, replication track record and feasibility, with each component's score, "
        "weight, contribution, confidence and reasons. An empty `problem` gives suggestions "
        "from the region's need (or its theme); `messages` say so, and say when the region has "
        "no indicator data. Weights: docs/matching.md; `weights` overrides them."
    ),
)
def region_recommendations(
    request: HttpRequest, code: str, params: Query[RecommendationParams]
) -> dict[str, Any]:
    session = MatchSession(request.user)
    region = _region(code, session.table)
    errors = invalid_choices(
        theme=params.theme, budget=params.budget, digital=params.digital, as_of=params.as_of
    )
    if "theme" in errors:
        raise not_found(_("Tema tidak dikenal: %(theme)s.") % {"theme": params.theme[:60]})
    if errors:
        raise bad_params(errors)
    try:
        weights = resolve_weights(params.weights)
    except WeightsError as exc:
        raise ApiError(400, [("weights", str(exc))]) from None
    result = recommend(
        user=request.user,
        region=region,
        problem=params.problem,
        theme=params.theme,
        budget=params.budget,
        digital=params.digital,
        weights=weights,
        limit=params.limit,
        as_of=params.as_of or None,
        session=session,
    )
    return recommendations_payload(result, absolute=request.build_absolute_uri)


@router.get(
    "/{code}/profile",
    response={200: ProfileOut, **ERROR_RESPONSES},
    url_name="region_profile",
    summary="Context profile of a region",
    description=(
        "Each indicator's latest value, previous value, change (never across a series break), "
        "national value of the same period, and whether the values are the region's own or its "
        "province's. Missing values are null, never 0."
    ),
)
def region_profile(request: HttpRequest, code: str, params: Query[ProfileParams]) -> dict[str, Any]:
    as_of = params.as_of
    table = profile_table()
    region = _region(code, table)
    errors = invalid_choices(as_of=as_of)
    if errors:
        raise bad_params(errors)
    return profile_payload(table.profile(region, as_of or None))


@router.get(
    "/{code}/peers",
    response={200: PeersOut, **ERROR_RESPONSES},
    url_name="region_peers",
    summary="Peer regions, and who nearby has done a practice",
    description=(
        "The regions most alike by context (indicators in units of their spread, tier of "
        "government, geography), each with its similarity, confidence and reasons; and the "
        "practices originated or adopted in the region's province or island group (only "
        "`practice` when given)."
    ),
)
def region_peers(request: HttpRequest, code: str, params: Query[PeerParams]) -> dict[str, Any]:
    table = profile_table()
    region = _region(code, table)
    errors = invalid_choices(as_of=params.as_of)
    practice = None
    if params.practice:
        if SLUG_RE.match(params.practice):
            practice = innovation_list(user=request.user).filter(slug=params.practice).first()
        if practice is None:
            raise not_found(_("Praktik tidak ditemukan."))
    if errors:
        raise bad_params(errors)
    absolute = request.build_absolute_uri
    peers = peer_regions(region, limit=params.limit, as_of=params.as_of or None, table=table)
    nearby = nearby_practices(user=request.user, region=region, innovation=practice, table=table)
    return {
        "region": region_brief(region),
        "peers": [peer_payload(p, absolute=absolute) for p in peers],
        "nearby": [
            {
                "slug": n.innovation.slug,
                "title": n.innovation.title,
                "url": absolute(n.innovation.get_absolute_url()),
                "practitioners": [practitioner_payload(p) for p in n.practitioners],
            }
            for n in nearby
        ],
    }


@priorities_router.get(
    "",
    response={200: PrioritiesOut, **ERROR_RESPONSES},
    url_name="priorities",
    summary="Regions ranked by need",
    description=(
        "Regions whose extreme poverty or poverty rate rose between their two latest comparable "
        "observations (never across a series break) or stands above Indonesia's figure for the "
        "same period, most in need first, each with its recommended practices. `as_of` ranks "
        "with the data of an earlier period (e.g. 2022-03, the Pontianak workshop's)."
    ),
)
def priorities(request: HttpRequest, params: Query[PriorityParams]) -> dict[str, Any]:
    errors = invalid_choices(as_of=params.as_of, level=params.level)
    if errors:
        raise bad_params(errors)
    ranking = need_ranking(
        user=request.user,
        as_of=params.as_of,
        level=params.level,
        limit=params.limit,
        practices=params.practices,
    )
    return priorities_payload(ranking, absolute=request.build_absolute_uri)
