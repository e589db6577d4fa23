"""Region list and region pages: counts, search, indicator trends with chart and table, i18n."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from sebaya.innovations.models import PublicationStatus
from sebaya.regions.models import RegionLevel
from tests.innovations.factories import InnovationFactory
from tests.regions.factories import ObservationFactory, ProvinceFactory, RegionFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_COOKIE": "django_language=en"}
SOURCE = "https://www.sonora.id/read/423811528"


@pytest.fixture
def kalbar():
    country = RegionFactory(code="ID", name="Indonesia", level=RegionLevel.COUNTRY)
    province = ProvinceFactory(code="61", name="Kalimantan Barat")
    sambas = RegionFactory(code="61.01", name="Kabupaten Sambas", parent=province)
    RegionFactory(code="61.71", name="Kota Pontianak", parent=province, level=RegionLevel.CITY)
    for region, period, value in [
        (province, "2021-03", "1.08"),
        (province, "2022-03", "1.41"),
        (country, "2022-03", "2.04"),
    ]:
        ObservationFactory(
            region=region,
            period=period,
            period_start=datetime.date(int(period[:4]), 3, 1),
            value=Decimal(value),
            source_url=SOURCE,
        )
    InnovationFactory.create(title="PELAKAT", region=sambas)
    InnovationFactory.create(title="Desa Mandiri", region=province)
    InnovationFactory.create(title="Draf Kalbar", region=province, status=PublicationStatus.DRAFT)
    return province


def test_region_page_shows_indicator_in_indonesian(client, kalbar):
    """Kalimantan Barat shows 1,41 with its source, the national 2,04 beside it, chart and table."""
    response = client.get(reverse("regions:detail", args=["61"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kalimantan Barat</h1>" in html
    assert "1,41%" in html and "1,08%" in html
    assert "2,04%" in html
    assert SOURCE in html
    assert "<svg" in html and 'role="img"' in html and "<title" in html
    assert "<polyline" in html
    assert "<table>" in html and "<caption>" in html
    assert "Kalimantan" in html  # island group
    assert "PELAKAT" in html and "Desa Mandiri" in html
    assert "Draf Kalbar" not in html
    assert "Kabupaten Sambas" in html and "Kota Pontianak" in html


def test_region_page_in_english(client, kalbar):
    """In English the same figure reads 1.41."""
    html = client.get(reverse("regions:detail", args=["61"]), **EN).content.decode()
    assert '<html lang="en">' in html
    assert "1.41%" in html
    assert "1,41" not in html
    assert SOURCE in html


def test_region_page_marks_series_breaks(client, kalbar):
    """A series break is stated visibly and the row is marked."""
    ObservationFactory(
        region=kalbar,
        period="2025-03",
        period_start=datetime.date(2025, 3, 1),
        value=Decimal("2.10"),
        source_url="https://bps.go.id/baru",
        note="garis US$2,15 PPP 2017",
        series_break=True,
    )
    html = client.get(reverse("regions:detail", args=["61"])).content.decode()
    assert "Patahan seri" in html
    assert 'class="break"' in html
    assert "garis US$2,15 PPP 2017" in html
    # The chart draws two separate segments instead of joining incomparable values.
    assert html.count('class="line-region" points=') == 1  # 2021, 2022 joined; 2025 alone


def test_regency_page_links_parent_and_lists_its_practices(client, kalbar):
    """A kabupaten page links its province and lists only its own practices."""
    html = client.get(reverse("regions:detail", args=["61.01"])).content.decode()
    assert 'href="/wilayah/61/"' in html
    assert "PELAKAT" in html
    assert "Desa Mandiri" not in html
    assert "Belum ada data indikator" in html


def test_unknown_region_is_404(client):
    """Unknown codes give 404."""
    assert client.get(reverse("regions:detail", args=["99.99"])).status_code == 404


def test_region_list_counts_children_and_visible_practices(client, kalbar):
    """Provinces are listed with their kabupaten/kota count and published practice count."""
    ProvinceFactory(code="33", name="Jawa Tengah")
    for headers in ({}, EN):
        response = client.get(reverse("regions:list"), **headers)
        assert response.status_code == 200
    rows = {row.region.code: row for row in response.context["provinces"]}
    assert rows["61"].children == 2
    assert rows["61"].practices == 2
    assert rows["33"].practices == 0
    assert "Kalimantan Barat" in response.content.decode()


def test_region_list_search_by_name(client, kalbar):
    """Searching filters provinces and finds kabupaten/kota by name."""
    ProvinceFactory(code="33", name="Jawa Tengah")
    response = client.get(reverse("regions:list"), {"q": "sambas"})
    html = response.content.decode()
    assert [row.region.code for row in response.context["provinces"]] == []
    assert 'href="/wilayah/61.01/"' in html
    response = client.get(reverse("regions:list"), {"q": "jawa"})
    assert [row.region.code for row in response.context["provinces"]] == ["33"]
