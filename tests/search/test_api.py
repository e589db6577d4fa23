"""GET /api/v1/search: the ranking of the CLI over real HTTP, filters, facets, the error format."""

from __future__ import annotations

import json
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from tests.api.conftest import fetch
from tests.search.demo_index import build_demo_index

RESULT_KEYS = {
    "external_id",
    "slug",
    "title",
    "score",
    "url",
    "api_url",
    "region",
    "reasons",
    "snippet_text",
    "lexical_rank",
    "semantic_rank",
}


@pytest.fixture
def demo(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        practices = build_demo_index(monkeypatch)
    return practices


def cli_ids(*args: str) -> list[str]:
    out = StringIO()
    call_command("search", *args, "--json", stdout=out)
    return [row["external_id"] for row in json.loads(out.getvalue())]


@pytest.mark.django_db(transaction=True)
def test_search_over_http_ranks_like_the_cli(live_server, monkeypatch):
    build_demo_index(monkeypatch)  # a real commit: the index follows on its own
    query = "bantuan modal buat ibu2 pedagang"
    answer = fetch(f"{live_server.url}/api/v1/search?{urlencode({'q': query, 'limit': 10})}")
    assert answer.status == 200
    body = answer.json()
    assert set(body) == {
        "query",
        "corrected_query",
        "total",
        "limit",
        "offset",
        "mode",
        "results",
        "facets",
        "message",
    }
    assert body["query"] == query and body["mode"] == "hybrid" and body["message"] is None
    results = body["results"]
    assert results and set(results[0]) == RESULT_KEYS
    ids = [r["external_id"] for r in results]
    assert {"jatim-puspa", "bandung-kredit-melati"} <= set(ids[:5])
    assert ids == cli_ids(*query.split(), "--limit", "10")
    first = results[0]
    assert first["url"].startswith(live_server.url + "/praktik/")
    assert first["region"]["code"] and first["reasons"] and "<mark>" not in first["snippet_text"]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert set(body["facets"]) == {"theme", "urusan", "province", "award", "stage", "jenis"}


@pytest.mark.django_db
def test_filters_paging_modes_and_did_you_mean(demo):
    client = Client()
    body = client.get("/api/v1/search", {"q": "kemiskinan", "province": "33", "limit": "5"}).json()
    assert body["total"] > 5 and len(body["results"]) == 5
    assert all(r["region"]["code"].startswith("33") for r in body["results"])
    assert any(f["value"] == "33" and f["selected"] for f in body["facets"]["province"])
    page2 = client.get(
        "/api/v1/search", {"q": "kemiskinan", "province": "33", "limit": "5", "offset": "5"}
    ).json()
    assert not {r["slug"] for r in page2["results"]} & {r["slug"] for r in body["results"]}
    for mode in ("lexical", "semantic"):
        body = client.get("/api/v1/search", {"q": "kemiskinan", "mode": mode}).json()
        assert body["mode"] == mode and body["results"]
        assert cli_ids("kemiskinan", "--mode", mode, "--limit", "20") == [
            r["external_id"] for r in body["results"]
        ]
    body = client.get("/api/v1/search", {"q": "kemiskian"}).json()
    assert body["corrected_query"] == "kemiskinan" and body["results"]
    body = client.get("/api/v1/search", {"q": ""}).json()
    assert body["results"] == [] and body["total"] == 0 and body["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "mode": "fuzzy"}, "mode"),
        ({"q": "x", "limit": "0"}, "limit"),
        ({"q": "x", "limit": "1000"}, "limit"),
        ({"q": "x", "offset": "-1"}, "offset"),
        ({"q": "x", "limit": "abc"}, "limit"),
        ({"q": "x", "stage": "bogus"}, "stage"),
        ({"q": "x", "award": "nobel"}, "award"),
        ({"q": "x", "year_from": "1800"}, "year_from"),
        ({"q": "x", "theme": "a\x00b"}, "theme"),
    ],
)
def test_bad_parameters_answer_400_in_the_error_format(params: dict[str, str], field: str):
    response = Client().get("/api/v1/search", params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail"}
    assert [item["field"] for item in body["detail"]] == [field]
    assert all(item["message"] for item in body["detail"])


@pytest.mark.django_db
def test_in_the_openapi_document():
    spec = Client().get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "limit", "offset", "mode", "theme", "province", "award"} <= names
    assert {"200", "400"} <= set(operation["responses"])
