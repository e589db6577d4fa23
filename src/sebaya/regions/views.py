"""Region pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sebaya.core import versioning
from sebaya.core.caching import public_page
from sebaya.innovations.selectors import CatalogueFilters, innovation_list
from sebaya.regions.models import RegionLevel
from sebaya.regions.selectors import (
    pemda_search,
    province_list,
    region_children,
    region_get,
    region_indicator_series,
)

# A region page lists this many practices; the catalogue link shows them all.
PRACTICES_SHOWN = 30


@public_page
def region_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "regions/list.html",
        {
            "q": q,
            "provinces": province_list(user=request.user, q=q),
            "pemda_matches": pemda_search(q=q),
        },
    )


@public_page
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(code=code)
    if region is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    practices = None
    catalogue_query = ""
    if region.level == RegionLevel.PROVINCE:
        filters = CatalogueFilters(province=region.code)
        catalogue_query = f"province={region.code}"
    elif region.level != RegionLevel.COUNTRY:
        filters = CatalogueFilters(region=region.code)
        catalogue_query = f"region={region.code}"
    if catalogue_query:
        practices = innovation_list(user=request.user, filters=filters)
    practice_count = 0
    if practices is not None:
        count = practices.count
        # A province counts thousands of practices at national scale: kept per data version
        # for anonymous readers (core.versioning); signed-in readers may see drafts.
        anonymous = not request.user.is_authenticated
        practice_count = versioning.cached("region-count", (code,), count) if anonymous else count()
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "series": region_indicator_series(region),
            "practices": practices[:PRACTICES_SHOWN] if practices is not None else [],
            "practice_count": practice_count,
            "practices_truncated": practice_count > PRACTICES_SHOWN,
            "catalogue_query": catalogue_query,
            "children": region_children(region),
        },
    )
