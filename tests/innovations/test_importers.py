"""Importing practices from JSONL, CSV and XLSX: counts, re-import, bad rows, atomicity."""

import csv
import json
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from sebaya.innovations.demo import SAMPLE_PATH
from sebaya.innovations.importers import ImportFileError, import_innovations
from sebaya.innovations.models import Innovation, LinkKind, PublicationStatus
from sebaya.regions.loader import load_regions
from tests.accounts.factories import CuratorFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "id": "uji-1",
    "title": "Praktik Uji",
    "region_province": "Jawa Tengah",
    "region_name": "Kabupaten Sragen",
    "year": 2015,
    "sector": "poverty_reduction",
    "summary_id": "Ringkasan praktik uji.",
    "source_url": "https://example.org/uji-1",
    "more_sources": ["https://example.org/uji-1b"],
}


@pytest.fixture(autouse=True)
def regions():
    load_regions()


def write_jsonl(path, rows):
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def row(**overrides):
    return {**GOOD, **overrides}


def test_sample_file_imports_20_practices_then_reimport_changes_nothing():
    started = time.perf_counter()
    report = import_innovations(path=SAMPLE_PATH, source="sebaya-sample")
    elapsed = time.perf_counter() - started
    assert report.ok, report.errors
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (20, 0, 0)
    assert report.written
    assert Innovation.objects.filter(source="sebaya-sample").count() == 20
    assert elapsed < 10

    again = import_innovations(path=SAMPLE_PATH, source="sebaya-sample")
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 20)
    assert Innovation.objects.count() == 20


def test_sample_records_carry_region_themes_links_and_are_published():
    import_innovations(path=SAMPLE_PATH, source="sebaya-sample")
    sragen = Innovation.objects.get(source="sebaya-sample", external_id="sragen-uptpk")
    assert sragen.region.code == "33.14"
    assert sragen.status == PublicationStatus.PUBLISHED
    assert sragen.published_at is not None
    assert sragen.year == 2015
    assert sragen.summary.startswith("Pemkab Sragen")
    assert sragen.sector == "poverty_reduction"
    assert {t.slug for t in sragen.themes.all()} >= {"pendataan-sasaran"}
    assert [u.code for u in sragen.urusan.all()] == ["1.06"]
    assert sragen.links.count() == 3
    assert set(sragen.links.values_list("kind", flat=True)) == {LinkKind.SOURCE}
    kalbar = Innovation.objects.get(external_id="kalbar-desa-mandiri")
    assert (kalbar.region.code, kalbar.year) == ("61", None)
    ntt = Innovation.objects.get(external_id="ntt-revolusi-kia")
    assert ntt.region.code == "53"


def test_default_source_is_the_file_stem(tmp_path):
    path = write_jsonl(tmp_path / "kipp-2020.jsonl", [row()])
    report = import_innovations(path=path)
    assert report.source == "kipp-2020"
    assert Innovation.objects.get().source == "kipp-2020"


def test_changed_row_updates_the_same_record(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row()])
    import_innovations(path=path)
    write_jsonl(path, [row(title="Praktik Uji Diperbarui")])
    report = import_innovations(path=path)
    assert report.updated == ["uji-1"]
    assert Innovation.objects.get().title == "Praktik Uji Diperbarui"


def test_csv_with_sources_separated_by_space_or_semicolon(tmp_path):
    path = tmp_path / "praktik.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(GOOD))
        writer.writerow([*list(row().values())[:8], "https://example.org/b; https://example.org/c"])
        second = row(id="uji-2", title="Kedua", region_name="Kota Pekalongan", year="")
        writer.writerow([*list(second.values())[:8], "https://example.org/d https://example.org/e"])
    report = import_innovations(path=path)
    assert report.ok, report.errors
    assert report.created == ["uji-1", "uji-2"]
    first = Innovation.objects.get(external_id="uji-1")
    assert list(first.links.values_list("url", flat=True)) == [
        "https://example.org/uji-1",
        "https://example.org/b",
        "https://example.org/c",
    ]
    second_obj = Innovation.objects.get(external_id="uji-2")
    assert (second_obj.region.code, second_obj.year) == ("33.75", None)
    assert second_obj.links.count() == 3


def test_xlsx_first_sheet(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(GOOD))
    sheet.append([*list(row().values())[:8], "https://example.org/b;https://example.org/c"])
    sheet.append([None] * 9)  # blank rows in spreadsheets are common and mean nothing
    sheet.append([*list(row(id="uji-2", year=2016.0).values())[:8], None])
    workbook.create_sheet("Catatan").append(["tidak dibaca"])
    path = tmp_path / "praktik.xlsx"
    workbook.save(path)
    report = import_innovations(path=path)
    assert report.ok, report.errors
    assert report.created == ["uji-1", "uji-2"]
    assert Innovation.objects.get(external_id="uji-2").year == 2016
    assert Innovation.objects.get(external_id="uji-1").links.count() == 3


