"""Shapes of regions and indicators in the API, and the small helpers that fill them."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from sebaya.api.pagination import PageBase
from sebaya.api.params import CleanStr
from sebaya.api.params import enum_param as _enum
from sebaya.regions.models import Region, RegionLevel


class RegionFilters(Schema):
    level: CleanStr | None = Field(None, json_schema_extra=_enum(RegionLevel.values))
    parent: CleanStr | None = Field(None, description="Kemendagri code of the parent region.")
    q: CleanStr | None = Field(None, description="Part of the name, any case.")


class RegionBrief(Schema):
    code: str
    name: str
    level: RegionLevel


class RegionListItem(RegionBrief):
    parent_code: str | None
    url: str = Field(description="Absolute URL of the region's page.")
    api_url: str


class RegionPage(PageBase):
    results: list[RegionListItem]


class RegionDetail(RegionBrief):
    parent: RegionBrief | None
    children: list[RegionBrief] = Field(description="The regions one level down, by code.")
    island_group: str = Field(description="Island group of its province; empty for the country.")
    url: str
    api_url: str
    indicators_url: str = Field(description="Absolute URL of its indicator observations.")


class IndicatorOut(Schema):
    slug: str
    name: str = Field(description="The name in the request's language.")
    name_id: str
    name_en: str
    unit: str
    description_id: str
    description_en: str
    lower_is_better: bool


class ObservationOut(Schema):
    period: str = Field(description="`YYYY` or `YYYY-MM`.")
    period_start: datetime.date
    value: float
    unit: str
    source_url: str
    note: str
    series_break: bool = Field(
        description="True when this value is not comparable with the earlier ones."
    )


class IndicatorSeries(Schema):
    indicator: IndicatorOut
    observations: list[ObservationOut] = Field(description="Oldest first.")


class RegionIndicators(Schema):
    region: RegionBrief
    indicators: list[IndicatorSeries] = Field(
        description="Only indicators with at least one observation for the region."
    )


def region_brief(region: Region) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "level": region.level}


class ProvinceLookup:
    """Finds the province of regions, from what is loaded when it can, else one query for all."""

    def __init__(self) -> None:
        self._by_code: dict[str, Region] | None = None

    def province_of(self, region: Region) -> Region | None:
        if region.level == RegionLevel.PROVINCE:
            return region
        code = region.province_code
        if code is None:
            return None
        parent = region.parent if region.parent_id else None
        if parent is not None and parent.level == RegionLevel.PROVINCE:
            return parent
        if self._by_code is None:
            self._by_code = {r.code: r for r in Region.objects.filter(level=RegionLevel.PROVINCE)}
        return self._by_code.get(code)
