"""The practices API over real HTTP: list, catalogue filters, pagination, detail, errors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sebaya.innovations.models import (
    Contact,
    EvidenceItem,
    SdgGoal,
    StageEvent,
    Urusan,
    UrusanCategory,
)
from sebaya.innovations.selectors import CatalogueFilters, innovation_list
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.api.conftest import fetch
from tests.innovations.factories import (
    AwardFactory,
    InnovationFactory,
    LinkFactory,
    OutcomeFigureFactory,
    ThemeFactory,
)
from tests.regions.factories import ProvinceFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def assert_error_format(body: dict, field: str | None = None) -> None:
    assert set(body) == {"detail"}
    assert body["detail"], body
    for item in body["detail"]:
        assert set(item) == {"field", "message"}
        assert isinstance(item["message"], str) and item["message"]
    if field is not None:
        assert field in [item["field"] for item in body["detail"]], body


def test_list_shows_published_practices_with_their_parts(api_get, catalogue, live_server):
    """The list has the envelope, published practices only, and every field of a row."""
    answer = api_get("/practices")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"count", "page", "page_size", "next", "previous", "results"}
    assert body["count"] == 3
    assert (body["page"], body["page_size"], body["next"], body["previous"]) == (1, 20, None, None)
    slugs = [row["slug"] for row in body["results"]]
    assert slugs == ["gerbang-desa", "jatim-puspa", "smart-kampung"]  # by title
    assert "rahasia-draf" not in answer.body.decode()

    smart = body["results"][2]
    assert smart == {
        "slug": "smart-kampung",
        "external_id": "S-1",
        "title": "Smart Kampung",
        "summary": "Layanan desa daring.",
        "year": 2015,
        "region": {"code": "35.10", "name": "Kabupaten Banyuwangi", "level": "regency"},
        "province": {"code": "35", "name": "Jawa Timur"},
        "themes": [{"slug": "data-sasaran", "name": "Data dan sasaran"}],
        "awards": [
            {"programme": "kipp", "title": "Top 99", "year": 2018},
            {"programme": "iga", "title": "Terinovatif", "year": 2016},
        ],
        "stage": "penerapan",
        "jenis": "digital",
        "running_status": "unknown",
        "url": f"{live_server.url}/praktik/smart-kampung/",
        "api_url": f"{live_server.url}/api/v1/practices/smart-kampung",
    }
    province_wide = body["results"][1]
    assert province_wide["province"] == {"code": "35", "name": "Jawa Timur"}
    assert (province_wide["stage"], province_wide["jenis"], province_wide["themes"]) == (
        None,
        None,
        [],
    )
    # The row's api_url is where the record is.
    assert fetch(smart["api_url"]).json()["slug"] == "smart-kampung"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "kampung"},
        {"q": "sambas"},  # the region's name counts
        {"q": "desa layanan"},  # every word must match
        {"theme": "data-sasaran"},
        {"theme": "tidak-ada"},
        {"province": "35"},
        {"region": "35.10"},
        {"award": "iga"},
        {"award": "any"},
        {"stage": "uji_coba"},
        {"jenis": "digital"},
        {"year_from": "2016"},
        {"year_from": "2016", "year_to": "2020"},
        {"sort": "-year"},
        {"sort": "year", "province": "35"},
    ],
)
def test_list_filters_like_the_catalogue(api_get, catalogue, params):
    """Each filter gives exactly what the catalogue's selector gives for the same parameters."""
    answer = api_get(f"/practices?{urlencode(params)}")
    assert answer.status == 200, answer.body
    filters, errors = CatalogueFilters.from_mapping(params)
    assert not errors
    expected = [i.slug for i in innovation_list(user=AnonymousUser(), filters=filters)]
    assert [row["slug"] for row in answer.json()["results"]] == expected
    assert answer.json()["count"] == len(expected)


def test_filters_select_what_they_say(api_get, catalogue):
    """A few filters checked against hand-written answers, not only against the selector."""

    def slugs(query: str) -> list[str]:
        return [row["slug"] for row in api_get(f"/practices?{query}").json()["results"]]

    assert slugs("province=35") == ["jatim-puspa", "smart-kampung"]
    assert slugs("award=any") == ["smart-kampung"]
    assert slugs("year_from=2016&year_to=2020") == ["gerbang-desa"]
    assert slugs("sort=-year") == ["jatim-puspa", "gerbang-desa", "smart-kampung"]
    assert slugs("q=rahasia") == []  # drafts stay hidden from searches too


