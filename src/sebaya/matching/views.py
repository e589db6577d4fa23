"""Matcher pages: recommendations for a region, its peer regions, and the need ranking."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sebaya.api.params import REGION_CODE_RE
from sebaya.core import versioning
from sebaya.core.caching import public_page
from sebaya.matching.forms import LEVEL_CHOICES, RecommendationForm
from sebaya.matching.profiles import ProfileTable, RegionProfile, profile_table
from sebaya.matching.selectors import (
    MatchSession,
    invalid_choices,
    nearby_practices,
    need_ranking,
    peer_regions,
    recommend,
)
from sebaya.matching.templatetags.matching_tags import Bar
from sebaya.matching.weights import COMPONENTS, resolve_weights
from sebaya.regions.models import COUNTRY_CODE, Region, RegionLevel
from sebaya.regions.selectors import IndicatorSeries, region_indicator_series

RECOMMENDATIONS_SHOWN = 10
PEERS_SHOWN = 10


def _region_or_404(code: str, table: ProfileTable) -> Region:
    region = table.region(code) if REGION_CODE_RE.match(code) else None
    if region is None or region.code == COUNTRY_CODE:
        raise Http404(_("Wilayah tidak ditemukan."))
    return region


def _trend_series(region: Region, profile: RegionProfile) -> tuple[list[IndicatorSeries], Region]:
    """The region's indicator series with Indonesia's beside; its province's when it has none."""
    series = region_indicator_series(region)
    if not series and profile.province is not None:
        return region_indicator_series(profile.province), profile.province
    return series, region


@public_page
def recommendations(request: HttpRequest, code: str) -> HttpResponse:
    session = MatchSession(request.user)
    region = _region_or_404(code, session.table)
    form = RecommendationForm(request.GET or None)
    values = {"problem": "", "theme": "", "budget": "", "digital": "", "weights": ""}
    if form.is_bound:
        form.is_valid()  # fields with errors keep their default and show their message
        for name in values:
            values[name] = str(form.cleaned_data.get(name) or "")

    def compute() -> Any:
        return recommend(
            user=request.user,
            region=region,
            problem=values["problem"],
            theme=values["theme"],
            budget=values["budget"],
            digital=values["digital"],
            weights=resolve_weights(values["weights"]),
            limit=RECOMMENDATIONS_SHOWN,
            session=session,
        )

    if request.user.is_authenticated:  # may see drafts among the recommendations
        result = compute()
    else:
        # Search, profiles and scoring of 50 candidates: kept per data version for everyone
        # asking the same (the profile table is rebuilt when observations change).
        key = (region.code, *sorted(values.items()), get_language())
        result = versioning.cached("recommendations", key, compute)
    series, series_region = _trend_series(region, result.profile)
    return render(
        request,
        "matching/recommendations.html",
        {
            "region": region,
            "form": form,
            "result": result,
            "profile": result.profile,
            "series": series,
            "series_region": series_region,
            "weights": result.normalised_weights,
            "components": COMPONENTS,
            "explain": request.GET.get("explain") == "1",
        },
    )


def _comparison_bars(profile: RegionProfile, peers: list[Any]) -> list[dict[str, Any]]:
    """One chart per indicator: the region and its peers side by side."""
    charts = []
    language = get_language()
    for slug, context in profile.indicators.items():
        bars = [Bar(profile.region.name, profile.value(slug), True, context.proxy)]
        for p in peers:
            other = p.profile.indicators.get(slug)
            bars.append(
                Bar(p.region.name, p.profile.value(slug), False, bool(other and other.proxy))
            )
        if all(b.value is None for b in bars):
            continue
        rows = [(profile, context)] + [(p.profile, p.profile.indicators.get(slug)) for p in peers]
        charts.append(
            {
                "slug": slug,
                "name": context.indicator.localized_name(language),
                "bars": bars,
                "rows": rows,
                "national": context.national,
            }
        )
    return charts


@public_page
def peers(request: HttpRequest, code: str) -> HttpResponse:
    table = profile_table()
    region = _region_or_404(code, table)
    profile = table.profile(region)
    peer_list = peer_regions(region, limit=PEERS_SHOWN, table=table)
    series, series_region = _trend_series(region, profile)
    return render(
        request,
        "matching/peers.html",
        {
            "region": region,
            "profile": profile,
            "peers": peer_list,
            "charts": _comparison_bars(profile, peer_list),
            "nearby": nearby_practices(user=request.user, region=region, table=table),
            "series": series,
            "series_region": series_region,
        },
    )


LEVEL_FILTERS = [
    ("", gettext_lazy("Semua")),
    (RegionLevel.PROVINCE, gettext_lazy("Provinsi")),
    (RegionLevel.REGENCY, gettext_lazy("Kabupaten")),
    (RegionLevel.CITY, gettext_lazy("Kota")),
]


@public_page
def priorities(request: HttpRequest) -> HttpResponse:
    as_of = request.GET.get("as_of", "").strip()[:7]
    level = request.GET.get("level", "").strip()[:10]
    errors = invalid_choices(as_of=as_of, level=level)
    if "as_of" in errors:
        as_of = ""
    if "level" in errors:
        level = ""
    table = profile_table()
    if request.user.is_authenticated:  # may see drafts among the recommendations
        ranking = need_ranking(user=request.user, as_of=as_of, level=level, table=table)
    else:
        # Twenty regions' recommendations: kept per data version (core.versioning).
        ranking = versioning.cached(
            "need-ranking",
            (as_of, level, get_language()),
            lambda: need_ranking(user=request.user, as_of=as_of, level=level, table=table),
        )
    country = table.region(COUNTRY_CODE)
    national = (
        table.profile(country, as_of or None).indicators.get("extreme_poverty_rate")
        if country
        else None
    )
    bars = [Bar(row.region.name, row.profile.value("extreme_poverty_rate")) for row in ranking.rows]
    return render(
        request,
        "matching/priorities.html",
        {
            "ranking": ranking,
            "as_of": as_of,
            "level": level,
            "levels": LEVEL_FILTERS,
            "invalid": errors,
            "bars": bars,
            "national": national.latest if national else None,
            "level_choices": LEVEL_CHOICES,
        },
    )
