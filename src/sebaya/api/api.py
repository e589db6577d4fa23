"""The public API under /api/v1/: each app contributes its router from its own api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path, re_path, reverse
from ninja import NinjaAPI

import sebaya
from sebaya.api.docs import OfflineSwagger, docs_asset
from sebaya.api.errors import install_error_handlers, unknown_endpoint


def api_root(request: HttpRequest) -> JsonResponse:
    """/api/v1/ itself: where the docs and the OpenAPI document are."""
    return JsonResponse(
        {
            "docs": request.build_absolute_uri(reverse("api:openapi-view")),
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        }
    )


class SebayaAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:
        # ninja's root view is a bare 404 page; keep its name (ninja reverses it to find the
        # API's prefix) but answer JSON.
        urls = [
            path("", api_root, name="api-root")
            if isinstance(url, URLPattern) and url.name == "api-root"
            else url
            for url in super()._get_urls()
        ]
        # Added after every router's URLs, whatever order routers are added in: the docs'
        # own files, then a JSON 404 for any other path under /api/v1/.
        return [
            *urls,
            path("docs/assets/<str:name>", docs_asset, name="docs_asset"),
            # Any other path, line breaks included (`<path:>` stops at them), is a JSON 404.
            re_path(r"^(?P<rest>(?s:.+))$", unknown_endpoint, name="unknown_endpoint"),
        ]


api = SebayaAPI(
    title="Sebaya API",
    version="1",
    description=(
        "Open API of Sebaya: practices (inovasi), regions (wilayah) and indicators. "
        "Read endpoints need no account. Every error answers "
        '`{"detail": [{"field": ..., "message": ...}]}` with a 4xx status; messages follow '
        "the request's language (Indonesian by default, English with `Accept-Language: en`)."
    ),
    urls_namespace="api",
    docs=OfflineSwagger(),
)
install_error_handlers(api)


def _register() -> None:
    from sebaya.innovations.api import router as innovations_router
    from sebaya.learning import api as learning_api
    from sebaya.matching.api import priorities_router
    from sebaya.matching.api import router as matching_router
    from sebaya.regions.api import indicators_router
    from sebaya.regions.api import router as regions_router
    from sebaya.search.api import router as search_router

    api.add_router("/practices", innovations_router, tags=["practices"])
    api.add_router("/regions", regions_router, tags=["regions"])
    api.add_router("/indicators", indicators_router, tags=["indicators"])
    api.add_router("/search", search_router, tags=["search"])
    api.add_router("/programmes", learning_api.programmes_router, tags=["learning"])
    api.add_router("/events", learning_api.events_router, tags=["learning"])
    api.add_router("/action-plans", learning_api.action_plans_router, tags=["learning"])
    api.add_router("/adoptions", learning_api.adoptions_router, tags=["learning"])
    api.add_router("/regions", matching_router, tags=["matching"])
    api.add_router("/priorities", priorities_router, tags=["matching"])


_register()
api.version_info = sebaya.__version__  # type: ignore[attr-defined]