def test_each_kind_of_bad_row_is_reported_with_line_field_and_message(tmp_path):
    next_year = timezone.localdate().year + 2
    path = write_jsonl(
        tmp_path / "buruk.jsonl",
        [
            row(),  # line 1 is fine
            row(id="x2", region_name="Kabupaten Sragenn"),
            row(id="x3", year="dua ribu"),
            row(id="x4", year=1900),
            row(id="x5", year=next_year),
            row(id="x6", title="  "),
            '{"id": "x7", "title": ',
            row(id="x8", source_url="bukan-url"),
            row(id="x9", more_sources=["ftp://example.org/x"]),
            row(id="x10", source_url=""),
        ],
    )
    report = import_innovations(path=path)
    found = {(e.line, e.field) for e in report.errors}
    assert found == {
        (2, "region_name"),
        (3, "year"),
        (4, "year"),
        (5, "year"),
        (6, "title"),
        (7, "json"),
        (8, "source_url"),
        (9, "more_sources"),
        (10, "source_url"),
    }
    messages = {e.line: e.message for e in report.errors}
    assert "Sragen" in messages[2] and "33.14" in messages[2]  # the resolver's candidate
    assert "bilangan bulat" in messages[3]
    assert "1945" in messages[4] and str(next_year - 1) in messages[5]
    assert messages[6] == "Judul wajib diisi."
    assert "JSON" in messages[7]
    assert "bukan-url" in messages[8]
    assert str(report.errors[0]).startswith("baris 2 (x2), region_name:")
    # Default: one failing row stops everything, including the good first row.
    assert not report.written
    assert not Innovation.objects.exists()


def test_duplicate_id_in_one_file(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row(), row(title="Lagi")])
    report = import_innovations(path=path)
    assert [(e.line, e.field) for e in report.errors] == [(2, "id")]


def test_skip_invalid_writes_the_good_rows(tmp_path):
    path = write_jsonl(
        tmp_path / "campur.jsonl", [row(), row(id="x2", title=""), row(id="uji-3", year=2019)]
    )
    report = import_innovations(path=path, skip_invalid=True)
    assert report.created == ["uji-1", "uji-3"]
    assert report.failed_lines == [2]
    assert report.written
    assert set(Innovation.objects.values_list("external_id", flat=True)) == {"uji-1", "uji-3"}


def test_dry_run_writes_nothing_and_says_what_would_happen(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row(), row(id="uji-2")])
    import_innovations(path=write_jsonl(tmp_path / "a.jsonl", [row()]))
    write_jsonl(path, [row(title="Judul lain"), row(id="uji-2")])
    report = import_innovations(path=path, dry_run=True)
    assert (report.created, report.updated) == (["uji-2"], ["uji-1"])
    assert not report.written
    assert Innovation.objects.count() == 1
    assert Innovation.objects.get().title == "Praktik Uji"


@pytest.mark.parametrize("column", ["NIK", "nama_penerima", "No KK"])
def test_person_level_columns_are_refused(tmp_path, column):
    path = tmp_path / "data.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*list(GOOD), column])
        writer.writerow([*list(row().values())[:8], "", "3314000000000001"])
    with pytest.raises(ImportFileError, match="data perorangan"):
        import_innovations(path=path)
    assert not Innovation.objects.exists()


def test_person_level_keys_in_jsonl_are_refused(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row(nik="3314000000000001")])
    with pytest.raises(ImportFileError, match="nik"):
        import_innovations(path=path)


def test_unknown_format_and_missing_columns(tmp_path):
    with pytest.raises(ImportFileError, match="Format"):
        import_innovations(path=tmp_path / "a.txt")
    path = tmp_path / "a.csv"
    path.write_text("id,title\nx,Judul\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="region_name"):
        import_innovations(path=path)


def test_web_or_api_import_needs_a_curator(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row()])
    with pytest.raises(PermissionDenied):
        import_innovations(path=path, user=UserFactory())
    assert import_innovations(path=path, user=CuratorFactory()).created == ["uji-1"]


def test_command_prints_a_summary_and_fails_on_bad_rows(tmp_path, capsys):
    call_command("import_innovations", str(SAMPLE_PATH), "--source", "sebaya-sample")
    out = capsys.readouterr().out
    assert "20 dibuat" in out

    bad = write_jsonl(tmp_path / "b.jsonl", [row(), row(id="x2", year="abad")])
    with pytest.raises(CommandError, match="1 baris gagal"):
        call_command("import_innovations", str(bad))
    assert "baris 2 (x2), year" in capsys.readouterr().err
    assert not Innovation.objects.filter(source="b").exists()

    call_command("import_innovations", str(bad), "--skip-invalid")
    assert Innovation.objects.filter(source="b").count() == 1


def test_command_dry_run_and_refusals(tmp_path, capsys):
    path = write_jsonl(tmp_path / "c.jsonl", [row()])
    call_command("import_innovations", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "akan dibuat: uji-1" in out
    assert not Innovation.objects.exists()
    person = write_jsonl(tmp_path / "d.jsonl", [row(no_kk="1")])
    with pytest.raises(CommandError, match="data perorangan"):
        call_command("import_innovations", str(person))
