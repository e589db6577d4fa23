"""Matcher API over real HTTP: recommendations, profile, peers, priorities, and bad input."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.api.conftest import fetch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(live_server):
    def get(path: str, headers: dict[str, str] | None = None):
        return fetch(f"{live_server.url}/api/v1{path}", headers)

    return get


def test_recommendations_answer_the_ranking_with_explanations(api, demo):
    problem = quote("kemiskinan ekstrem naik dan data warga miskin tidak tepat sasaran")
    answer = api(f"/regions/61.01/recommendations?problem={problem}&limit=3")
    assert answer.status == 200
    body = answer.json()
    assert body["region"]["code"] == "61.01" and body["query_source"] == "user"
    assert len(body["results"]) == 3
    first = body["results"][0]
    assert first["external_id"] == "pekalongan-lab-kemiskinan"
    assert first["url"].startswith("http://") and first["url"].endswith(
        "/praktik/" + first["slug"] + "/"
    )
    assert set(first["components"]) == {
        "relevance",
        "transferability",
        "evidence",
        "track_record",
        "feasibility",
    }
    assert sum(body["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    profile = body["profile"]
    assert profile["has_own_data"] is False
    extreme = next(i for i in profile["indicators"] if i["slug"] == "extreme_poverty_rate")
    assert extreme["proxy_region"]["code"] == "61"


def test_empty_problem_gives_suggestions_and_says_why(api, demo):
    body = api("/regions/91/recommendations").json()
    assert body["query_source"] == "need" and body["results"]
    assert body["messages"] and body["needs"]
    blank = api("/regions/91/recommendations?problem=%20%20").json()
    assert [r["slug"] for r in blank["results"]] == [r["slug"] for r in body["results"]]


def test_unknown_region_is_a_clear_404(api, world):
    for path in (
        "/regions/99.99/recommendations",
        "/regions/99.99/profile",
        "/regions/99.99/peers",
        "/regions/%3Cscript%3E/recommendations",
    ):
        answer = api(path)
        assert answer.status == 404, path
        assert answer.json()["detail"][0]["message"] == "Wilayah tidak ditemukan."
    english = api("/regions/99.99/recommendations", {"Accept-Language": "en"})
    assert english.status == 404 and set(english.json()) == {"detail"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("budget=huge", "budget"),
        ("digital=x", "digital"),
        ("weights=relevance%3Dabc", "weights"),
        ("weights=fame%3D1", "weights"),
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("as_of=2022-13", "as_of"),
        ("problem=%00", "problem"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(api, world, query, field):
    answer = api(f"/regions/61/recommendations?{query}")
    assert answer.status == 400, answer.body[:200]
    assert answer.json()["detail"][0]["field"] == field


def test_profile_peers_and_priorities(api, demo):
    profile = api("/regions/61/profile?as_of=2022-03").json()
    extreme = next(i for i in profile["indicators"] if i["slug"] == "extreme_poverty_rate")
    assert extreme["change"] == pytest.approx(0.33)
    assert extreme["latest"]["source_url"].startswith("https://")
    national = api("/regions/ID/profile").json()
    line = next(i for i in national["indicators"] if i["slug"] == "extreme_poverty_rate")
    assert line["latest"]["series_break"] and line["change"] is None

    peers = api("/regions/61.01/peers?limit=3").json()
    assert len(peers["peers"]) == 3
    assert all(p["region"]["code"].startswith("61.") for p in peers["peers"])
    nearby = api("/regions/33.16/peers?practice=laboratorium-kemiskinan").json()
    assert [n["slug"] for n in nearby["nearby"]] == ["laboratorium-kemiskinan"]
    # Unknown references are 404s, like an unknown region.
    assert api("/regions/33.16/peers?practice=nope").status == 404
    unknown_theme = api("/regions/33.16/recommendations?problem=miskin&theme=nope")
    assert unknown_theme.status == 404
    assert "Tema tidak dikenal" in unknown_theme.json()["detail"][0]["message"]

    ranking = api("/priorities?as_of=2022-03&practices=1").json()
    kalbar = next(r for r in ranking["regions"] if r["region"]["code"] == "61")
    assert any(
        n["kind"] == "rising" and n["amount"] == pytest.approx(0.33) for n in kalbar["needs"]
    )
    assert len(kalbar["recommendations"]) == 1
    assert api("/priorities?level=village").status == 400
    assert api("/priorities?as_of=kemarin").status == 400


def test_openapi_documents_the_matcher(api, world):
    paths = api("/openapi.json").json()["paths"]
    assert {
        "/api/v1/regions/{code}/recommendations",
        "/api/v1/regions/{code}/profile",
        "/api/v1/regions/{code}/peers",
        "/api/v1/priorities",
    } <= set(paths)
    params = {
        p["name"] for p in paths["/api/v1/regions/{code}/recommendations"]["get"]["parameters"]
    }
    assert {"problem", "theme", "budget", "digital", "weights", "limit"} <= params
