"""Importing sourced indicator observations: the real CSV, bad rows, atomicity, dry runs."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sebaya.regions.indicators import (
    import_indicator_rows,
    import_indicators_file,
    is_series_break,
    parse_period,
)
from sebaya.regions.models import Indicator, Observation

POVERTY_CSV = Path(__file__).resolve().parents[2] / "src/sebaya/data/poverty-indicators.csv"
HEADER = "region_name,region_level,indicator,period,value_percent,source_url,note\n"
GOOD = "Kalimantan Barat,province,extreme_poverty_rate,2022-03,1.41,https://example.org/kalbar,\n"
SOURCE = "https://example.org/s"

pytestmark = pytest.mark.django_db


def _row(**overrides):
    row = {
        "region_name": "Kalimantan Barat",
        "region_level": "province",
        "indicator": "extreme_poverty_rate",
        "period": "2022-03",
        "value_percent": "1.41",
        "source_url": SOURCE,
        "note": "",
    }
    row.update(overrides)
    return row


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_file_imports_kalimantan_barat(regions):
    """After the vendored CSV, Kalbar (61) has 1.08 (March 2021) and 1.41 (March 2022)."""
    report = import_indicators_file(path=POVERTY_CSV)

    assert report.ok, report.errors
    assert report.created == report.rows == 73
    kalbar = {
        o.period: o
        for o in Observation.objects.filter(
            region__code="61", indicator__slug="extreme_poverty_rate"
        )
    }
    assert kalbar["2021-03"].value == Decimal("1.08")
    assert kalbar["2021-03"].source_url == "https://www.sonora.id/read/423811528"
    assert kalbar["2022-03"].value == Decimal("1.41")
    assert kalbar["2022-03"].source_url.startswith("https://kalbar.prokal.co/")
    assert kalbar["2022-03"].period_start == datetime.date(2022, 3, 1)
    assert kalbar["2022-03"].period_granularity == "month"
    national = Observation.objects.get(
        region__code="ID", indicator__slug="extreme_poverty_rate", period="2022-03"
    )
    assert national.value == Decimal("2.04")


def test_real_file_regions_and_series_breaks(regions):
    import_indicators_file(path=POVERTY_CSV)

    assert Observation.objects.filter(region__code="53.12").count() == 2  # Kab. Sumba Barat
    assert Observation.objects.filter(region__code="34").exists()  # "DI Yogyakarta"
    assert Observation.objects.filter(region__code="31").exists()  # "DKI Jakarta"
    breaks = Observation.objects.filter(series_break=True)
    assert {(o.region.code, o.indicator.slug, o.period) for o in breaks} == {
        ("ID", "extreme_poverty_rate", "2021-03"),
        ("ID", "extreme_poverty_rate", "2025-03"),
        ("ID", "poverty_rate", "2021-03"),
    }
    year = Observation.objects.get(region__code="35", period="2021")
    assert (year.period_start, year.period_granularity) == (datetime.date(2021, 1, 1), "year")


def test_indicator_definitions_are_created(regions):
    import_indicators_file(path=POVERTY_CSV)

    extreme = Indicator.objects.get(slug="extreme_poverty_rate")
    assert (extreme.name_id, extreme.name_en, extreme.unit) == (
        "Tingkat kemiskinan ekstrem",
        "Extreme poverty rate",
        "percent",
    )
    assert "US$1,9 PPP (2011)" in extreme.description_id
    assert "US$2.15 PPP (2017)" in extreme.description_en
    poverty = Indicator.objects.get(slug="poverty_rate")
    assert poverty.name_id == "Tingkat kemiskinan"
    assert "garis kemiskinan" in poverty.description_id


def test_reimport_creates_no_duplicates(regions):
    import_indicators_file(path=POVERTY_CSV)

    report = import_indicators_file(path=POVERTY_CSV)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 73)
    assert Observation.objects.count() == 73


def test_reimport_updates_changed_value_and_note(regions):
    import_indicator_rows(rows=[_row()])

    report = import_indicator_rows(rows=[_row(value_percent="1.40", note="revised; series break")])

    assert (report.created, report.updated) == (0, 1)
    observation = Observation.objects.get()
    assert observation.value == Decimal("1.40")
    assert observation.series_break is True


def test_same_period_from_another_source_is_kept_apart(regions):
    import_indicator_rows(rows=[_row()])
    import_indicator_rows(rows=[_row(source_url="https://example.org/other")])

    assert Observation.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"region_name": "Kalimantan Barar"}, "region_name", ["Kalimantan Barat"]),
        ({"region_name": "Pekalongan", "region_level": ""}, "region_name", ["Kota Pekalongan"]),
        ({"region_name": ""}, "region_name", ["kosong"]),
        ({"region_level": "planet"}, "region_level", ["planet"]),
        ({"indicator": "unemployment_rate"}, "indicator", ["unemployment_rate", "poverty_rate"]),
        ({"period": "2022-13"}, "period", ["2022-13"]),
        ({"period": "22"}, "period", ["22", "TTTT"]),
        ({"period": "2022/03"}, "period", ["2022/03"]),
        ({"period": ""}, "period", ["TTTT"]),
        ({"value_percent": "banyak"}, "value_percent", ["banyak", "bukan angka"]),
        ({"value_percent": "-0.5"}, "value_percent", ["negatif"]),
        ({"value_percent": "100.5"}, "value_percent", ["100"]),
        ({"value_percent": "NaN"}, "value_percent", ["bukan angka"]),
        ({"value_percent": "1.234567"}, "value_percent", ["desimal"]),
        ({"source_url": ""}, "source_url", ["wajib"]),
        ({"source_url": "ftp://example.org/x"}, "source_url", ["http"]),
        ({"source_url": "www.example.org"}, "source_url", ["http"]),
        ({"series": "mungkin"}, "series", ["mungkin"]),
    ],
)
def test_bad_rows_are_reported_with_line_field_and_message(regions, overrides, field, words):
    report = import_indicator_rows(
        rows=[_row(source_url="https://example.org/1"), _row(**overrides)]
    )

    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [(3, field)]
    for word in words:
        assert word in report.errors[0].message
    assert "baris 3" in str(report.errors[0])
    assert Observation.objects.count() == 0


def test_duplicate_rows_in_one_file_are_an_error(regions):
    report = import_indicator_rows(rows=[_row(), _row(value_percent="1.5")])

    assert [(e.line, e.field) for e in report.errors] == [(3, "")]
    assert "baris 2" in report.errors[0].message


def test_one_bad_row_writes_nothing(regions):
    report = import_indicator_rows(rows=[_row(), _row(period="2023-03", value_percent="x")])

    assert not report.written
    assert report.created == 0
    assert Observation.objects.count() == 0
    assert not Indicator.objects.exists()


def test_skip_invalid_writes_the_good_rows(regions):
    report = import_indicator_rows(
        rows=[_row(), _row(period="2023-03", value_percent="x"), _row(period="2023-09")],
        skip_invalid=True,
    )

    assert report.written
    assert (report.created, report.skipped, len(report.errors)) == (2, 1, 1)
    assert sorted(Observation.objects.values_list("period", flat=True)) == ["2022-03", "2023-09"]


def test_dry_run_writes_nothing_and_reports_what_would_happen(regions):
    report = import_indicators_file(path=POVERTY_CSV, dry_run=True)

    assert report.ok and report.dry_run and not report.written
    assert report.created == 73
    assert not Observation.objects.exists()
    assert not Indicator.objects.exists()


def test_dry_run_after_import_counts_updates(regions):
    import_indicator_rows(rows=[_row()])

    report = import_indicator_rows(
        rows=[_row(value_percent="2"), _row(period="2023")], dry_run=True
    )

    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert Observation.objects.get().value == Decimal("1.41")


def test_value_and_unit_columns_and_series_column(regions):
    rows = [
        {**_row(value_percent=None), "value": "1,08", "unit": "percent", "series": "break"},
        {**_row(value_percent=None, period="2023"), "value": "0.99", "unit": ""},
        {**_row(value_percent=None, period="2024"), "value": "5", "unit": "people"},
    ]

    report = import_indicator_rows(rows=rows)

    assert [(e.line, e.field) for e in report.errors] == [(4, "unit")]
    report = import_indicator_rows(rows=rows[:2])
    assert report.created == 2
    first = Observation.objects.get(period="2022-03")
    assert (first.value, first.unit, first.series_break) == (Decimal("1.08"), "percent", True)
    assert Observation.objects.get(period="2023").series_break is False


def test_country_rows_go_to_indonesia(regions):
    import_indicator_rows(rows=[_row(region_name="Nasional", region_level="country")])

    assert Observation.objects.get().region.code == "ID"


def test_level_settles_names_shared_by_province_and_city(regions):
    import_indicator_rows(rows=[_row(region_name="Gorontalo", region_level="province")])
    import_indicator_rows(rows=[_row(region_name="Gorontalo", region_level="city")])

    assert sorted(Observation.objects.values_list("region__code", flat=True)) == ["75", "75.71"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-03", ("2022-03", datetime.date(2022, 3, 1), "month")),
        ("2021", ("2021", datetime.date(2021, 1, 1), "year")),
        (" 2024-12 ", ("2024-12", datetime.date(2024, 12, 1), "month")),
    ],
)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2022-13", "2022-00", "22", "2022/03", "2022-3", "Maret 2022"])
def test_parse_period_rejects(text):
    with pytest.raises(ValueError, match=r"22"):
        parse_period(text)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("older government estimate; not the same series as BPS figures after it", True),
        ("uses the US$2.15 (2017 PPP) line; earlier years use US$1.9: a series break", True),
        ("Series Break", True),
        ("patahan seri: garis baru", True),
        ("survey month not stated", False),
        ("", False),
    ],
)
def test_is_series_break(note, expected):
    assert is_series_break(note) is expected


def test_header_problems_stop_the_import(regions, tmp_path):
    path = _write(tmp_path, "region_name,indicator,period,value_percent,nik\nx,y,2022,1,123\n")

    report = import_indicators_file(path=path)

    fields = {e.field for e in report.errors}
    assert {"region_level", "source_url", "nik"} <= fields
    assert all(e.line == 1 for e in report.errors)
    assert report.rows == 0


def test_semicolon_file_with_bom(regions, tmp_path):
    text = "\ufeff" + (HEADER + GOOD).replace(",", ";")
    report = import_indicators_file(path=_write(tmp_path, text))

    assert report.ok, report.errors
    assert report.created == 1


def test_command_imports_and_prints_counts(regions):
    out = StringIO()
    call_command("import_indicators", str(POVERTY_CSV), stdout=out)

    assert "73" in out.getvalue()
    assert Observation.objects.count() == 73


def test_command_dry_run(regions):
    out = StringIO()
    call_command("import_indicators", str(POVERTY_CSV), "--dry-run", stdout=out)

    assert "--dry-run" in out.getvalue()
    assert not Observation.objects.exists()


def test_command_fails_on_bad_rows_and_writes_nothing(regions, tmp_path):
    path = _write(tmp_path, HEADER + GOOD + GOOD.replace("2022-03", "2022-13"))
    err = StringIO()

    with pytest.raises(CommandError, match="1"):
        call_command("import_indicators", str(path), stderr=err)

    assert "baris 3, period" in err.getvalue()
    assert not Observation.objects.exists()


def test_command_skip_invalid(regions, tmp_path):
    path = _write(tmp_path, HEADER + GOOD + GOOD.replace("2022-03", "2022-13"))

    call_command(
        "import_indicators", str(path), "--skip-invalid", stdout=StringIO(), stderr=StringIO()
    )

    assert Observation.objects.count() == 1


def test_command_missing_file(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_indicators", str(tmp_path / "nope.csv"))
