"""The OpenAPI document is complete, and the docs page works without the internet."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from sebaya.api.params import PRINTABLE_PATTERN

pytestmark = pytest.mark.django_db(transaction=True)

ENDPOINTS = {
    "/api/v1/practices",
    "/api/v1/practices/{slug}",
    "/api/v1/regions",
    "/api/v1/regions/{code}",
    "/api/v1/regions/{code}/indicators",
    "/api/v1/indicators",
}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def test_openapi_document_describes_every_endpoint_and_its_errors(api_get):
    answer = api_get("/openapi.json")
    assert answer.status == 200
    schema = answer.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Sebaya API"
    assert set(schema["paths"]) >= ENDPOINTS
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("description"), where
            responses = operation["responses"]
            success = "201" if method == "post" and path == "/api/v1/practices" else "200"
            assert success in responses, where
            content = responses[success]["content"]["application/json"]["schema"]
            assert content, where
            if "{" in path:
                assert "404" in responses, where
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "400" in responses, where
            for status, response in responses.items():
                assert response.get("description"), (where, status)
                if status.startswith("4"):
                    error = _resolve(schema, response["content"]["application/json"]["schema"])
                    assert set(error["properties"]) == {"detail"}, (where, status)
                    item = _resolve(schema, error["properties"]["detail"]["items"])
                    assert set(item["properties"]) == {"field", "message"}, (where, status)
    # Filters are documented, with their allowed values where there is a fixed list.
    params = {p["name"]: p for p in schema["paths"]["/api/v1/practices"]["get"]["parameters"]}
    assert set(params) >= {"q", "theme", "urusan", "province", "region", "award", "stage"}
    assert set(params) >= {"jenis", "year_from", "year_to", "sort", "page", "page_size"}
    # An empty value means "any", like an absent one, so the enum says so too.
    assert params["stage"]["schema"]["enum"] == ["", "inisiatif", "uji_coba", "penerapan"]
    assert params["page_size"]["schema"]["maximum"] == 100
    # What the endpoints accept is what the document says (schemathesis holds us to it).
    year = params["year_from"]["schema"]
    assert (year["minimum"], year["maximum"]) == (1900, 2100)
    assert params["q"]["schema"]["anyOf"][0]["pattern"] == PRINTABLE_PATTERN


@pytest.mark.parametrize("query", [{"year_from": "1900", "year_to": "2100"}, {"stage": ""}])
def test_values_the_document_allows_are_accepted(api_get, query):
    for path in ("/practices", "/search"):
        assert api_get(f"{path}?{urlencode(query)}").status == 200, (path, query)
    assert api_get("/search?q=miskin&mode=").json()["mode"] == "hybrid"


@pytest.mark.parametrize("query", [{"year_from": "1899"}, {"year_to": "2101"}, {"q": "a\x0fb"}])
def test_values_outside_the_document_are_refused(api_get, query):
    assert api_get(f"/practices?{urlencode(query)}").status == 400


def test_docs_page_loads_only_local_files(api_get, live_server):
    """No CDN: every script, style and icon of the docs page comes from this server."""
    answer = api_get("/docs")
    assert answer.status == 200
    html = answer.body.decode()
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in url for url in assets)
    for url in assets:
        assert url.startswith("/"), url
        fetched = api_get(url.removeprefix("/api/v1"))
        assert fetched.status == 200, url
        assert fetched.body, url
    # Without JavaScript the page still lists the endpoints.
    assert "/api/v1/practices/{slug}" in html


def test_docs_assets_are_a_fixed_list(api_get):
    assert api_get("/docs/assets/..%2F..%2Fmain.py").status == 404
    assert api_get("/docs/assets/redoc.standalone.js.map").status == 404
    zipped = api_get("/docs/assets/swagger-ui-bundle.js", {"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "immutable" in zipped.headers["Cache-Control"]


def test_schema_names_are_unique_across_apps():
    """Two schemas of one name overwrite each other in the OpenAPI components (silently)."""
    from collections import defaultdict

    from ninja import Schema

    from sebaya.api.api import api

    api.get_openapi_schema()  # every router and schema imported
    seen: dict[str, set[str]] = defaultdict(set)
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("sebaya."):
            seen[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: where for name, where in seen.items() if len(where) > 1}
    assert clashes == {}


def test_a_post_to_an_unknown_api_path_is_a_json_404_even_with_cookies():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    response = client.post("/api/v1/adoptions/null,null/stage-changes", {})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_api_paths_with_line_breaks_answer_the_json_404(client):
    response = client.get("/api/v1/events/%0AN3")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
