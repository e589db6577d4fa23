"""Uploads are checked by content, not by name, and by size; person-level data is refused."""

import io
import zipfile

import pytest

from sebaya.core.imports import looks_like_nik, person_level_columns
from sebaya.exchange.uploads import UploadRejected, check_bytes
from sebaya.innovations.importers import ImportFileError, import_innovations
from tests.exchange.conftest import ID_HEADER, id_row, write_csv, write_xlsx


def _xlsx_bytes(tmp_path):
    return write_xlsx(tmp_path / "a.xlsx", ID_HEADER, [id_row(1)]).read_bytes()


def test_real_files_are_recognised(tmp_path):
    assert check_bytes("data.xlsx", _xlsx_bytes(tmp_path)) == "xlsx"
    assert check_bytes("data.csv", b"Nama Inovasi,Pemda\nA,B\n") == "csv"
    assert check_bytes("data.jsonl", b'{"id": 1}\n{"id": 2}\n') == "jsonl"
    assert check_bytes("data.json", b'[{"id": 1}]') == "json"
    # JSON and JSON Lines are told apart by content whatever the name says.
    assert check_bytes("data.json", b'{"id": 1}\n{"id": 2}\n') == "jsonl"


def test_an_xlsx_that_is_really_text_is_refused():
    with pytest.raises(UploadRejected, match=r"\.xlsx.*CSV"):
        check_bytes("data.xlsx", b"Nama Inovasi,Pemda\nA,B\n")


def test_a_csv_that_is_really_a_spreadsheet_is_refused(tmp_path):
    with pytest.raises(UploadRejected, match="XLSX"):
        check_bytes("data.csv", _xlsx_bytes(tmp_path))


def test_other_zips_binaries_html_and_names_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "halo")
    with pytest.raises(UploadRejected, match="ZIP"):
        check_bytes("data.xlsx", buffer.getvalue())
    with pytest.raises(UploadRejected, match="biner"):
        check_bytes("data.csv", b"\x7fELF\x02\x01\x00\x00")
    with pytest.raises(UploadRejected, match="HTML"):
        check_bytes("data.csv", b"<html><body>x</body></html>")
    with pytest.raises(UploadRejected, match="UTF-8"):
        check_bytes("data.csv", "Nama;Pemda\nSeñor;B\n".encode("latin-1"))
    with pytest.raises(UploadRejected, match=r"\.exe"):
        check_bytes("data.exe", b"a,b\n")
    with pytest.raises(UploadRejected, match="kosong"):
        check_bytes("data.csv", b"")


def test_size_limit(settings):
    settings.SEBAYA_IMPORT_MAX_BYTES = 1000
    check_bytes("a.csv", b"a,b\n" + b"x,y\n" * 200)
    with pytest.raises(UploadRejected, match="terlalu besar"):
        check_bytes("a.csv", b"a,b\n" + b"x,y\n" * 300)


@pytest.mark.parametrize(
    "header",
    [
        "NIK",
        "NIK Penerima",
        "Nomor Induk Kependudukan",
        "Nama Penerima Manfaat",
        "No. KK",
        "Nama Kepala Keluarga",
    ],
)
def test_person_level_headers(header):
    assert person_level_columns([header, "Pemda"])


def test_ordinary_headers_are_not_person_level():
    assert person_level_columns(["Nama Inovasi", "Teknik", "Unik", "Pemda", "Sumber"]) == []


def test_nik_like_values():
    assert looks_like_nik("3314015708900001")  # a woman's: day 57 = 17 + 40
    assert looks_like_nik("3314 0117 0890 0001")
    assert looks_like_nik(3314011708900001)
    assert not looks_like_nik("3314019908900001")  # day 99 is no date
    assert not looks_like_nik("2021")
    assert not looks_like_nik("https://example.org/3314015708900001")


@pytest.mark.django_db
def test_a_column_of_nik_values_is_refused_whatever_its_header(regions, tmp_path):
    header = [*ID_HEADER, "Kode"]
    path = write_csv(tmp_path / "a.csv", header, [[*id_row(1), "3314015708900001"]])
    with pytest.raises(ImportFileError, match="data perorangan"):
        import_innovations(path=path)


@pytest.mark.django_db
def test_a_person_level_header_is_refused_with_a_clear_message(regions, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [*ID_HEADER, "Nama Penerima"], [[*id_row(1), "Siti"]])
    with pytest.raises(ImportFileError) as caught:
        import_innovations(path=path)
    assert "nama_penerima" in str(caught.value)
    assert "agregat" in str(caught.value)
