"""The search page /cari/: results, snippets, reasons, did-you-mean, facets, filters, htmx,
empty results, pagination, drafts, both languages, a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sebaya.innovations.models import PublicationStatus
from tests.accounts.factories import MembershipFactory
from tests.innovations.factories import InnovationFactory
from tests.search.demo_index import build_demo_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        practices = build_demo_index(monkeypatch)
    return practices


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/praktik/[^"]+/">([^<]+)</a></h3>', html)


def test_results_with_snippets_reasons_and_facets(demo):
    response = Client().get("/cari/", {"q": "bantuan modal buat ibu2 pedagang"})
    assert response.status_code == 200
    html = response.content.decode()
    assert any(t.startswith("Jatim Puspa") for t in titles(html)[:5])
    assert "<mark>" in html
    assert "Cocok karena" in html and "glosarium: bantuan modal" in html
    assert 'role="search"' in html and 'value="bantuan modal buat ibu2 pedagang"' in html
    # Facet links keep the query and add their filter.
    assert re.search(r'href="/cari/\?q=bantuan[^"]*&amp;province=35"', html)
    # One h1, the results region is announced, htmx is loaded for search-as-you-type.
    assert html.count("<h1") == 1
    assert 'id="search-status"' in html and 'role="status"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert "htmx.min.js" in html


def test_did_you_mean_links_to_the_corrected_query(demo):
    html = Client().get("/cari/", {"q": "kemiskian"}).content.decode()
    assert 'Apakah maksud Anda: <a href="/cari/?q=kemiskinan">kemiskinan</a>' in html
    assert titles(html)


def test_filters_combine_with_the_query_and_can_be_removed(demo):
    client = Client()
    html = client.get("/cari/", {"q": "kemiskinan", "province": "33"}).content.decode()
    shown = titles(html)
    assert "Laboratorium Kemiskinan" in shown
    assert not any(t.startswith("Jatim Puspa") for t in shown)  # Jawa Timur
    assert "Provinsi: Jawa Tengah" in html
    assert 'href="/cari/?q=kemiskinan">Hapus semua saringan' in html
    # The filter travels with the next query typed into the box.
    assert '<input type="hidden" name="province" value="33">' in html
    # A filter that leaves nothing offers the query without filters.
    html = client.get("/cari/", {"q": "kemiskinan", "year_from": "2100"}).content.decode()
    assert "Tidak ada praktik yang cocok" in html
    assert "tanpa saringan" in html
    # Unknown filter values are reported, not applied.
    html = client.get("/cari/", {"q": "kemiskinan", "stage": "bogus"}).content.decode()
    assert "tidak dikenal" in html and titles(html)


def test_htmx_request_gets_the_results_region_only(demo):
    response = Client().get(
        "/cari/",
        {"q": "stunting", "theme": "gizi-stunting"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-results",
    )
    html = response.content.decode()
    assert "<html" not in html and "<header" not in html
    assert html.count('id="search-results"') == 1
    assert 'id="search-status"' in html and 'hx-swap-oob="innerHTML"' in html
    assert '<input type="hidden" name="theme" value="gizi-stunting">' in html
    assert "<title>" in html and titles(html)


def test_empty_query_and_nothing_found_are_helpful(demo):
    client = Client()
    html = client.get("/cari/").content.decode()
    assert "Mulai mencari" in html
    assert "gimana caranya data warga miskin ga dobel" in html  # example questions
    assert "/praktik/?theme=" in html  # themes to browse
    assert "Praktik unggulan" in html
    html = client.get("/cari/", {"q": "yang dan di"}).content.decode()
    assert "tidak berisi kata yang bisa dicari" in html
    html = client.get("/cari/", {"q": "qwertyuiop zxcvbnm"}).content.decode()
    assert "maknanya paling dekat" in html


def test_pagination(demo):
    client = Client()
    first = client.get("/cari/", {"q": "kemiskinan"}).content.decode()
    second = client.get("/cari/", {"q": "kemiskinan", "page": "2"}).content.decode()
    assert (
        "Halaman 1 dari 2" in first and 'rel="next" href="/cari/?q=kemiskinan&amp;page=2"' in first
    )
    assert "Halaman 2 dari 2" in second and 'rel="prev"' in second
    assert not set(titles(first)) & set(titles(second))
    assert 'start="21"' in second
    beyond = client.get("/cari/", {"q": "kemiskinan", "page": "999"}).content.decode()
    assert "Halaman 2 dari 2" in beyond


def test_drafts_appear_only_to_those_who_may_see_them(demo, django_capture_on_commit_callbacks):
    member = MembershipFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        InnovationFactory(
            title="Lumbung Zebrakuda",
            summary="Lumbung zebrakuda untuk keluarga miskin.",
            organisation=member.organisation,
            status=PublicationStatus.DRAFT,
        )
    anonymous = Client().get("/cari/", {"q": "zebrakuda"}).content.decode()
    assert "Lumbung Zebrakuda" not in anonymous
    client = Client()
    client.force_login(member.user)
    html = client.get("/cari/", {"q": "zebrakuda"}).content.decode()
    assert "Lumbung Zebrakuda" in html and "badge draft" in html


def test_header_search_box_on_every_page_and_english(demo):
    client = Client()
    for path in ("/", "/praktik/", "/wilayah/"):
        html = client.get(path).content.decode()
        assert '<form class="header-search" role="search" action="/cari/"' in html, path
        assert '<label class="sr-only" for="header-q">' in html
    english = Client().get(
        "/cari/", {"q": "how do villages earn their own income"}, HTTP_COOKIE="django_language=en"
    )
    html = english.content.decode()
    assert english.status_code == 200 and '<html lang="en">' in html
    assert any("Ponggok" in t for t in titles(html)[:5])


def test_page_query_count_is_bounded(demo, django_assert_max_num_queries):
    client = Client()
    client.get("/cari/", {"q": "kemiskinan"})  # warm caches
    with django_assert_max_num_queries(22):
        client.get("/cari/", {"q": "kemiskinan", "province": "33"})
    with django_assert_max_num_queries(22):
        client.get("/cari/", {"q": "qwertyuiop zxcvbnm"})
