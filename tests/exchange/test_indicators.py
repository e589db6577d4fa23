"""Indicator imports from long and wide tables, with units, sources and series-break notes."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from sebaya.exchange.indicators import IndicatorDefaults, import_indicator_file, period_header
from sebaya.innovations.importers import ImportFileError
from sebaya.regions.models import Observation
from tests.exchange.conftest import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

SOURCE = "https://www.bps.go.id/id/statistics-table/2/NjIxIzI=/persentase-penduduk-miskin.html"


def test_period_headers():
    assert period_header("2021") == ("2021", "")
    assert period_header("2022-03") == ("2022-03", "")
    assert period_header("2025 (garis US$2,15; patahan seri)") == (
        "2025",
        "garis US$2,15; patahan seri",
    )
    assert period_header("Wilayah") is None


def test_wide_table_regions_in_rows_periods_in_columns(regions, tmp_path):
    path = write_xlsx(
        tmp_path / "lebar.xlsx",
        [
            "Wilayah",
            "Tingkat",
            "Satuan",
            "Sumber",
            "2023",
            "2024",
            "2025 (garis US$2,15 PPP 2017; patahan seri)",
        ],
        [
            ["Kalimantan Barat", "provinsi", "percent", SOURCE, 1.5, "1,2", 0.9],
            ["Kabupaten Sambas", "kabupaten", "percent", SOURCE, 2.1, None, ""],
        ],
    )
    report = import_indicator_file(
        path=path, defaults=IndicatorDefaults(indicator="extreme_poverty_rate")
    )
    assert report.ok, report.errors
    assert report.created == 4  # empty cells are periods without a figure
    kalbar = {o.period: o for o in Observation.objects.filter(region__code="61")}
    assert kalbar["2024"].value == Decimal("1.2")
    assert kalbar["2025"].series_break and "patahan seri" in kalbar["2025"].note
    assert not kalbar["2023"].series_break
    assert kalbar["2023"].source_url == SOURCE and kalbar["2023"].unit == "percent"

    again = import_indicator_file(
        path=path, defaults=IndicatorDefaults(indicator="extreme_poverty_rate")
    )
    assert (again.created, again.unchanged) == (0, 4)


def test_wide_table_with_bad_cells_reports_rows_and_writes_nothing(regions, tmp_path):
    path = write_csv(
        tmp_path / "lebar.csv",
        ["Wilayah", "2023", "2024"],
        [["Kalimantan Barat", "1,5", "banyak"], ["Kabupaten Antah", "2", "3"]],
    )
    defaults = IndicatorDefaults(
        indicator="poverty_rate", unit="percent", source_url=SOURCE, region_level=""
    )
    report = import_indicator_file(path=path, defaults=defaults)
    assert {(e.line, e.field) for e in report.errors} == {
        (2, "value"),
        (3, "region_name"),
        (3, "region_name"),
    }
    assert not Observation.objects.exists()


def test_wide_table_needs_indicator_and_source(regions, tmp_path):
    path = write_csv(tmp_path / "lebar.csv", ["Wilayah", "2023"], [["Kalimantan Barat", "1,5"]])
    report = import_indicator_file(path=path)
    assert {e.field for e in report.errors} == {"indicator", "source_url"}
    assert all(e.line == 1 for e in report.errors)


def test_long_xlsx_with_indonesian_headers(regions, tmp_path):
    path = write_xlsx(
        tmp_path / "panjang.xlsx",
        ["Wilayah", "Tingkat", "Indikator", "Periode", "Nilai", "Satuan", "Sumber", "Catatan"],
        [
            ["Indonesia", "nasional", "poverty_rate", "2024-03", 9.03, "percent", SOURCE, ""],
            [
                "Indonesia",
                "nasional",
                "poverty_rate",
                2023,
                9.36,
                "percent",
                SOURCE,
                "bukan seri yang sama",
            ],
        ],
    )
    report = import_indicator_file(path=path)
    assert report.ok, report.errors
    values = dict(Observation.objects.values_list("period", "value"))
    assert values == {"2024-03": Decimal("9.03"), "2023": Decimal("9.36")}
    assert Observation.objects.get(period="2023").series_break


def test_person_level_data_in_an_indicator_table_is_refused(regions, tmp_path):
    path = write_csv(
        tmp_path / "a.csv", ["Wilayah", "NIK", "2023"], [["Kalimantan Barat", "x", "1"]]
    )
    with pytest.raises(ImportFileError, match="data perorangan"):
        import_indicator_file(path=path)
    path = write_csv(
        tmp_path / "b.csv",
        ["Wilayah", "Kode", "2023"],
        [["Kalimantan Barat", "6101015708900001", "1"]],
    )
    with pytest.raises(ImportFileError, match="data perorangan"):
        import_indicator_file(path=path)


def test_command_wide_with_defaults_and_progress(regions, tmp_path):
    path = write_csv(
        tmp_path / "lebar.csv", ["Provinsi", "2022", "2023"], [["Kalimantan Barat", "1,1", "1,0"]]
    )
    out, err = StringIO(), StringIO()
    call_command(
        "import_indicators",
        str(path),
        "--shape",
        "wide",
        "--indicator",
        "extreme_poverty_rate",
        "--unit",
        "percent",
        "--source-url",
        SOURCE,
        "--level",
        "province",
        "--progress",
        stdout=out,
        stderr=err,
    )
    assert Observation.objects.count() == 2
    assert "2/2" in err.getvalue()
