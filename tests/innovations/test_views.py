"""Catalogue and practice pages: filters, pagination, visibility, bounded queries, i18n."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sebaya.innovations.models import (
    AwardProgramme,
    Contact,
    EvidenceItem,
    EvidenceKind,
    PublicationStatus,
    Stage,
    StageEvent,
    Urusan,
    UrusanCategory,
)
from tests.accounts.factories import CuratorFactory
from tests.innovations.factories import (
    AwardFactory,
    InnovationFactory,
    LinkFactory,
    OutcomeFigureFactory,
    ThemeFactory,
)
from tests.regions.factories import ObservationFactory, ProvinceFactory, RegionFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_COOKIE": "django_language=en"}
CATALOGUE = reverse("innovations:catalogue")


def _practices(n: int) -> None:
    themes = [ThemeFactory(slug=f"tema-{i}") for i in range(3)]
    province = ProvinceFactory(code="33", name="Jawa Tengah")
    for i in range(n):
        region = RegionFactory(code=f"33.{i:02d}", name=f"Kabupaten {i}", parent=province)
        practice = InnovationFactory.create(region=region, title=f"Praktik {i:03d}")
        practice.themes.add(*themes[: 1 + i % 3])
        AwardFactory(innovation=practice, programme=AwardProgramme.KIPP, year=2020)
        AwardFactory(innovation=practice, programme=AwardProgramme.IGA, year=2021)


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?theme=tema-1&award=any&sort=-year", "?page=2"])
def test_catalogue_query_count_does_not_grow_with_practices(client, query):
    """The catalogue runs the same number of queries for 10 and for 100 practices."""
    _practices(10)
    small = _count_queries(client, CATALOGUE + query)
    _practices(100)  # get_or_create keeps the first ten, adds ninety more
    large = _count_queries(client, CATALOGUE + query)
    assert small == large
    assert large <= 12


def test_catalogue_lists_rows_with_region_themes_awards(client):
    """Each row shows title link, region, year, themes, award badges and summary."""
    theme = ThemeFactory(slug="data", name_id="Data dan sasaran", name_en="Targeting")
    region = RegionFactory(code="33.26", name="Kabupaten Pekalongan")
    practice = InnovationFactory.create(title="Laboratorium Kemiskinan", region=region, year=2020)
    practice.themes.add(theme)
    AwardFactory(innovation=practice, programme=AwardProgramme.KIPP, year=2020)
    html = client.get(CATALOGUE).content.decode()
    assert f'href="{practice.get_absolute_url()}"' in html
    assert "Kabupaten Pekalongan" in html
    assert "Data dan sasaran" in html
    assert "Kompetisi Inovasi Pelayanan Publik (KIPP) 2020" in html
    assert "Ringkasan praktik" in html
    assert "Targeting" in client.get(CATALOGUE, **EN).content.decode()


def test_catalogue_filters_and_facets(client):
    """Filters narrow the list; facet counts are shown in the theme and province options."""
    jateng = ProvinceFactory(code="33", name="Jawa Tengah")
    jatim = ProvinceFactory(code="35", name="Jawa Timur")
    theme = ThemeFactory(slug="data")
    a = InnovationFactory.create(
        title="Alpha", region=RegionFactory(code="33.14", parent=jateng), stage=Stage.PENERAPAN
    )
    a.themes.add(theme)
    InnovationFactory.create(title="Beta", region=RegionFactory(code="35.03", parent=jatim))
    InnovationFactory.create(title="Gamma", region=jatim, jenis="digital", year=2015)

    html = client.get(CATALOGUE, {"province": "35"}).content.decode()
    assert "Beta" in html and "Gamma" in html and "Alpha" not in html
    response = client.get(CATALOGUE, {"theme": "data"})
    assert [p.title for p in response.context["page"]] == ["Alpha"]
    assert response.context["province_counts"] == {"33": 1}
    assert response.context["theme_counts"] == {"data": 1}
    assert [p.title for p in client.get(CATALOGUE, {"stage": "penerapan"}).context["page"]] == [
        "Alpha"
    ]
    assert [p.title for p in client.get(CATALOGUE, {"jenis": "digital"}).context["page"]] == [
        "Gamma"
    ]
    assert [p.title for p in client.get(CATALOGUE, {"year_to": "2016"}).context["page"]] == [
        "Gamma"
    ]
    assert [p.title for p in client.get(CATALOGUE, {"q": "bet"}).context["page"]] == ["Beta"]


@pytest.mark.parametrize(
    "params",
    [
        {"award": "nobel"},
        {"year_from": "dua ribu"},
        {"year_to": "99999"},
        {"stage": "<script>"},
        {"sort": "DROP TABLE"},
        {"jenis": "x", "page": "abc"},
        {"page": "9999"},
        {"theme": "tidak-ada", "urusan": "zz", "province": "zz"},
    ],
)
def test_invalid_filters_are_reported_politely(client, params):
    """Unknown filter values give a 200 with a message, never a server error."""
    InnovationFactory.create()
    response = client.get(CATALOGUE, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.split("<main", 1)[1]
    if set(params) & {"award", "year_from", "year_to", "stage", "sort", "jenis"}:
        assert "tidak dikenal" in html


def test_pagination_keeps_filters(client, settings):
    """Page links carry the current filters."""
    settings.SEBAYA_PAGE_SIZE = 5
    theme = ThemeFactory(slug="data")
    for i in range(12):
        InnovationFactory.create(title=f"Praktik {i:02d}").themes.add(theme)
    response = client.get(CATALOGUE, {"theme": "data", "sort": "-year", "page": "2"})
    html = response.content.decode()
    assert response.context["page"].number == 2
    assert "?theme=data&amp;sort=-year&amp;page=3" in html
    assert "?theme=data&amp;sort=-year&amp;page=1" in html


def test_catalogue_hides_drafts_from_anonymous_but_not_curators(client):
    """Drafts are not listed for anonymous visitors; curators see them."""
    InnovationFactory.create(title="Terbit")
    InnovationFactory.create(title="Rahasia", status=PublicationStatus.DRAFT)
    html = client.get(CATALOGUE).content.decode()
    assert "Terbit" in html and "Rahasia" not in html
    client.force_login(CuratorFactory())
    assert "Rahasia" in client.get(CATALOGUE).content.decode()


def test_catalogue_htmx_request_returns_results_fragment(client):
    """With htmx the results fragment alone is returned; the full page works without it."""
    InnovationFactory.create(title="Alpha")
    response = client.get(CATALOGUE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    html = response.content.decode()
    assert "Alpha" in html
    assert "<html" not in html


def _full_practice():
    province = ProvinceFactory(code="61", name="Kalimantan Barat")
    region = RegionFactory(code="61.01", name="Kabupaten Sambas", parent=province)
    practice = InnovationFactory.create(
        slug="pelakat",
        title="PELAKAT",
        region=region,
        opd_name="Dinas Dukcapil",
        bentuk="pelayanan_publik",
        jenis="non_digital",
        inisiator="opd",
        stage=Stage.PENERAPAN,
        running_status="berjalan",
        status_checked_on=datetime.date(2023, 6, 13),
        problem="Warga jauh dari kantor.\n\nBaris kedua <b>tebal</b>",
        how_it_works="Petugas datang ke desa.",
    )
    theme = ThemeFactory(slug="adminduk", name_id="Administrasi kependudukan", name_en="Civil ID")
    practice.themes.add(theme)
    urusan = Urusan.objects.create(
        code="1.01", name_id="Pendidikan", name_en="Education", category=UrusanCategory.WAJIB_DASAR
    )
    practice.urusan.add(urusan)
    StageEvent.objects.create(
        innovation=practice, stage=Stage.UJI_COBA, date=datetime.date(2023, 6, 13), note="Mulai"
    )
    EvidenceItem.objects.create(
        innovation=practice, kind=EvidenceKind.REGULATION, title="Perbup 12/2023"
    )
    AwardFactory(innovation=practice, programme=AwardProgramme.KIPP, year=2024)
    OutcomeFigureFactory(
        innovation=practice,
        label="Akta terbit",
        value_before=Decimal("12.96"),
        period_before="2016",
        value_after=Decimal("9.71"),
        period_after="2019",
        source_url="https://example.org/hasil",
    )
    LinkFactory(innovation=practice, title="Berita PELAKAT", url="https://example.org/berita")
    Contact.objects.create(innovation=practice, unit="Dukcapil Sambas", email="a@example.org")
    ObservationFactory(region=region, value=Decimal("3.50"), source_url="https://example.org/r")
    ObservationFactory(region=province, value=Decimal("1.41"), source_url="https://example.org/p")
    return practice


def test_detail_shows_every_section(client):
    """The practice page shows identity, classification, stage, narrative, evidence and more."""
    practice = _full_practice()
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "PELAKAT",
        'href="/wilayah/61.01/"',
        "Dinas Dukcapil",
        "Administrasi kependudukan",
        "pelayanan dasar",
        "Pelayanan publik",
        "Non-digital",
        "Masih berjalan",
        "13 Juni 2023",
        "Masalah yang dijawab",
        "<p>Warga jauh dari kantor.</p>",
        "&lt;b&gt;tebal&lt;/b&gt;",
        "Perbup 12/2023",
        "Akta terbit",
        "12,96",
        "9,71",
        "https://example.org/hasil",
        "Berita PELAKAT",
        "Dukcapil Sambas",
        "3,50%",
        "1,41%",
        "https://example.org/p",
        "http://testserver/praktik/pelakat/",
        "https://wa.me/?text=",
        "mailto:?subject=PELAKAT",
    ]:
        assert text in html, text
    assert "<b>tebal</b>" not in html


def test_detail_in_english_uses_english_formats(client):
    """In English, numbers use a decimal point and dates English month names."""
    practice = _full_practice()
    html = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert '<html lang="en">' in html
    assert "1.41%" in html
    assert "June 13, 2023" in html or "13 June 2023" in html
    assert "Civil ID" in html


def test_detail_404_for_missing_and_draft(client):
    """Missing slugs and drafts give 404 to anonymous visitors; curators see drafts."""
    draft = InnovationFactory.create(status=PublicationStatus.DRAFT)
    assert client.get(reverse("innovations:detail", args=["tidak-ada"])).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(CuratorFactory())
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_detail_query_count_is_bounded(client):
    """The detail page's queries do not depend on the number of parts."""
    practice = _full_practice()
    first = _count_queries(client, practice.get_absolute_url())
    for i in range(5):
        LinkFactory(innovation=practice, url=f"https://example.org/l{i}")
        AwardFactory(innovation=practice, year=2010 + i)
    assert _count_queries(client, practice.get_absolute_url()) == first