def test_pagination_links_walk_the_list(api_get, catalogue):
    """page_size splits the list; next and previous are absolute URLs that keep the filters."""
    first = api_get("/practices?page_size=2&sort=-year").json()
    assert first["count"] == 3
    assert [r["slug"] for r in first["results"]] == ["jatim-puspa", "gerbang-desa"]
    assert first["previous"] is None
    assert "sort=-year" in first["next"]
    second = fetch(first["next"]).json()
    assert [r["slug"] for r in second["results"]] == ["smart-kampung"]
    assert second["page"] == 2
    assert second["next"] is None
    assert fetch(second["previous"]).json() == first
    beyond = api_get("/practices?page=50&page_size=2")
    assert beyond.status == 200
    assert beyond.json()["results"] == []
    assert beyond.json()["next"] is None
    assert "page=2" in beyond.json()["previous"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=selesai", "stage"),
        ("jenis=analog", "jenis"),
        ("award=nobel", "award"),
        ("sort=random", "sort"),
        ("year_from=abc", "year_from"),
        ("year_to=1800", "year_to"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999999", "page"),
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("q=%00", "q"),
        ("theme=a%00b", "theme"),
    ],
)
def test_bad_parameters_answer_400_in_the_error_format(api_get, query, field):
    """Rejected values name their parameter; nothing reaches the database to fail there."""
    answer = api_get(f"/practices?{query}")
    assert answer.status == 400, answer.body
    assert_error_format(answer.json(), field)


def test_error_messages_follow_the_request_language(api_get):
    """Messages are Indonesian by default; their source strings are gettext's."""
    body = api_get("/practices/tidak-ada").json()
    assert body == {"detail": [{"field": None, "message": "Praktik tidak ditemukan."}]}


def _full_practice(catalogue):
    smart = catalogue["smart"]
    smart.overview = "Gambaran umum."
    smart.problem = "Layanan desa lambat."
    smart.lessons = "Mulai dari data."
    smart.bentuk = "pelayanan_publik"
    smart.inisiator = "kepala_daerah"
    smart.sdg_targets = "1.3, 16.6"
    smart.running_status = "berjalan"
    smart.status_checked_on = datetime.date(2024, 5, 2)
    smart.save()
    dasar = Urusan.objects.create(
        code="1.01",
        name_id="Pendidikan",
        name_en="Education",
        category=UrusanCategory.WAJIB_DASAR,
    )
    pilihan = Urusan.objects.create(
        code="3.25", name_id="Pertanian", name_en="Agriculture", category=UrusanCategory.PILIHAN
    )
    smart.urusan.add(dasar, pilihan)
    smart.sdgs.add(
        SdgGoal.objects.create(number=1, name_id="Tanpa Kemiskinan", name_en="No Poverty")
    )
    StageEvent.objects.create(innovation=smart, stage="uji_coba", year=2015, note="Lima desa.")
    StageEvent.objects.create(
        innovation=smart, stage="penerapan", date=datetime.date(2016, 1, 4), year=2016
    )
    EvidenceItem.objects.create(
        innovation=smart, kind="regulation", title="Perbup 22/2015", reference="22/2015", year=2015
    )
    OutcomeFigureFactory(
        innovation=smart,
        label="Waktu layanan (hari)",
        value_before=Decimal("7.5000"),
        period_before="2014",
        value_after=Decimal("1"),
        period_after="2017",
        unit="hari",
        source_url="https://example.org/laporan",
    )
    LinkFactory(
        innovation=smart, kind="news", title="Berita", url="https://example.org/b", position=2
    )
    LinkFactory(
        innovation=smart, kind="source", title="Sumber", url="https://example.org/a", position=1
    )
    Contact.objects.create(innovation=smart, unit="Diskominfo", email="info@example.org")
    return smart


