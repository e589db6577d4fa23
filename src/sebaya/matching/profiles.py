"""Region context profiles: each indicator's latest value, trend and national figure, per region.

Built from every region and every observation in two queries and kept in the process until an
observation, region or indicator changes (a three-query fingerprint checks that). Rules:

- One value per period: when several sources give the same period, the first by source address
  is used (as the region page's chart does) and the others are counted.
- Trend: the change between the two latest periods, never across a series break (the later
  observation marked `series_break`, e.g. the move to the US$2.15 line in 2025): then the change
  is None and `break_blocks_change` says why.
- National figure: Indonesia's value for the same period; failing that, for the same year, with
  `national_exact` False so pages can say the periods differ.
- Missing stays missing (None), never 0. A kabupaten or kota without its own figure borrows its
  province's, marked `proxy`, which lowers confidence wherever the profile is used.
"""

from __future__ import annotations

import datetime
import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max

from sebaya.regions.models import COUNTRY_CODE, Indicator, Observation, Region, RegionLevel

PEMDA_LEVELS = (RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.CITY)
# (region id, indicator id, period, period start, value, unit, source, note, series break)
ObservationRow = tuple[int, int, str, datetime.date, Any, str, str, str, bool]


@dataclass(frozen=True)
class Point:
    """One period's value of an indicator for a region, with its source."""

    period: str
    period_start: datetime.date
    value: float
    unit: str
    source_url: str
    note: str
    series_break: bool
    other_sources: int = 0  # further sources for the same period, not used


@dataclass(frozen=True)
class IndicatorContext:
    """What a profile knows about one indicator for one region."""

    indicator: Indicator
    points: tuple[Point, ...]  # oldest first, as of the profile's date
    national: Point | None = None
    national_exact: bool = True  # False when the national figure is of another period, same year
    proxy_region: Region | None = None  # set when the figures are the province's, not the region's

    @property
    def slug(self) -> str:
        return self.indicator.slug

    @property
    def missing(self) -> bool:
        return not self.points

    @property
    def proxy(self) -> bool:
        return self.proxy_region is not None

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def previous(self) -> Point | None:
        return self.points[-2] if len(self.points) > 1 else None

    @property
    def break_blocks_change(self) -> bool:
        """The two latest values are on either side of a series break: no change computed."""
        return self.previous is not None and self.latest is not None and self.latest.series_break

    @property
    def change(self) -> float | None:
        """Latest minus previous value (percentage points for rates); None if not comparable."""
        if self.previous is None or self.latest is None or self.break_blocks_change:
            return None
        return round(self.latest.value - self.previous.value, 4)

    @property
    def trend(self) -> str | None:
        """ "up", "down", "flat" or None (one value, or a series break)."""
        change = self.change
        if change is None:
            return None
        if abs(change) < 0.005:
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def worsening(self) -> bool | None:
        trend = self.trend
        if trend is None or trend == "flat":
            return None if trend is None else False
        return (trend == "up") == self.indicator.lower_is_better

    @property
    def gap_to_national(self) -> float | None:
        if self.latest is None or self.national is None:
            return None
        return round(self.latest.value - self.national.value, 4)

    @property
    def worse_than_national(self) -> bool | None:
        gap = self.gap_to_national
        if gap is None:
            return None
        return gap > 0 if self.indicator.lower_is_better else gap < 0


@dataclass
class RegionProfile:
    """A region's context: level, province, island group, and each known indicator."""

    region: Region
    province: Region | None
    indicators: dict[str, IndicatorContext] = field(default_factory=dict)
    as_of: datetime.date | None = None

    @property
    def island_group(self) -> str:
        return self.region.island_group

    @property
    def own_indicators(self) -> list[IndicatorContext]:
        return [c for c in self.indicators.values() if not c.missing and not c.proxy]

    @property
    def has_own_data(self) -> bool:
        return bool(self.own_indicators)

    @property
    def has_any_data(self) -> bool:
        return any(not c.missing for c in self.indicators.values())

    @property
    def coverage(self) -> float:
        """Share of known indicators with a value: own = 1, the province's = 0.5, none = 0."""
        if not self.indicators:
            return 0.0
        total = sum(
            0.0 if c.missing else (0.5 if c.proxy else 1.0) for c in self.indicators.values()
        )
        return total / len(self.indicators)

    def value(self, slug: str) -> float | None:
        context = self.indicators.get(slug)
        return context.latest.value if context and context.latest else None


def _as_date(as_of: datetime.date | str | None) -> datetime.date | None:
    """ "2022-03" -> the last day of March 2022; "2022" -> 31 December 2022; a date stays."""
    if as_of is None or isinstance(as_of, datetime.date):
        return as_of
    text = as_of.strip()
    if not text:
        return None
    year, _, month = text.partition("-")
    if not month:
        return datetime.date(int(year), 12, 31)
    first_next = datetime.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


