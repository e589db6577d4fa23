"""API docs that work offline: ninja's bundled Swagger UI served by Sebaya itself, not a CDN.

ninja serves its bundled Swagger UI only when "ninja" is an installed app (its files are then
static files); otherwise its page loads Swagger UI from cdn.jsdelivr.net, which a server without
internet, or a reader on an intranet, cannot reach. This page serves the same bundled files from
the API's own URLs, and lists the endpoints in plain HTML for readers without JavaScript.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "favicon.png": "image/png",
}
# The asset URLs carry ninja's version, so a year of caching is safe.
ASSET_VERSION = ninja.__version__

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="stylesheet" href="{{ assets.css }}">
<link rel="icon" href="{{ assets.svg }}" type="image/svg+xml">
<link rel="icon" href="{{ assets.png }}" type="image/png">
</head>
<body>
<script type="application/json" id="swagger-settings">{{ settings_json|safe }}</script>
<div id="swagger-ui"></div>
<noscript>
<main style="font-family: sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem">
<h1>{{ title }}</h1>
<p>{{ description }}</p>
<p>OpenAPI document: <a href="{{ openapi_url }}">{{ openapi_url }}</a></p>
<table>
<thead><tr><th>Method</th><th>Path</th><th>Summary</th></tr></thead>
<tbody>
{% for op in operations %}<tr><td>{{ op.method }}</td><td><code>{{ op.path }}</code></td>
<td>{{ op.summary }}</td></tr>
{% endfor %}</tbody>
</table>
</main>
</noscript>
<script src="{{ assets.bundle }}"></script>
<script src="{{ assets.init }}"></script>
</body>
</html>
"""


def _asset_url(api: NinjaAPI, name: str) -> str:
    url = reverse(f"{api.urls_namespace}:docs_asset", kwargs={"name": name})
    return f"{url}?v={ASSET_VERSION}"


class OfflineSwagger(DocsBase):
    """Swagger UI from ninja's bundled files, served by this site."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = [
            {"method": method.upper(), "path": path, "summary": op.get("summary", "")}
            for path, methods in schema["paths"].items()
            for method, op in methods.items()
        ]
        settings = {"url": openapi_url, "layout": "BaseLayout", "deepLinking": True}
        context = {
            "title": api.title,
            "description": api.description,
            "openapi_url": openapi_url,
            "operations": operations,
            # Inside <script type="application/json">: "</" must not close the element.
            "settings_json": json.dumps(settings).replace("</", "<\\/"),
            "assets": {
                "css": _asset_url(api, "swagger-ui.css"),
                "svg": _asset_url(api, "favicon.svg"),
                "png": _asset_url(api, "favicon.png"),
                "bundle": _asset_url(api, "swagger-ui-bundle.js"),
                "init": _asset_url(api, "swagger-ui-init.js"),
            },
        }
        html = engines["django"].from_string(PAGE).render(context, request)
        return HttpResponse(html)


@lru_cache(maxsize=len(ASSETS))
def _asset(name: str) -> tuple[bytes, bytes, str]:
    """The file's bytes, gzipped bytes and ETag, read once per process."""
    data = (ASSET_DIR / name).read_bytes()
    return data, gzip.compress(data, mtime=0), hashlib.sha256(data).hexdigest()[:16]


def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    """One file of the docs page: a fixed list of names, nothing else from disk."""
    if name not in ASSETS:
        raise Http404(name)
    data, zipped, etag = _asset(name)
    if request.headers.get("If-None-Match") == f'"{etag}"':
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", "") and len(zipped) < len(data):
        response = HttpResponse(zipped, content_type=ASSETS[name])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(data, content_type=ASSETS[name])
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
