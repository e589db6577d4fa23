"""The regions and indicators API over real HTTP."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sebaya.regions.models import Region, RegionLevel
from tests.regions.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def regions(db):
    country = Region.objects.create(code="ID", name="Indonesia", level=RegionLevel.COUNTRY)
    jatim = Region.objects.create(
        code="35", name="Jawa Timur", level=RegionLevel.PROVINCE, parent=country
    )
    kalbar = Region.objects.create(
        code="61", name="Kalimantan Barat", level=RegionLevel.PROVINCE, parent=country
    )
    banyuwangi = Region.objects.create(
        code="35.10", name="Kabupaten Banyuwangi", level=RegionLevel.REGENCY, parent=jatim
    )
    surabaya = Region.objects.create(
        code="35.78", name="Kota Surabaya", level=RegionLevel.CITY, parent=jatim
    )
    return {
        "country": country,
        "jatim": jatim,
        "kalbar": kalbar,
        "bwi": banyuwangi,
        "sby": surabaya,
    }


def test_region_list_filters_and_pages(api_get, regions, live_server):
    body = api_get("/regions").json()
    assert body["count"] == 5
    assert [r["code"] for r in body["results"]] == ["35", "35.10", "35.78", "61", "ID"]
    assert body["results"][1] == {
        "code": "35.10",
        "name": "Kabupaten Banyuwangi",
        "level": "regency",
        "parent_code": "35",
        "url": f"{live_server.url}/wilayah/35.10/",
        "api_url": f"{live_server.url}/api/v1/regions/35.10",
    }

    def codes(query: str) -> list[str]:
        return [r["code"] for r in api_get(f"/regions?{query}").json()["results"]]

    assert codes("level=province") == ["35", "61"]
    assert codes("parent=35") == ["35.10", "35.78"]
    assert codes("parent=35&level=city") == ["35.78"]
    assert codes("q=kalimantan") == ["61"]
    assert codes("parent=99") == []
    paged = api_get("/regions?page_size=2&page=2").json()
    assert [r["code"] for r in paged["results"]] == ["35.78", "61"]
    assert paged["next"].endswith("page=3") and paged["previous"].endswith("page=1")


@pytest.mark.parametrize(
    ("query", "field"),
    [("level=planet", "level"), ("page_size=500", "page_size"), ("q=%00", "q")],
)
def test_region_list_rejects_bad_parameters(api_get, query, field):
    answer = api_get(f"/regions?{query}")
    assert answer.status == 400
    assert field in [item["field"] for item in answer.json()["detail"]]


def test_region_detail_has_parent_children_and_island_group(api_get, regions, live_server):
    body = api_get("/regions/35").json()
    assert body == {
        "code": "35",
        "name": "Jawa Timur",
        "level": "province",
        "parent": {"code": "ID", "name": "Indonesia", "level": "country"},
        "children": [
            {"code": "35.10", "name": "Kabupaten Banyuwangi", "level": "regency"},
            {"code": "35.78", "name": "Kota Surabaya", "level": "city"},
        ],
        "island_group": "Jawa",
        "url": f"{live_server.url}/wilayah/35/",
        "api_url": f"{live_server.url}/api/v1/regions/35",
        "indicators_url": f"{live_server.url}/api/v1/regions/35/indicators",
    }
    country = api_get("/regions/ID").json()
    assert country["parent"] is None and country["island_group"] == ""


@pytest.mark.parametrize(
    "path", ["/regions/99.99", "/regions/a%00b", "/regions/99/indicators", "/regions/" + "9" * 40]
)
def test_unknown_region_answers_404_in_the_error_format(api_get, path):
    answer = api_get(path)
    assert answer.status == 404
    assert answer.json() == {"detail": [{"field": None, "message": "Wilayah tidak ditemukan."}]}


def test_region_indicators_group_observations_by_indicator(api_get, regions):
    extreme = IndicatorFactory(display_order=1)
    poverty = IndicatorFactory(slug="poverty_rate", name_id="Tingkat kemiskinan", display_order=2)
    bwi = regions["bwi"]
    ObservationFactory(
        region=bwi,
        indicator=extreme,
        period="2025-03",
        period_start=datetime.date(2025, 3, 1),
        value=Decimal("0.8500"),
        note="Garis US$2,15 PPP.",
        series_break=True,
    )
    ObservationFactory(region=bwi, indicator=extreme)  # 2022-03
    ObservationFactory(
        region=bwi,
        indicator=poverty,
        period="2023",
        period_start=datetime.date(2023, 1, 1),
        period_granularity="year",
        value=Decimal("7.3400"),
    )
    ObservationFactory(region=regions["sby"], indicator=poverty, value=Decimal("4"))

    body = api_get("/regions/35.10/indicators").json()
    assert body["region"] == {"code": "35.10", "name": "Kabupaten Banyuwangi", "level": "regency"}
    assert [s["indicator"]["slug"] for s in body["indicators"]] == [
        "extreme_poverty_rate",
        "poverty_rate",
    ]
    extreme_series = body["indicators"][0]["observations"]
    assert extreme_series == [
        {
            "period": "2022-03",
            "period_start": "2022-03-01",
            "value": 1.41,
            "unit": "percent",
            "source_url": "https://example.org/source",
            "note": "",
            "series_break": False,
        },
        {
            "period": "2025-03",
            "period_start": "2025-03-01",
            "value": 0.85,
            "unit": "percent",
            "source_url": "https://example.org/source",
            "note": "Garis US$2,15 PPP.",
            "series_break": True,
        },
    ]
    assert body["indicators"][1]["observations"][0]["value"] == 7.34
    assert api_get("/regions/61/indicators").json()["indicators"] == []


def test_indicator_definitions(api_get, db):
    IndicatorFactory(display_order=1, description_id="Persentase penduduk sangat miskin.")
    IndicatorFactory(slug="gini", name_id="Rasio Gini", name_en="Gini ratio", unit="ratio")
    body = api_get("/indicators").json()
    assert [i["slug"] for i in body] == ["extreme_poverty_rate", "gini"]
    assert body[0] == {
        "slug": "extreme_poverty_rate",
        "name": "Tingkat kemiskinan ekstrem",
        "name_id": "Tingkat kemiskinan ekstrem",
        "name_en": "Extreme poverty rate",
        "unit": "percent",
        "description_id": "Persentase penduduk sangat miskin.",
        "description_en": "",
        "lower_is_better": True,
    }
    english = api_get("/indicators", {"Accept-Language": "en"}).json()
    assert english[1]["name"] == "Gini ratio"
