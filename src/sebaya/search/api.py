"""Search API: GET /api/v1/search, the same ranking as the search page and `sebaya search`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router

from sebaya.api.errors import ERROR_RESPONSES, bad_params
from sebaya.innovations.selectors import CatalogueFilters
from sebaya.regions.schemas import region_brief
from sebaya.search.schemas import SearchOut, SearchParams
from sebaya.search.selectors import MODES, SearchResults, search_practices

router = Router()
_FILTER_NAMES = ("theme", "urusan", "province", "region", "award", "stage", "jenis")


def results_payload(results: SearchResults, *, absolute: Any) -> list[dict[str, Any]]:
    """Ranked results as plain data: shared by the API and the `sebaya search` command."""
    return [
        {
            "external_id": hit.innovation.external_id,
            "slug": hit.innovation.slug,
            "title": hit.innovation.title,
            "score": hit.score,
            "url": absolute(hit.innovation.get_absolute_url()),
            "api_url": absolute(
                reverse("api:practice_detail", kwargs={"slug": hit.innovation.slug})
            ),
            "region": region_brief(hit.innovation.region),
            "reasons": hit.reasons,
            "snippet_text": hit.snippet_text,
            "lexical_rank": hit.lexical_rank,
            "semantic_rank": hit.semantic_rank,
        }
        for hit in results.items
    ]


@router.get(
    "",
    response={200: SearchOut, **ERROR_RESPONSES},
    url_name="search",
    summary="Search practices",
    description=(
        "Practices that answer a question, best first: word matches (Indonesian stemming, "
        "colloquial forms, the glossary of acronyms and English terms, typo correction) fused "
        "with meaning (multilingual sentence embeddings) by reciprocal rank fusion. The "
        "catalogue filters narrow the results; facet counts show what each filter would give. "
        "Published practices for everyone; a signed-in member also finds their organisation's "
        "drafts. Any `q` is accepted; a blank one answers no results and a `message`."
    ),
)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    mode = params.mode or MODES[0]  # empty, like absent, means the default
    if mode not in MODES:
        raise bad_params({"mode": params.mode})
    raw = {name: getattr(params, name) for name in _FILTER_NAMES}
    raw |= {"year_from": params.year_from, "year_to": params.year_to}
    filters, errors = CatalogueFilters.from_mapping(raw)
    if errors:
        raise bad_params(errors)
    results = search_practices(
        user=request.user,
        query=params.q,
        filters=filters,
        limit=params.limit,
        offset=params.offset,
        mode=mode,
    )
    message = None
    if results.empty_query:
        message = (
            _("Tulis kata pencarian.")
            if not results.query
            else _("Kata pencarian ini tidak berisi kata yang bisa dicari.")
        )
    return {
        "query": results.query,
        "corrected_query": results.corrected_query,
        "total": results.total,
        "limit": results.limit,
        "offset": results.offset,
        "mode": results.mode,
        "results": results_payload(results, absolute=request.build_absolute_uri),
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in results.facets.items()
        },
        "message": message,
    }
