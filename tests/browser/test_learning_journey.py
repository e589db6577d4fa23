"""A workshop's whole cycle in Chromium: the organiser sets it up, an adopting region registers,
writes its action plan and carries it to pelembagaan with evidence; the organiser's dashboard
shows it. Every page on the way passes an axe-core audit."""

import re

import pytest

from sebaya.learning.models import ActionPlan, Adoption, AdoptionStage
from sebaya.regions.models import RegionLevel
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.browser.conftest import axe_violations
from tests.innovations.factories import InnovationFactory
from tests.learning.helpers import PDF
from tests.regions.factories import ProvinceFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "sandi-rahasia-123"  # the factory's


def _audit(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {name}: {violations}"


def _field(page, label: str):
    """The control of the label, with or without its "(wajib)" mark."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(wajib\))?$"))


def _log_in(page, live_server, user, next_path: str) -> None:
    page.goto(f"{live_server.url}/masuk/?next={next_path}")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"**{next_path}")


def _log_out(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/")


def test_workshop_to_pelembagaan_journey(live_server, page, tmp_path):
    kalbar = ProvinceFactory(code="61", name="Kalimantan Barat")
    jateng = ProvinceFactory(code="33", name="Jawa Tengah")
    origin = RegionFactory(code="33.26", name="Kabupaten Asal Uji", parent=jateng)
    adopter_region = RegionFactory(
        code="61.01", name="Kabupaten Peniru Uji", parent=kalbar, level=RegionLevel.REGENCY
    )
    organiser_org = OrganisationFactory(name="Penyelenggara Uji", region=kalbar)
    origin_org = OrganisationFactory(name="Pemkab Asal Uji", region=origin)
    adopter_org = OrganisationFactory(name="Bappeda Peniru Uji", region=adopter_region)
    organiser = MembershipFactory(organisation=organiser_org, role="editor").user
    adopter = MembershipFactory(organisation=adopter_org, role="editor").user
    practice = InnovationFactory(
        title="Laboratorium Uji", slug="laboratorium-uji", region=origin, organisation=origin_org
    )
    InnovationFactory(
        title="Praktik Kedua Uji", slug="praktik-kedua-uji", region=origin, organisation=origin_org
    )

    # The organiser creates a programme and a workshop with two practices.
    _log_in(page, live_server, organiser, "/belajar/")
    _audit(page, "programme list")
    page.get_by_role("link", name="Program baru").click()
    page.wait_for_url("**/belajar/program/baru/")
    _audit(page, "new programme form")
    _field(page, "Judul").fill("Pembelajaran Sejawat Uji")
    _field(page, "Tema").fill("Kemiskinan ekstrem")
    _field(page, "Mulai").fill("2025-01-15")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url("**/belajar/program/pembelajaran-sejawat-uji/")
    _audit(page, "programme page")

    page.get_by_role("link", name="Kegiatan baru").click()
    _field(page, "Judul").fill("Lokakarya Uji")
    _field(page, "Tanggal").fill("2025-02-10")
    _field(page, "Tempat").fill("Pontianak")
    _field(page, "Kapasitas").fill("30")
    page.get_by_label("Pendaftaran dibuka").check()
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/belajar/kegiatan/\d+/$"))
    event_url = page.url

    # A mistake first: an unknown practice is refused and the typed text stays.
    _field(page, "Praktik").fill("tidak-ada")
    page.get_by_role("button", name="Tambahkan praktik").click()
    page.get_by_role("alert").wait_for()
    assert "tidak ditemukan" in page.get_by_role("alert").inner_text()
    _audit(page, "event page with an error")
    _field(page, "Praktik").fill(f"{live_server.url}/praktik/laboratorium-uji/")
    page.get_by_role("button", name="Tambahkan praktik").click()
    page.wait_for_url(event_url)
    _field(page, "Praktik").fill("praktik-kedua-uji")
    page.get_by_role("button", name="Tambahkan praktik").click()
    page.wait_for_url(event_url)
    featured = page.get_by_role("region", name="Praktik yang disajikan")
    assert "disajikan oleh Pemkab Asal Uji" in featured.inner_text()
    _audit(page, "event page for the organiser")
    _log_out(page)

    # The adopting region registers and writes its action plan.
    _log_in(page, live_server, adopter, event_url.removeprefix(live_server.url))
    _audit(page, "event page for a participant")
    page.get_by_role("button", name="Daftar").click()
    page.get_by_role("link", name="Susun rencana tindak lanjut").click()
    page.wait_for_url("**/rtl/baru/")
    _audit(page, "action plan form")
    page.get_by_label("Laboratorium Uji (Kabupaten Asal Uji)").check()
    _field(page, "Modifikasi").fill("Tipologi desa pesisir diganti desa tepian sungai.")
    _field(page, "Alasan").fill("Kantong kemiskinan kami ada di tepian sungai.")
    _field(page, "Unit penanggung jawab").fill("Bappeda, bidang sosial budaya")
    _field(page, "Target pelembagaan").fill("2026-12-31")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/belajar/rtl/\d+/$"))
    _audit(page, "action plan page")
    plan = ActionPlan.objects.get()
    assert plan.organisation == adopter_org and plan.innovation == practice

    # The adoption, opened at minat, is carried to pelembagaan with its regulation.
    page.get_by_role("link", name="Lihat dan perbarui tahap adopsi").click()
    page.wait_for_url(re.compile(r"/belajar/adopsi/\d+/$"))
    _audit(page, "adoption page")
    _field(page, "Tahap baru").select_option("pelembagaan")
    page.get_by_role("button", name="Simpan tahap").click()
    page.get_by_role("alert").wait_for()
    assert "memerlukan bukti" in page.get_by_role("alert").inner_text()
    _audit(page, "adoption page with an error")

    evidence = tmp_path / "perbup.pdf"
    evidence.write_bytes(PDF)
    _field(page, "Tahap baru").select_option("pelembagaan")
    _field(page, "Catatan").fill("Perbup replikasi ditetapkan.")
    _field(page, "Jenis bukti").select_option("regulasi")
    _field(page, "Nomor dokumen").fill("Peraturan Bupati Nomor 7 Tahun 2025")
    _field(page, "Tanggal dokumen").fill("2025-01-20")
    _field(page, "Berkas dokumen").set_input_files(str(evidence))
    page.get_by_role("button", name="Simpan tahap").click()
    page.get_by_text("Tahap adopsi kini Pelembagaan").wait_for()
    timeline = page.get_by_role("region", name="Perjalanan adopsi")
    assert "Peraturan Bupati Nomor 7 Tahun 2025" in timeline.inner_text()
    _audit(page, "adoption page after pelembagaan")
    adoption = Adoption.objects.get()
    assert adoption.stage == AdoptionStage.PELEMBAGAAN
    _log_out(page)

    # The organiser's dashboard shows the plan and the institutionalised adoption.
    _log_in(page, live_server, organiser, "/belajar/program/pembelajaran-sejawat-uji/dasbor/")
    figures = page.locator("dl.figures")
    assert re.search(r"Rencana tindak lanjut\s*1", figures.inner_text())
    assert re.search(r"Sudah pelembagaan\s*1", figures.inner_text())
    stages = page.get_by_role("table", name="Jumlah adopsi program ini per tahap")
    assert re.search(r"Pelembagaan\s*1", stages.inner_text())
    assert (
        "Bappeda Peniru Uji"
        in page.get_by_role("table", name="Rencana tindak lanjut dan tahap adopsinya").inner_text()
    )
    _audit(page, "programme dashboard")
