"""Matcher pages: content, bad input, links from the region page and the nav, query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sebaya.core import versioning
from sebaya.innovations.models import PublicationStatus
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def queries(client: Client, path: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, data or {})
    assert response.status_code == 200, path
    return len(captured)


def test_recommendations_page_explains_and_shows_the_context(demo):
    client = Client()
    html = client.get(
        "/wilayah/61.01/rekomendasi/",
        {"problem": "kemiskinan ekstrem naik dan data warga miskin tidak tepat sasaran"},
    ).content.decode()
    titles = re.findall(r'<h3><a href="/praktik/[^"]+/">([^<]+)</a></h3>', html)
    assert titles[0] == "Laboratorium Kemiskinan"
    assert "Mengapa praktik ini?" in html and "Keteralihan" in html
    assert "Kabupaten Banjarnegara" in html  # the most alike adopter, in the reasons
    assert "Bobot yang dipakai" in html
    assert "dipakai angka Kalimantan Barat" in html
    assert '<svg class="chart"' in html and "<caption>" in html  # chart and its table
    assert "PELAKAT" not in html  # Sambas's own practice


def test_empty_problem_and_a_region_without_data_say_so(demo):
    html = Client().get("/wilayah/71.05/rekomendasi/").content.decode()
    assert "Belum ada data indikator" in html
    assert "tidak ada data" in html  # missing values shown as missing, not 0
    assert "saran umum penanggulangan kemiskinan" in html
    assert re.search(r'<h3><a href="/praktik/', html)


def test_bad_input_shows_messages_not_errors(demo):
    response = Client().get(
        "/wilayah/61/rekomendasi/", {"theme": "nope", "weights": "fame=1", "budget": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Komponen “fame” tidak dikenal" in html
    assert 'class="errorlist' in html
    assert re.search(r'<h3><a href="/praktik/', html)  # still recommends with the rest


def test_unknown_regions_are_404(world):
    client = Client()
    for path in (
        "/wilayah/99.99/rekomendasi/",
        "/wilayah/99.99/sebaya/",
        "/wilayah/ID/rekomendasi/",
        "/wilayah/%3Cb%3E/sebaya/",
    ):
        assert client.get(path).status_code == 404, path


def test_peers_page_compares_with_a_chart_and_a_table(demo):
    html = Client().get("/wilayah/33.16/sebaya/").content.decode()
    assert "Wilayah sebaya Kabupaten Blora" in html
    assert "Perbandingan: Tingkat kemiskinan ekstrem" in html
    assert 'class="chart bar-chart"' in html
    assert "Siapa di dekat saya yang sudah melakukannya?" in html
    assert "Laboratorium Kemiskinan" in html and "Studi tiru" in html


def test_priorities_page_lists_kalimantan_barat_in_march_2022(demo):
    client = Client()
    html = client.get("/prioritas/", {"as_of": "2022-03"}).content.decode()
    assert "Kalimantan Barat" in html
    assert "memburuk 0,33 poin: 1,08 (Maret 2021) → 1,41 (Maret 2022)" in html
    assert 'class="chart bar-chart"' in html and "Skor kebutuhan" in html
    odd = client.get("/prioritas/", {"as_of": "kemarin", "level": "planet"})
    assert odd.status_code == 200 and "tidak dikenal dan diabaikan" in odd.content.decode()


def test_region_page_and_nav_link_to_the_matcher(demo):
    html = Client().get("/wilayah/61.01/").content.decode()
    assert 'href="/wilayah/61.01/rekomendasi/"' in html
    assert 'href="/wilayah/61.01/sebaya/"' in html
    assert '<a href="/prioritas/">Prioritas</a>' in html
    assert "/rekomendasi/" not in Client().get("/wilayah/ID/").content.decode()


def test_pages_in_english(demo):
    response = Client().get("/prioritas/", HTTP_COOKIE="django_language=en")
    assert response.status_code == 200 and '<html lang="en">' in response.content.decode()


def test_query_counts_are_bounded_and_do_not_grow_with_the_rows(demo):
    client = Client()
    for path in ("/wilayah/61.01/rekomendasi/", "/wilayah/61.01/sebaya/", "/prioritas/"):
        client.get(path, {"problem": "kemiskinan"})  # warm the caches
    assert queries(client, "/wilayah/61.01/rekomendasi/", {"problem": "kemiskinan"}) <= 30
    assert queries(client, "/wilayah/61.01/sebaya/") <= 15
    # The need ranking recommends for each region it lists: still a fixed number of queries.
    versioning.clear_memo()  # computed, not kept from the warming request
    all_levels = queries(client, "/prioritas/")
    versioning.clear_memo()  # the same start: no facet names kept from the first
    provinces = queries(client, "/prioritas/", {"level": "province"})
    assert all_levels <= 45  # two searches (two needs) and their facets
    assert all_levels == provinces
    # Anonymous readers then share it until the data changes (core.versioning).
    assert queries(client, "/prioritas/") <= 6
    client.get("/wilayah/61.01/rekomendasi/", {"problem": "kemiskinan"})
    assert queries(client, "/wilayah/61.01/rekomendasi/", {"problem": "kemiskinan"}) <= 10


def test_kept_rankings_and_recommendations_follow_writes_and_stay_per_reader(demo):
    """Anonymous readers share the kept need ranking and recommendations until any write;
    a signed-in reader's are computed for them (they may see drafts)."""
    from sebaya.innovations.models import Innovation

    client = Client()
    path = "/wilayah/61.01/rekomendasi/"
    problem = {"problem": "kemiskinan ekstrem data warga miskin tidak tepat sasaran"}
    first = client.get(path, problem).context["result"]
    kept = client.get(path, problem)
    assert kept.context is None  # the kept page, not rendered again
    assert first.items[0].innovation.title in kept.content.decode()
    client.get("/prioritas/")
    assert client.get("/prioritas/").context is None
    top = first.items[0].innovation
    Innovation.objects.filter(pk=top.pk).update(status=PublicationStatus.DRAFT)
    top.refresh_from_db()
    top.save()  # a write through the model: the version moves on
    changed = client.get(path, problem).context["result"]
    assert changed is not first
    assert top.pk not in [item.innovation.pk for item in changed.items]
    assert client.get("/prioritas/").context is not None  # computed and rendered again
    member = Client()
    member.force_login(UserFactory())
    assert member.get(path, problem).context["result"] is not changed
