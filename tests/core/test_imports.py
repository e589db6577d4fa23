"""Shared import pieces: the person-level data rule and row errors."""

from django.utils import translation

from sebaya.core.imports import RowError, normalise_header, person_level_columns


def test_person_level_headers_are_found_whatever_their_spelling():
    headers = ["Nama Inovasi", " NIK ", "Nama-Penerima", "Tahun", "no.kk"]
    assert person_level_columns(headers) == ["nama_penerima", "nik", "no_kk"]
    assert person_level_columns(["region_name", "period", "value_percent"]) == []


def test_normalise_header():
    assert normalise_header("  Nama Penerima ") == "nama_penerima"
    assert normalise_header(None) == ""


def test_row_error_reads_well_in_both_languages():
    error = RowError(line=3, field="year", message="x", external_id="sragen-uptpk")
    with translation.override("id"):
        assert str(error) == "baris 3 (sragen-uptpk), year: x"
    assert str(RowError(2, "", "y")).endswith(", -: y")
