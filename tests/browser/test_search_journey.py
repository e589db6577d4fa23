"""Search in Chromium: the header box, search as you type (htmx), a result; axe on the page."""

from urllib.parse import unquote_plus

import pytest

from tests.browser.conftest import axe_violations
from tests.search.demo_index import build_demo_index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {name}: {violations}"


def test_search_from_the_header_then_refine_as_you_type(live_server, page, monkeypatch):
    """An officer searches from the home page, refines the question, and opens a practice."""
    build_demo_index(monkeypatch)

    page.goto(live_server.url + "/")
    page.get_by_label("Cari praktik baik", exact=True).fill("kemiskian")
    page.get_by_label("Cari praktik baik", exact=True).press("Enter")
    page.wait_for_url("**/cari/?q=kemiskian")
    results = page.locator("#search-results")
    assert "kemiskinan" in page.locator(".did-you-mean").inner_text()
    assert results.locator("mark").count() > 0
    assert page.get_by_role("heading", level=1).count() == 1
    _assert_accessible(page, "search results")

    # Typing updates the results in place (no page load) and the address follows.
    page.evaluate("window.__stayed = true")
    box = page.get_by_label("Tulis masalah yang Anda hadapi atau nama praktik")
    box.fill("")
    box.press_sequentially("bantuan modal buat ibu2 pedagang", delay=20)
    results.get_by_role("link", name="Jatim Puspa (Pemberdayaan Usaha Perempuan)").wait_for()
    page.wait_for_url(
        lambda url: unquote_plus(url).endswith("/cari/?q=bantuan modal buat ibu2 pedagang"),
        wait_until="commit",
    )
    assert page.evaluate("window.__stayed === true")
    assert "bantuan modal buat ibu2 pedagang" in page.locator("#search-status").inner_text()
    _assert_accessible(page, "search results after typing")

    # A facet narrows the results and keeps the question.
    page.locator(".facets").get_by_role("link", name="Jawa Barat").click()
    page.wait_for_url("**province=32**")
    assert "Kredit Melati" in results.inner_text()
    assert "Jatim Puspa" not in results.inner_text()
    assert box.input_value() == "bantuan modal buat ibu2 pedagang"

    results.get_by_role("link", name="Kredit Melati (Melawan Rentenir)").click()
    page.wait_for_url("**/praktik/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Kredit Melati (Melawan Rentenir)"


def test_empty_search_page_is_accessible(live_server, page, monkeypatch):
    build_demo_index(monkeypatch)
    page.goto(live_server.url + "/cari/")
    assert page.get_by_role("heading", name="Mulai mencari").count() == 1
    _assert_accessible(page, "empty search page")
    page.goto(live_server.url + "/cari/?q=qwertyuiop&province=33")
    _assert_accessible(page, "meaning-only results with a filter")
