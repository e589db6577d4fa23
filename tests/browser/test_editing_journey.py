"""An editor writes a practice in Chromium: log in, a mistake, a draft, publish, the catalogue."""

import re

import pytest

from sebaya.innovations.models import Innovation, PublicationStatus
from sebaya.innovations.services import innovation_verify
from sebaya.regions.models import RegionLevel
from tests.accounts.factories import CuratorFactory, MembershipFactory, OrganisationFactory
from tests.browser.conftest import axe_violations
from tests.regions.factories import ProvinceFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "sandi-rahasia-123"  # the factory's


def _assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {name}: {violations}"


def test_editor_writes_and_publishes_a_practice(live_server, page):
    """Validation errors are shown once, the draft is saved, then published for everyone."""
    province = ProvinceFactory(code="61", name="Kalimantan Barat")
    city = RegionFactory(
        code="61.71", name="Kota Pontianak", level=RegionLevel.CITY, parent=province
    )
    org = OrganisationFactory(name="Bappeda Kota Pontianak", slug="bappeda-pontianak", region=city)
    editor = MembershipFactory(organisation=org, role="editor").user

    page.goto(live_server.url + "/masuk/?next=/praktik/kelola/")
    page.get_by_label("Nama pengguna").fill(editor.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/praktik/kelola/")
    assert page.get_by_role("heading", level=1).inner_text() == "Praktik organisasi saya"
    _assert_accessible(page, "management page")

    page.get_by_role("link", name="Praktik baru untuk Bappeda Kota Pontianak").click()
    page.wait_for_url("**/praktik/baru/?org=bappeda-pontianak")
    _assert_accessible(page, "new practice form")
    assert page.get_by_label("Wilayah asal").input_value() == str(city.pk)

    # A first try without a title: nothing is saved, the errors are listed and what was typed stays.
    page.get_by_label("Ringkasan").fill("Warga memasak bersama untuk keluarga miskin ekstrem.")
    page.get_by_label("Tahun").fill("2023")
    page.get_by_role("button", name="Simpan sebagai draf").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "Ada isian yang perlu diperbaiki" in summary.inner_text()
    assert "Judul" in summary.inner_text()
    assert page.get_by_label("Ringkasan").input_value().startswith("Warga memasak bersama")
    assert page.get_by_label("Judul").get_attribute("aria-invalid") == "true"
    assert not Innovation.objects.exists()
    _assert_accessible(page, "form with errors")

    summary.get_by_role("link").first.click()  # the summary's link leads to the field
    page.get_by_label("Judul").fill("Dapur Umum Kelurahan")
    page.get_by_role("button", name="Simpan sebagai draf").click()
    # The browser keeps the #id_title of the summary's link across the redirect.
    page.wait_for_url(re.compile(r"/praktik/dapur-umum-kelurahan/ubah/(#.*)?$"))
    assert "tersimpan" in page.get_by_role("status").inner_text()
    practice = Innovation.objects.get()
    assert practice.status == PublicationStatus.DRAFT
    assert practice.organisation == org and practice.region == city
    _assert_accessible(page, "edit page of a draft")

    page.get_by_role("button", name="Ajukan untuk ditinjau").click()
    page.get_by_text("Menunggu tinjauan kurator").wait_for()
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.SUBMITTED
    # A curator verifies it (the review page is tested in tests/innovations/test_review.py).
    innovation_verify(user=CuratorFactory(), innovation=practice)
    page.reload()
    page.get_by_role("button", name="Terbitkan").click()
    page.get_by_role("button", name="Tarik dari terbitan").wait_for()
    assert "diterbitkan" in page.get_by_role("status").inner_text()
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.PUBLISHED

    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Praktik baik"
    ).click()
    page.wait_for_url("**/praktik/")
    results = page.locator("#results")
    results.get_by_role("link", name="Dapur Umum Kelurahan").click()
    page.wait_for_url("**/praktik/dapur-umum-kelurahan/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dapur Umum Kelurahan"
    assert page.get_by_role("link", name="Ubah praktik ini").is_visible()
