"""Odd input never makes the API fail: every answer is 2xx or 4xx in the error format."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.innovations.factories import InnovationFactory

ODD_VALUES = [
    "",
    " ",
    "-1",
    "0",
    "1e3",
    "99999999999999999999999999",
    "٢٠٢٠",
    "x" * 5000,
    "%",
    "'; drop table x; --",
    "\x00",
    "a\tb",
    "é漢字🙂",
]
PARAMS = {
    "/api/v1/practices": [
        "q",
        "theme",
        "urusan",
        "province",
        "region",
        "award",
        "stage",
        "jenis",
        "year_from",
        "year_to",
        "sort",
        "page",
        "page_size",
    ],
    "/api/v1/regions": ["level", "parent", "q", "page", "page_size"],
    "/api/v1/indicators": ["x"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PARAMS))
def test_odd_query_values_never_fail(path):
    InnovationFactory()
    client = Client()
    for name in PARAMS[path]:
        for value in ODD_VALUES:
            response = client.get(path, {name: value})
            assert response.status_code in (200, 400), (name, value, response.content[:300])
            if response.status_code == 400:
                assert set(response.json()) == {"detail"}
        # Bytes that are not UTF-8 at all, as a client may send them.
        response = client.get(f"{path}?{name}=%ED%A0%80%FF")
        assert response.status_code in (200, 400), (name, response.content[:300])
    repeated = client.get(f"{path}?page=1&page=2&stage=x&stage=uji_coba")
    assert repeated.status_code in (200, 400)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/practices/%00",
        "/api/v1/practices/%C0%AF",
        "/api/v1/practices/..%2F..",
        "/api/v1/practices/" + "é" * 200,
        "/api/v1/regions/%00",
        "/api/v1/regions/%ED%A0%80",
        "/api/v1/regions/1' or '1'='1",
        "/api/v1/regions/35/indicators/extra",
        "/api/v1/practices/",
        "/api/v1/nothing",
    ],
)
def test_odd_paths_answer_404_not_500(path):
    response = Client().get(path)
    assert response.status_code == 404, response.content[:300]
    assert set(response.json()) == {"detail"}


def test_api_root_points_to_the_docs():
    body = Client().get("/api/v1/").json()
    assert body == {
        "docs": "http://testserver/api/v1/docs",
        "openapi": "http://testserver/api/v1/openapi.json",
    }


@pytest.mark.django_db
def test_a_request_refused_before_any_view_is_answered_in_json_on_the_api(client):
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS parameters Django refuses the request itself: the API
    still answers JSON (schemathesis checks every response's content type); pages keep HTML."""
    many = "&".join(["organisation=x"] * 1500)
    response = client.get("/api/v1/action-plans?" + many)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "parameter" in response.json()["detail"]
    page = client.get("/praktik/?" + many.replace("organisation", "theme"))
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
