"""The main reading journey in Chromium: home, catalogue, a practice, its region, English."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {name}: {violations}"


def test_reader_journey_in_both_languages(live_server, page):
    """A visitor finds a practice by province, reads it, opens its region, then reads English."""
    call_command("demo", verbosity=0)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", level=1).count() == 1
    _assert_accessible(page, "home")

    page.get_by_role("navigation").get_by_role("link", name="Praktik baik").click()
    page.wait_for_url("**/praktik/")
    page.get_by_label("Provinsi").select_option("33")  # Jawa Tengah
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**province=33**")
    results = page.locator("#results")
    results.get_by_role("link", name="Laboratorium Kemiskinan").wait_for()
    assert "Jatim Puspa" not in results.inner_text()  # a Jawa Timur practice is filtered out
    _assert_accessible(page, "catalogue filtered by province")

    results.get_by_role("link", name="Laboratorium Kemiskinan").click()
    page.wait_for_url("**/praktik/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Laboratorium Kemiskinan"
    body = page.locator("main").inner_text()
    assert "Perbup" in body  # its legal basis, from the sourced profile
    assert "Kompetisi Inovasi Pelayanan Publik" in body or "KIPP" in body
    _assert_accessible(page, "practice detail")

    page.locator("main").get_by_role("link", name="Kabupaten Pekalongan").first.click()
    page.wait_for_url("**/wilayah/33.26/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kabupaten Pekalongan")
    _assert_accessible(page, "region page")

    page.goto(live_server.url + "/wilayah/61/")
    assert "1,41" in page.locator("main").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/wilayah/61/")
    main_text = page.locator("main").inner_text()
    assert "1.41" in main_text
    assert "Extreme poverty rate" in main_text
    _assert_accessible(page, "region page in English")