def test_detail_has_every_part(api_get, catalogue, live_server):
    """The full record: narrative, classification, history, evidence, figures, links, contacts."""
    _full_practice(catalogue)
    answer = api_get("/practices/smart-kampung")
    assert answer.status == 200
    body = answer.json()
    assert body["slug"] == "smart-kampung"
    assert body["url"] == f"{live_server.url}/praktik/smart-kampung/"
    assert body["province"] == {"code": "35", "name": "Jawa Timur"}
    assert body["overview"] == "Gambaran umum."
    assert body["narrative"]["problem"] == "Layanan desa lambat."
    assert body["narrative"]["lessons"] == "Mulai dari data."
    assert body["narrative"]["novelty"] is None
    assert len(body["narrative"]) == 13
    assert body["organisation"] == {
        "slug": "pemkab-banyuwangi",
        "name": "Pemkab Banyuwangi",
        "kind": "pemda",
    }
    assert body["urusan"] == [
        {"code": "1.01", "name": "Pendidikan", "category": "wajib_dasar", "is_basic_service": True},
        {"code": "3.25", "name": "Pertanian", "category": "pilihan", "is_basic_service": False},
    ]
    assert body["sdgs"] == [{"number": 1, "name": "Tanpa Kemiskinan"}]
    assert (body["bentuk"], body["inisiator"], body["sdg_targets"]) == (
        "pelayanan_publik",
        "kepala_daerah",
        "1.3, 16.6",
    )
    assert [e["stage"] for e in body["stage_events"]] == ["uji_coba", "penerapan"]
    assert body["stage_events"][1]["date"] == "2016-01-04"
    assert body["evidence"][0]["title"] == "Perbup 22/2015"
    assert body["awards"][0]["programme_name"].startswith("Kompetisi Inovasi")
    assert body["outcomes"] == [
        {
            "label": "Waktu layanan (hari)",
            "value_before": 7.5,
            "period_before": "2014",
            "value_after": 1.0,
            "period_after": "2017",
            "unit": "hari",
            "source_url": "https://example.org/laporan",
            "note": "",
        }
    ]
    assert [link["title"] for link in body["links"]] == ["Sumber", "Berita"]
    assert body["contacts"][0]["unit"] == "Diskominfo"
    assert body["running_status"] == "berjalan"
    assert body["status_checked_on"] == "2024-05-02"
    assert body["status"] == "published"


def test_detail_in_english_names_things_in_english(api_get, catalogue):
    _full_practice(catalogue)
    body = api_get("/practices/smart-kampung", {"Accept-Language": "en"}).json()
    assert body["themes"] == [{"slug": "data-sasaran", "name": "Data"}]
    assert body["urusan"][0]["name"] == "Education"


@pytest.mark.parametrize("slug", ["tidak-ada", "rahasia-draf", "bukan%20slug", "a%00b", "x" * 300])
def test_missing_and_draft_practices_answer_404(api_get, catalogue, slug):
    """Drafts are as absent as missing practices to anonymous requests."""
    answer = api_get(f"/practices/{slug}")
    assert answer.status == 404
    assert_error_format(answer.json(), None)
    assert "Draf Rahasia" not in answer.body.decode()


def test_unknown_api_paths_answer_404_in_the_error_format(api_get):
    answer = api_get("/tidak/ada")
    assert answer.status == 404
    assert_error_format(answer.json())


def test_members_see_their_organisation_drafts(catalogue):
    """The API asks the same policy as the pages: a member sees the organisation's draft."""
    member = UserFactory.create()
    MembershipFactory(user=member, organisation=catalogue["org"])
    client = Client()
    assert client.get("/api/v1/practices/rahasia-draf").status_code == 404
    client.force_login(member)
    detail = client.get("/api/v1/practices/rahasia-draf")
    assert detail.status_code == 200
    assert detail.json()["status"] == "draft"
    listed = [row["slug"] for row in client.get("/api/v1/practices").json()["results"]]
    assert "rahasia-draf" in listed


def _practices(n: int) -> None:
    provinces = [ProvinceFactory(code=str(70 + i), name=f"Provinsi {i}") for i in range(3)]
    themes = [ThemeFactory(slug=f"tema-q{i}") for i in range(3)]
    for i in range(n):
        province = provinces[i % 3]
        region = RegionFactory(code=f"{province.code}.{i:02d}", parent=province if i % 2 else None)
        practice = InnovationFactory.create(region=region)
        practice.themes.add(themes[i % 3])
        AwardFactory(innovation=practice)


@pytest.mark.django_db(transaction=False)
def test_list_query_count_does_not_grow_with_the_page():
    """A page of 100 practices costs the same queries as a page of 10."""
    client = Client()
    counts: list[int] = []
    for n in (10, 100):
        _practices(n if not counts else n - 10)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/practices?page_size=100")
        assert response.status_code == 200
        assert len(response.json()["results"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # count, rows, themes, awards, and the provinces of regions without a parent loaded.
    assert counts[0] <= 5, counts
