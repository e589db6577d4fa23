"""In Chromium: region page -> recommendations -> explanation -> practice; axe on every page."""

from __future__ import annotations

import pytest

from sebaya.matching.profiles import reset_profile_cache
from tests.browser.conftest import axe_violations
from tests.search.demo_index import build_demo_index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {name}: {violations}"


def _load_demo(monkeypatch) -> None:
    build_demo_index(monkeypatch)
    reset_profile_cache()


def test_officer_finds_practices_for_her_region_and_opens_one(live_server, page, monkeypatch):
    _load_demo(monkeypatch)
    page.goto(live_server.url + "/wilayah/61.01/")
    page.get_by_role("link", name="Praktik yang cocok untuk wilayah ini").click()
    page.wait_for_url("**/wilayah/61.01/rekomendasi/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Praktik yang cocok untuk Kabupaten Sambas"
    )
    _assert_accessible(page, "recommendations without a problem")

    page.get_by_label("Masalah yang dihadapi").fill(
        "kemiskinan ekstrem naik dan data warga miskin tidak tepat sasaran"
    )
    page.get_by_label("Kesiapan digital").select_option("low")
    page.get_by_role("button", name="Cari praktik yang cocok").click()
    page.wait_for_url("**problem=kemiskinan**")
    first = page.locator(".recommendation").first
    assert first.get_by_role("heading", level=3).inner_text() == "Laboratorium Kemiskinan"
    first.get_by_text("Mengapa praktik ini?").click()
    assert first.get_by_role("table").is_visible()
    assert "Rekam jejak replikasi" in first.get_by_role("table").inner_text()
    _assert_accessible(page, "recommendations with an explanation open")

    first.get_by_role("link", name="Laboratorium Kemiskinan").click()
    page.wait_for_url("**/praktik/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Laboratorium Kemiskinan"


def test_peers_and_priorities_pages_are_accessible(live_server, page, monkeypatch):
    _load_demo(monkeypatch)
    page.goto(live_server.url + "/wilayah/33.16/sebaya/")
    assert page.locator("svg.bar-chart").count() >= 1
    _assert_accessible(page, "peers")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Prioritas"
    ).click()
    page.wait_for_url("**/prioritas/")
    page.get_by_label("Data sampai periode").select_option("2022-03")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**as_of=2022-03**")
    assert "Kalimantan Barat" in page.locator(".priority-table").inner_text()
    _assert_accessible(page, "priorities")
