"""Reads of regions and their indicator series for the pages: lists with counts, aligned trends."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Left

from sebaya.innovations.policies import innovation_policy
from sebaya.regions.models import COUNTRY_CODE, Indicator, Observation, Region, RegionLevel

PEMDA_CHILD_LEVELS = (RegionLevel.REGENCY, RegionLevel.CITY)


@dataclass
class SeriesPoint:
    """One observation of the region, with the national observations of the same period."""

    period: str
    period_start: datetime.date
    value: Decimal
    unit: str
    source_url: str
    note: str
    series_break: bool
    national: list[Observation] = field(default_factory=list)


@dataclass
class IndicatorSeries:
    """An indicator's observations for one region, oldest first, with national values beside."""

    indicator: Indicator
    points: list[SeriesPoint]
    # National observations of the periods the region has (one list per point, same order).
    has_national: bool = False

    @property
    def has_break(self) -> bool:
        return any(p.series_break for p in self.points)

    @property
    def unit(self) -> str:
        return self.points[0].unit if self.points else self.indicator.unit

    @property
    def latest(self) -> SeriesPoint | None:
        return self.points[-1] if self.points else None


def region_get(*, code: str) -> Region | None:
    return Region.objects.select_related("parent").filter(code=code).first()


def region_indicator_series(region: Region) -> list[IndicatorSeries]:
    """Every indicator observed for the region, with Indonesia's value for the same periods.

    Two queries whatever the number of indicators and periods.
    """
    observations = list(
        Observation.objects.filter(region=region)
        .select_related("indicator")
        .order_by("indicator__display_order", "indicator__slug", "period_start", "source_url")
    )
    if not observations:
        return []
    national_by_key: dict[tuple[int, str], list[Observation]] = defaultdict(list)
    if region.code != COUNTRY_CODE:
        national = Observation.objects.filter(
            region__code=COUNTRY_CODE,
            indicator_id__in={o.indicator_id for o in observations},
            period__in={o.period for o in observations},
        ).order_by("period_start", "source_url")
        for obs in national:
            national_by_key[(obs.indicator_id, obs.period)].append(obs)

    series: dict[int, IndicatorSeries] = {}
    for obs in observations:
        item = series.setdefault(obs.indicator_id, IndicatorSeries(obs.indicator, []))
        national_values = national_by_key.get((obs.indicator_id, obs.period), [])
        item.has_national = item.has_national or bool(national_values)
        item.points.append(
            SeriesPoint(
                period=obs.period,
                period_start=obs.period_start,
                value=obs.value,
                unit=obs.unit,
                source_url=obs.source_url,
                note=obs.note,
                series_break=obs.series_break,
                national=national_values,
            )
        )
    return list(series.values())


def latest_observations(region: Region | None) -> list[Observation]:
    """The latest observation(s) of each indicator for a region (every source of that period)."""
    if region is None:
        return []
    observations = list(
        Observation.objects.filter(region=region)
        .select_related("indicator")
        .order_by("indicator__display_order", "indicator__slug", "-period_start", "source_url")
    )
    latest: list[Observation] = []
    newest: dict[int, datetime.date] = {}
    for obs in observations:
        first = newest.setdefault(obs.indicator_id, obs.period_start)
        if obs.period_start == first:
            latest.append(obs)
    return latest


def _visible_practice_counts_by_province(user: Any) -> dict[str, int]:
    rows = (
        innovation_policy.visible(user)
        .annotate(province_code=Left("region__code", 2))
        .values("province_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["province_code"]: row["n"] for row in rows}


@dataclass
class ProvinceRow:
    region: Region
    children: int
    practices: int


def province_list(*, user: Any, q: str = "") -> list[ProvinceRow]:
    """Provinces (filtered by name) with their kabupaten/kota and visible practice counts."""
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE)
    if q:
        provinces = provinces.filter(name__icontains=q)
    provinces = provinces.annotate(
        n_children=Count("children", filter=Q(children__level__in=PEMDA_CHILD_LEVELS))
    ).order_by("code")
    practices = _visible_practice_counts_by_province(user)
    return [
        ProvinceRow(region=p, children=p.n_children, practices=practices.get(p.code, 0))
        for p in provinces
    ]


def pemda_search(*, q: str, limit: int = 50) -> QuerySet[Region]:
    """Kabupaten and kota whose name contains q, for the region list's search."""
    if not q:
        return Region.objects.none()
    return (
        Region.objects.filter(level__in=PEMDA_CHILD_LEVELS, name__icontains=q)
        .select_related("parent")
        .order_by("name")[:limit]
    )


def region_children(region: Region) -> QuerySet[Region]:
    return region.children.order_by("code")


def regions_with_practices_count(*, user: Any) -> int:
    return innovation_policy.visible(user).values("region_id").distinct().count()
