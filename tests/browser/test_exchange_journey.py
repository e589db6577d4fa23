"""A curator imports a small XLSX in Chromium: upload, map, preview, run, read the log."""

from pathlib import Path

import pytest

from sebaya.exchange.models import ImportJob, JobStatus
from sebaya.innovations.models import Innovation
from sebaya.regions.loader import load_regions
from tests.accounts.factories import CuratorFactory
from tests.browser.conftest import axe_violations
from tests.exchange.conftest import ID_HEADER, id_row, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "sandi-rahasia-123"  # the factory's


def _assert_accessible(current, name):
    violations = axe_violations(current)
    assert violations == [], f"axe-core on {name}: {violations}"


def test_curator_imports_a_small_xlsx(live_server, page, tmp_path):
    load_regions()
    curator = CuratorFactory()
    rows = [
        id_row(1),
        id_row(2, Pemda="Kota Bandung", Provinsi="Jawa Barat"),
        id_row(3, Pemda="Kabupaten Sragenn"),
    ]
    path = write_xlsx(
        tmp_path / "inovasi-daerah.xlsx", [*ID_HEADER, "Keterangan Lain"], [[*r, "-"] for r in rows]
    )

    page.goto(live_server.url + "/masuk/?next=/pertukaran/")
    page.get_by_label("Nama pengguna").fill(curator.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/pertukaran/")
    _assert_accessible(page, "exchange index")

    page.get_by_role("link", name="Impor berkas").click()
    page.wait_for_url("**/pertukaran/impor/baru/")
    _assert_accessible(page, "upload form")
    page.get_by_label("Berkas").set_input_files(str(path))
    page.get_by_label("Nama kumpulan data").fill("iid-uji")
    page.get_by_role("button", name="Unggah dan lanjut").click()
    page.wait_for_url("**/kolom/")
    assert page.get_by_label("Nama Inovasi").input_value() == "title"
    assert page.get_by_label("Keterangan Lain").input_value() == ""
    _assert_accessible(page, "mapping form")

    # The bad row stops an atomic import; the curator chooses to write the good rows only.
    page.get_by_label("Tulis baris yang sah saja").check()
    page.get_by_role("button", name="Simpan dan buat pratinjau").click()
    page.wait_for_url("**/pertukaran/impor/*/")
    page.get_by_role("heading", name="Pratinjau (uji coba, belum ada yang ditulis)").wait_for()
    assert (
        "Sragen"
        in page.get_by_role(
            "table", name="Galat per baris (baris 1 adalah judul kolom)"
        ).inner_text()
    )
    assert not Innovation.objects.exists()
    _assert_accessible(page, "preview")

    page.get_by_role("button", name="Jalankan impor").click()
    page.get_by_role("heading", name="Hasil impor").wait_for()
    _assert_accessible(page, "import log")
    job = ImportJob.objects.get()
    assert job.status == JobStatus.DONE
    assert Innovation.objects.count() == 2
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh galat per baris (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("4,region_name")
