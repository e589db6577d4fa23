"""Field work without signal: the site installs, and read or saved practices open offline."""

import pytest

from tests.browser.conftest import axe_violations
from tests.innovations.factories import InnovationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visited_and_saved_practices_stay_readable_offline(live_server, page):
    read, saved, unseen = (
        InnovationFactory(title=title, slug=slug)
        for title, slug in (
            ("Laboratorium Kemiskinan", "lab-kemiskinan"),
            ("Jatim Puspa", "jatim-puspa"),
            ("Rantang Kasih", "rantang-kasih"),
        )
    )
    base = live_server.url

    page.goto(base + "/")
    manifest = page.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    # The worker takes control of the page once it is active.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    page.goto(f"{base}/praktik/{read.slug}/")
    page.goto(f"{base}/praktik/{saved.slug}/")
    save = page.get_by_role("button", name="Simpan untuk dibaca luring")
    save.click()
    page.get_by_role("button", name="Tersimpan untuk dibaca luring (hapus)").wait_for()
    assert page.locator("#offline-notice").is_hidden()

    page.context.set_offline(True)

    page.goto(f"{base}/praktik/{read.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == read.title
    notice = page.locator("#offline-notice")
    notice.wait_for(state="visible")
    assert "Anda sedang luring" in notice.inner_text()

    page.goto(f"{base}/praktik/{saved.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == saved.title

    # A page never opened is not there: the offline page says so and lists what is.
    page.goto(f"{base}/praktik/{unseen.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bacaan luring"
    assert "belum tersimpan di perangkat ini" in page.locator("main").inner_text()
    saved_list = page.get_by_role("list", name="Disimpan")
    saved_list.get_by_role("link", name=saved.title).wait_for()
    recent = page.get_by_role("list", name="Terakhir dibuka")
    recent.get_by_role("link", name=read.title).wait_for()
    assert violations_of(page) == []

    page.context.set_offline(False)
    page.goto(f"{base}/praktik/{unseen.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == unseen.title
    assert page.locator("#offline-notice").is_hidden()


def violations_of(page) -> list[dict]:
    return axe_violations(page)
