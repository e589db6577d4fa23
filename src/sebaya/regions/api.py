"""Read API of regions (Kemendagri codes), their indicator observations and indicators."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router

from sebaya.api.errors import ERROR_RESPONSES, bad_params, not_found
from sebaya.api.pagination import PageParams, paginate
from sebaya.api.params import REGION_CODE_RE
from sebaya.regions.models import Indicator, Observation, Region, RegionLevel
from sebaya.regions.schemas import (
    IndicatorOut,
    RegionDetail,
    RegionFilters,
    RegionIndicators,
    RegionPage,
    region_brief,
)

router = Router()
indicators_router = Router()


def _get_region(code: str) -> Region:
    region = (
        Region.objects.select_related("parent").filter(code=code).first()
        if REGION_CODE_RE.match(code)
        else None
    )
    if region is None:
        raise not_found(_("Wilayah tidak ditemukan."))
    return region


def _region_api_url(request: HttpRequest, region: Region) -> str:
    return request.build_absolute_uri(reverse("api:region_detail", kwargs={"code": region.code}))


def _indicator(indicator: Indicator, language: str | None) -> dict[str, Any]:
    return {
        "slug": indicator.slug,
        "name": indicator.localized_name(language),
        "name_id": indicator.name_id,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "description_id": indicator.description_id,
        "description_en": indicator.description_en,
        "lower_is_better": indicator.lower_is_better,
    }


@router.get(
    "",
    response={200: RegionPage, **ERROR_RESPONSES},
    url_name="region_list",
    summary="List regions",
    description="Regions by Kemendagri code, filtered by level, parent code and part of the name.",
)
def region_list(
    request: HttpRequest, filters: Query[RegionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    qs = Region.objects.select_related("parent").order_by("code")
    if filters.level:
        if filters.level not in RegionLevel.values:
            raise bad_params({"level": filters.level})
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent.strip())
    if filters.q and filters.q.strip():
        qs = qs.filter(name__icontains=filters.q.strip()[:120])

    def row(region: Region) -> dict[str, Any]:
        return {
            **region_brief(region),
            "parent_code": region.parent.code if region.parent else None,
            "url": request.build_absolute_uri(region.get_absolute_url()),
            "api_url": _region_api_url(request, region),
        }

    return paginate(request, qs, params=page, serialize=row)


@router.get(
    "/{code}",
    response={200: RegionDetail, 404: ERROR_RESPONSES[404]},
    url_name="region_detail",
    summary="One region",
    description="A region with its parent, its children one level down and its island group.",
)
def region_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    region = _get_region(code)
    children = region.children.order_by("code").only("code", "name", "level")
    return {
        **region_brief(region),
        "parent": region_brief(region.parent) if region.parent else None,
        "children": [region_brief(child) for child in children],
        "island_group": region.island_group,
        "url": request.build_absolute_uri(region.get_absolute_url()),
        "api_url": _region_api_url(request, region),
        "indicators_url": request.build_absolute_uri(
            reverse("api:region_indicators", kwargs={"code": region.code})
        ),
    }


@router.get(
    "/{code}/indicators",
    response={200: RegionIndicators, 404: ERROR_RESPONSES[404]},
    url_name="region_indicators",
    summary="Indicator observations of a region",
    description=(
        "Every observation of the region, grouped by indicator, oldest first; each value "
        "with its unit, source and note. `series_break` marks values not comparable with "
        "the earlier ones."
    ),
)
def region_indicators(request: HttpRequest, code: str) -> dict[str, Any]:
    region = _get_region(code)
    language = get_language()
    observations = (
        Observation.objects.filter(region=region)
        .select_related("indicator")
        .order_by("indicator__display_order", "indicator__slug", "period_start", "pk")
    )
    series: dict[int, dict[str, Any]] = {}
    for obs in observations:
        entry = series.setdefault(
            obs.indicator_id,
            {"indicator": _indicator(obs.indicator, language), "observations": []},
        )
        entry["observations"].append(
            {
                "period": obs.period,
                "period_start": obs.period_start,
                "value": float(obs.value),
                "unit": obs.unit,
                "source_url": obs.source_url,
                "note": obs.note,
                "series_break": obs.series_break,
            }
        )
    return {"region": region_brief(region), "indicators": list(series.values())}


@indicators_router.get(
    "",
    response=list[IndicatorOut],
    url_name="indicator_list",
    summary="List indicator definitions",
    description="Every indicator Sebaya holds observations of, in display order.",
)
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    language = get_language()
    return [_indicator(indicator, language) for indicator in Indicator.objects.all()]
