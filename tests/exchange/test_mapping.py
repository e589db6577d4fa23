"""Indonesian headers, the column mapping, default sources, classification columns, the CLI."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sebaya.innovations.importers import (
    ImportFileError,
    column_for,
    guess_mapping,
    import_innovations,
)
from sebaya.innovations.models import Innovation, Jenis, Stage
from tests.exchange.conftest import ID_HEADER, id_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def test_indonesian_headers_are_read_without_a_mapping(regions, tmp_path):
    path = write_xlsx(
        tmp_path / "iid.xlsx",
        ID_HEADER,
        [id_row(1), id_row(2, Pemda="Kota Bandung", Provinsi="Jawa Barat")],
    )
    report = import_innovations(path=path, source="iid-2023")
    assert report.ok, report.errors
    assert len(report.created) == 2
    practice = Innovation.objects.get(title="Layanan Terpadu Uji 1")
    assert practice.region.code == "33.14"
    assert practice.stage == Stage.PENERAPAN
    assert practice.jenis == Jenis.NON_DIGITAL
    assert practice.bentuk == "pelayanan_publik"
    assert [u.code for u in practice.urusan.all()] == ["1.06"]
    assert practice.year == 2021
    assert practice.links.get().url == "https://example.org/inovasi/1"
    # No id column: the id comes from region and title, so the same file updates, not doubles.
    assert practice.external_id.startswith("auto-")
    again = import_innovations(path=path, source="iid-2023")
    assert (len(again.created), len(again.unchanged)) == (0, 2)
    assert Innovation.objects.count() == 2


def test_aliases_and_guessed_mapping():
    assert column_for("Nama Inovasi") == "title"
    assert column_for(" PEMDA ") == "region_name"
    assert column_for("Tahapan Inovasi") == "stage"
    assert column_for("kolom lain") is None
    assert guess_mapping(["Nama Inovasi", "Catatan Internal"]) == {
        "Nama Inovasi": "title",
        "Catatan Internal": "",
    }


def test_explicit_mapping_wins_and_can_leave_columns_out(regions, tmp_path):
    header = ["Judul Kegiatan", "Lokasi", "Link", "Tahapan"]
    path = write_csv(
        tmp_path / "lain.csv",
        header,
        [["Kartu Sakti", "Kab. Sragen", "https://example.org/a", "tahap aneh"]],
    )
    with pytest.raises(ImportFileError, match="title"):
        import_innovations(path=path)
    mapping = {
        "Judul Kegiatan": "title",
        "Lokasi": "region_name",
        "Link": "source_url",
        "Tahapan": "",
    }
    report = import_innovations(path=path, mapping=mapping)
    assert report.ok, report.errors
    assert Innovation.objects.get().stage == ""


def test_two_headers_for_one_column_are_refused(regions, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        ["Nama Inovasi", "Judul", "Pemda", "Sumber"],
        [["a", "b", "Kota Bandung", "https://example.org"]],
    )
    with pytest.raises(ImportFileError, match="Nama Inovasi"):
        import_innovations(path=path)


def test_default_source_url_for_rows_without_one(regions, tmp_path):
    path = write_csv(
        tmp_path / "a.csv", ["Nama Inovasi", "Pemda"], [["Kartu Sakti", "Kabupaten Sragen"]]
    )
    with pytest.raises(ImportFileError, match="source_url"):
        import_innovations(path=path)
    report = import_innovations(path=path, default_source_url="https://example.org/daftar")
    assert report.ok, report.errors
    assert Innovation.objects.get().links.get().url == "https://example.org/daftar"


def test_unknown_classification_values_are_row_errors(regions, tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        ID_HEADER,
        [
            id_row(1, Tahapan="Hampir"),
            id_row(2, Jenis="Analog"),
            id_row(3, Urusan="Antariksa"),
            id_row(4, Bentuk="Bebas"),
        ],
    )
    report = import_innovations(path=path)
    assert {(e.line, e.field) for e in report.errors} == {
        (2, "stage"),
        (3, "jenis"),
        (4, "urusan"),
        (5, "bentuk"),
    }
    assert "Inisiatif" in report.errors[0].message  # the allowed values are listed
    assert not Innovation.objects.exists()


def test_region_suggestions_come_with_the_error(regions, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", ID_HEADER, [id_row(1, Pemda="Kabupaten Sragenn")])
    report = import_innovations(path=path)
    assert report.errors[0].field == "region_name"
    assert "Sragen" in report.errors[0].message


def test_command_takes_a_mapping_file_map_pairs_and_shows_progress(regions, tmp_path):
    header = ["Judul Kegiatan", "Lokasi", "Link"]
    rows = [[f"Kegiatan {n}", "Kota Bandung", f"https://example.org/{n}"] for n in range(120)]
    path = write_csv(tmp_path / "lain.csv", header, rows)
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps({"Judul Kegiatan": "title", "Lokasi": "region_name"}), encoding="utf-8"
    )
    out, err = StringIO(), StringIO()
    call_command(
        "import_innovations",
        str(path),
        "--mapping",
        str(mapping),
        "--map",
        "Link=source_url",
        "--progress",
        stdout=out,
        stderr=err,
    )
    assert Innovation.objects.count() == 120
    assert "120/120" in err.getvalue() and "[" in err.getvalue()
    assert "120 dibuat" in out.getvalue()


def test_command_refuses_a_bad_map_pair(regions, tmp_path):
    path = write_csv(tmp_path / "a.csv", ID_HEADER, [id_row(1)])
    with pytest.raises(CommandError, match="HEADER=KOLOM"):
        call_command("import_innovations", str(path), "--map", "tanpa-sama-dengan")
