"""The search page: results with snippets and reasons, facets, filters, search as you type."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sebaya.core.caching import public_page
from sebaya.innovations.selectors import CatalogueFilters
from sebaya.learning.selectors import attach_adopting_region_counts
from sebaya.search.selectors import MODES, SearchResults, search_practices, search_suggestions

# The filters a reader can set and remove on the page; `q` and `sort` are not filters here.
FILTER_LABELS = {
    "theme": gettext_lazy("Tema"),
    "urusan": gettext_lazy("Urusan"),
    "province": gettext_lazy("Provinsi"),
    "region": gettext_lazy("Wilayah"),
    "award": gettext_lazy("Penghargaan"),
    "stage": gettext_lazy("Tahapan"),
    "jenis": gettext_lazy("Jenis"),
    "year_from": gettext_lazy("Tahun dari"),
    "year_to": gettext_lazy("Tahun sampai"),
}
FACET_TITLES = {
    "theme": gettext_lazy("Tema"),
    "urusan": gettext_lazy("Urusan pemerintahan"),
    "province": gettext_lazy("Provinsi"),
    "award": gettext_lazy("Penghargaan"),
    "stage": gettext_lazy("Tahapan"),
    "jenis": gettext_lazy("Digital atau bukan"),
}
# The issue's own examples: how officers really ask.
EXAMPLE_QUERIES = (
    "gimana caranya data warga miskin ga dobel",
    "anak gizi buruk di pesisir",
    "bantuan modal buat ibu2 pedagang",
    "how do villages earn their own income",
)
MAX_PAGE = 500
_CONTROL = dict.fromkeys(range(32)) | {0x7F: None}


def _url(request: HttpRequest, **changes: Any) -> str:
    """This page's address with some parameters changed (None removes one); page 1 again."""
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def _page_number(raw: str | None) -> int:
    if raw and raw.isdigit():
        return max(1, min(int(raw), MAX_PAGE))
    return 1


def _active_filters(
    request: HttpRequest, filters: CatalogueFilters, results: SearchResults
) -> list[dict[str, Any]]:
    """The filters in force, each with the label a reader knows and the parameter to drop."""
    labels = {(name, f.value): f.label for name, values in results.facets.items() for f in values}
    active = []
    for f in fields(filters):
        if f.name not in FILTER_LABELS:
            continue
        value = getattr(filters, f.name)
        if value in ("", None):
            continue
        shown = labels.get((f.name, value), _("apa pun") if value == "any" else str(value))
        active.append(
            {
                "name": f.name,
                "raw": value,
                "label": FILTER_LABELS[f.name],
                "value": shown,
                "remove_url": _url(request, **{f.name: None}),
            }
        )
    return active


# Kept for anonymous visitors like the catalogue, for a minute at most: the lexical and vector
# indexes follow a write a moment after the data version moves (decision 0006).
@public_page(max_age=60)
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    # Control characters are never part of a filter value (and PostgreSQL refuses NUL).
    params = {name: request.GET.get(name, "").translate(_CONTROL) for name in request.GET}
    filters, errors = CatalogueFilters.from_mapping(params)
    mode = request.GET.get("mode", "hybrid")
    mode = mode if mode in MODES else "hybrid"
    page_size = settings.SEBAYA_PAGE_SIZE
    number = _page_number(request.GET.get("page"))
    results = search_practices(
        user=request.user,
        query=query,
        filters=filters,
        limit=page_size,
        offset=(number - 1) * page_size,
        mode=mode,
    )
    num_pages = max(1, -(-results.total // page_size))
    if number > num_pages:
        # A page past the end (an old link, fewer results now): show the last one.
        number = num_pages
        results = search_practices(
            user=request.user,
            query=query,
            filters=filters,
            limit=page_size,
            offset=(number - 1) * page_size,
            mode=mode,
        )
    active = _active_filters(request, filters, results)
    facets = [
        (
            name,
            FACET_TITLES[name],
            [
                {
                    "label": v.label,
                    "count": v.count,
                    "selected": v.selected,
                    "url": _url(request, **{name: None if v.selected else v.value}),
                }
                for v in values
            ],
        )
        for name, values in results.facets.items()
        if values
    ]
    keep = {"q": results.query} | ({"mode": mode} if mode != "hybrid" else {})
    # "Ditiru N daerah" on each hit: one query for the page (learning's adoption records).
    attach_adopting_region_counts(hit.innovation for hit in results.items)
    context = {
        "query": results.query,
        "results": results,
        "filters": filters,
        "active_filters": active,
        "invalid": [
            (str(FILTER_LABELS.get(name, name)), value)
            for name, value in sorted(errors.items())
            if name != "sort"
        ],
        "facets": facets,
        "clear_filters_url": f"{request.path}?{urlencode(keep)}",
        "corrected_url": (
            f"{request.path}?{urlencode({**keep, 'q': results.corrected_query})}"
            if results.corrected_query
            else ""
        ),
        "previous_url": _url(request, page=str(number - 1)) if number > 1 else "",
        "next_url": _url(request, page=str(number + 1)),
        "page": {
            "number": number,
            "num_pages": num_pages,
            "has_previous": number > 1,
            "has_next": number < num_pages,
            "start": results.offset + 1,
        },
        "mode": mode,
        "suggestions": (
            search_suggestions(user=request.user)
            if results.empty_query or results.total == 0
            else None
        ),
        "examples": [(q, f"{request.path}?{urlencode({'q': q})}") for q in EXAMPLE_QUERIES],
    }
    partial = request.headers.get("HX-Request") and request.headers.get("HX-Target") in (
        "search-results",
    )
    context["partial"] = bool(partial)
    template = "search/_results.html" if partial else "search/search.html"
    return render(request, template, context)
