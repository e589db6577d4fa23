"""The XLSX template: its columns are the ones the importer reads; filled in, it imports."""

import io

import pytest
from openpyxl import load_workbook

from sebaya.exchange.indicators import IndicatorDefaults, import_indicator_file
from sebaya.exchange.template_file import INDICATOR_TEMPLATE, PRACTICE_TEMPLATE, template_xlsx
from sebaya.innovations.importers import column_for, import_innovations
from sebaya.innovations.models import Innovation
from sebaya.regions.models import Observation

pytestmark = pytest.mark.django_db


def test_every_template_header_is_read_as_its_column():
    for header, column, _required, _help in PRACTICE_TEMPLATE:
        assert column_for(header) == column
    from sebaya.exchange.indicators import column_for as indicator_column

    for header, column, _required, _help in INDICATOR_TEMPLATE:
        assert indicator_column(header) == column


def test_practice_template_filled_in_imports(regions, tmp_path):
    workbook = load_workbook(io.BytesIO(template_xlsx("practices")))
    assert workbook.sheetnames == ["Data", "Petunjuk", "Urusan"]
    sheet = workbook["Data"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["ID Inovasi", "Nama Inovasi", "Pemda"]
    values = {
        "ID Inovasi": "t-1",
        "Nama Inovasi": "Kartu Saraswati",
        "Pemda": "Kab. Sragen",
        "Provinsi": "Jawa Tengah",
        "Tahun": 2015,
        "Tahapan": "Penerapan",
        "Jenis": "Non-digital",
        "Bentuk": "Pelayanan publik",
        "Inisiator": "Kepala daerah",
        "Urusan": "1.06; Kesehatan",
        "Ringkasan": "Satu kartu untuk layanan warga kurang mampu.",
        "Sumber": "https://example.org/saraswati",
        "Sumber Lain": "https://example.org/b https://example.org/c",
    }
    sheet.append([values[h] for h in header])
    path = tmp_path / "isi.xlsx"
    workbook.save(path)
    report = import_innovations(path=path, source="templat")
    assert report.ok, report.errors
    practice = Innovation.objects.get(external_id="t-1")
    assert (practice.stage, practice.jenis, practice.bentuk, practice.inisiator) == (
        "penerapan",
        "non_digital",
        "pelayanan_publik",
        "kepala_daerah",
    )
    assert sorted(u.code for u in practice.urusan.all()) == ["1.02", "1.06"]
    assert practice.links.count() == 3


def test_indicator_template_filled_in_imports(regions, tmp_path):
    workbook = load_workbook(io.BytesIO(template_xlsx("indicators")))
    sheet = workbook["Data"]
    sheet.append(
        [
            "Kalimantan Barat",
            "province",
            "extreme_poverty_rate",
            "2021-03",
            1.08,
            "percent",
            "https://www.sonora.id/read/423811528",
            "",
        ]
    )
    path = tmp_path / "isi.xlsx"
    workbook.save(path)
    report = import_indicator_file(path=path, defaults=IndicatorDefaults())
    assert report.ok, report.errors
    assert Observation.objects.get().period == "2021-03"
