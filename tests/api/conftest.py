"""Fixtures of the API tests: real HTTP against the live server, and a small data set."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from sebaya.innovations.models import PublicationStatus
from tests.accounts.factories import OrganisationFactory
from tests.innovations.factories import AwardFactory, InnovationFactory, ThemeFactory
from tests.regions.factories import ProvinceFactory, RegionFactory


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(url: str, headers: dict[str, str] | None = None) -> Answer:
    """GET over real HTTP; 4xx and 5xx come back as answers, not exceptions."""
    assert url.startswith("http://"), url  # only the local live server
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


@pytest.fixture
def api_get(live_server):
    """GET a path under /api/v1/ from the live server."""

    def get(path: str, headers: dict[str, str] | None = None) -> Answer:
        return fetch(f"{live_server.url}/api/v1{path}", headers)

    return get


@pytest.fixture
def catalogue(db):
    """Three published practices in two provinces, and one draft."""
    jatim = ProvinceFactory(code="35", name="Jawa Timur")
    banyuwangi = RegionFactory(code="35.10", name="Kabupaten Banyuwangi", parent=jatim)
    kalbar = ProvinceFactory(code="61", name="Kalimantan Barat")
    sambas = RegionFactory(code="61.01", name="Kabupaten Sambas", parent=kalbar)
    data_theme = ThemeFactory(slug="data-sasaran", name_id="Data dan sasaran", name_en="Data")
    org = OrganisationFactory(slug="pemkab-banyuwangi", name="Pemkab Banyuwangi")
    smart = InnovationFactory.create(
        slug="smart-kampung",
        external_id="S-1",
        title="Smart Kampung",
        summary="Layanan desa daring.",
        region=banyuwangi,
        organisation=org,
        year=2015,
        stage="penerapan",
        jenis="digital",
    )
    smart.themes.add(data_theme)
    AwardFactory(innovation=smart, programme="iga", title="Terinovatif", year=2016)
    AwardFactory(innovation=smart, programme="kipp", title="Top 99", year=2018)
    gerbang = InnovationFactory(
        slug="gerbang-desa",
        title="Gerbang Desa",
        region=sambas,
        year=2019,
        stage="uji_coba",
        jenis="non_digital",
    )
    province_wide = InnovationFactory(
        slug="jatim-puspa", title="Jatim Puspa", region=jatim, year=2021
    )
    draft = InnovationFactory(
        slug="rahasia-draf",
        title="Draf Rahasia",
        region=banyuwangi,
        organisation=org,
        status=PublicationStatus.DRAFT,
    )
    return {
        "smart": smart,
        "gerbang": gerbang,
        "province_wide": province_wide,
        "draft": draft,
        "org": org,
        "theme": data_theme,
    }