class ProfileTable:
    """Every region's observations, ready to answer profiles as of any date."""

    def __init__(
        self,
        regions: list[Region],
        indicators: list[Indicator],
        observations: list[ObservationRow],
    ) -> None:
        self.regions = regions
        self.by_code = {r.code: r for r in regions}
        self.by_id = {r.pk: r for r in regions}
        self.indicators = indicators
        slugs = {i.pk: i.slug for i in indicators}
        self._series: dict[int, dict[str, list[Point]]] = defaultdict(dict)
        grouped: dict[tuple[int, int, str], list[ObservationRow]] = defaultdict(list)
        for row in observations:
            grouped[(row[0], row[1], row[2])].append(row)
        for (region_id, indicator_id, _period), rows in grouped.items():
            rows.sort(key=lambda r: r[6])  # by source address
            _r, _i, period, start, value, unit, source_url, note, series_break = rows[0]
            self._series[region_id].setdefault(slugs[indicator_id], []).append(
                Point(
                    period=period,
                    period_start=start,
                    value=float(value),
                    unit=unit,
                    source_url=source_url,
                    note=note,
                    series_break=series_break,
                    other_sources=len(rows) - 1,
                )
            )
        for per_indicator in self._series.values():
            for points in per_indicator.values():
                points.sort(key=lambda p: (p.period_start, len(p.period)))
        self.country = self.by_code.get(COUNTRY_CODE)
        self._profiles: dict[tuple[str, datetime.date | None], RegionProfile] = {}
        self._spread: dict[tuple[str, datetime.date | None], float] = {}
        self._lock = threading.Lock()

    def region(self, code: str) -> Region | None:
        return self.by_code.get(code)

    def province_of(self, region: Region) -> Region | None:
        code = region.province_code
        return self.by_code.get(code) if code else None

    def _points(self, region: Region, slug: str, as_of: datetime.date | None) -> tuple[Point, ...]:
        points = self._series.get(region.pk, {}).get(slug, [])
        if as_of is not None:
            points = [p for p in points if p.period_start <= as_of]
        return tuple(points)

    def _national(
        self, slug: str, point: Point | None, as_of: datetime.date | None
    ) -> tuple[Point | None, bool]:
        if point is None or self.country is None:
            return None, True
        national = self._points(self.country, slug, as_of)
        for n in national:
            if n.period == point.period:
                return n, True
        same_year = [n for n in national if n.period[:4] == point.period[:4]]
        return (same_year[-1], False) if same_year else (None, True)

    def profile(self, region: Region, as_of: datetime.date | str | None = None) -> RegionProfile:
        day = _as_date(as_of)
        key = (region.code, day)
        cached = self._profiles.get(key)
        if cached is not None:
            return cached
        province = (
            self.province_of(region)
            if region.level in (RegionLevel.REGENCY, RegionLevel.CITY)
            else None
        )
        profile = RegionProfile(region=region, province=province, as_of=day)
        for indicator in self.indicators:
            points = self._points(region, indicator.slug, day)
            proxy = None
            if (
                not points
                and province is not None
                and region.level in (RegionLevel.REGENCY, RegionLevel.CITY)
            ):
                points = self._points(province, indicator.slug, day)
                proxy = province if points else None
            latest = points[-1] if points else None
            national, exact = self._national(indicator.slug, latest, day)
            profile.indicators[indicator.slug] = IndicatorContext(
                indicator=indicator,
                points=points,
                national=None if region.code == COUNTRY_CODE else national,
                national_exact=exact,
                proxy_region=proxy,
            )
        with self._lock:
            self._profiles[key] = profile
        return profile

    def spread(self, slug: str, as_of: datetime.date | None = None) -> float:
        """The standard deviation of the regions' own latest values of an indicator.

        Differences are measured in these units, so a gap of 2 points means much for extreme
        poverty (a few percent) and little for the poverty rate (up to 30 percent). With fewer
        than two regions observed, the mean value stands in (and 1 with none).
        """
        key = (slug, as_of)
        if key in self._spread:
            return self._spread[key]
        values = []
        for region in self.regions:
            if region.level not in PEMDA_LEVELS:
                continue
            points = self._points(region, slug, as_of)
            if points:
                values.append(points[-1].value)
        if len(values) >= 2:
            mean = sum(values) / len(values)
            sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
        else:
            sd = abs(values[0]) if values else 1.0
        result = sd if sd > 0 else 1.0
        self._spread[key] = result
        return result

    def regions_with_own_data(self) -> list[Region]:
        return [r for r in self.regions if self._series.get(r.pk) and r.code != COUNTRY_CODE]

    def periods(self, slug: str) -> list[str]:
        """Every period observed for an indicator, oldest first."""
        seen: dict[str, datetime.date] = {}
        for per_indicator in self._series.values():
            for p in per_indicator.get(slug, []):
                seen.setdefault(p.period, p.period_start)
        return sorted(seen, key=lambda period: (seen[period], len(period)))


_cache_lock = threading.Lock()
_cache: tuple[tuple[object, ...], ProfileTable] | None = None


def _fingerprint() -> tuple[object, ...]:
    obs = Observation.objects.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at"))
    regions = Region.objects.aggregate(n=Count("pk"), last=Max("pk"))
    indicators = Indicator.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (
        obs["n"],
        obs["last"],
        obs["changed"],
        regions["n"],
        regions["last"],
        indicators["n"],
        indicators["last"],
    )


def profile_table() -> ProfileTable:
    """The profile table of the current data (built again only when the data changed)."""
    global _cache
    key = _fingerprint()
    cached = _cache
    if cached is not None and cached[0] == key:
        return cached[1]
    with _cache_lock:
        regions = list(Region.objects.filter(level__in=(RegionLevel.COUNTRY, *PEMDA_LEVELS)))
        indicators = list(Indicator.objects.all())
        observations = list(
            Observation.objects.filter(
                region__level__in=(RegionLevel.COUNTRY, *PEMDA_LEVELS)
            ).values_list(
                "region_id",
                "indicator_id",
                "period",
                "period_start",
                "value",
                "unit",
                "source_url",
                "note",
                "series_break",
            )
        )
        table = ProfileTable(regions, indicators, observations)
        _cache = (key, table)
    return table


def reset_profile_cache() -> None:
    """Forget the cached table (tests that count queries start from here)."""
    global _cache
    _cache = None
