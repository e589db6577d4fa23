"""The downloadable XLSX templates: the columns curators fill, with a sheet that explains them."""

from __future__ import annotations

import io

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sebaya.innovations.models import Bentuk, Inisiator, Jenis, Stage
from sebaya.innovations.reference import urusan_items

# (header as Indonesian data sets write it, column it is read as, required, explanation)
PRACTICE_TEMPLATE: list[tuple[str, str, bool, str | Promise]] = [
    (
        "ID Inovasi",
        "id",
        False,
        _lazy("ID di kumpulan data Anda; kosong: dibuat dari wilayah + nama"),
    ),
    ("Nama Inovasi", "title", True, _lazy("Nama inovasi atau praktik")),
    ("Pemda", "region_name", True, _lazy("Mis. Kabupaten Sragen, Kota Yogyakarta, Provinsi NTT")),
    (
        "Provinsi",
        "region_province",
        False,
        _lazy("Membantu bila nama pemda ada di beberapa provinsi"),
    ),
    ("Tahun", "year", False, _lazy("Tahun mulai atau tahun penghargaan (1945 sampai tahun depan)")),
    ("Tahapan", "stage", False, ", ".join(str(label) for label in Stage.labels)),
    ("Jenis", "jenis", False, ", ".join(str(label) for label in Jenis.labels)),
    ("Bentuk", "bentuk", False, ", ".join(str(label) for label in Bentuk.labels)),
    ("Inisiator", "inisiator", False, ", ".join(str(label) for label in Inisiator.labels)),
    (
        "Urusan",
        "urusan",
        False,
        _lazy("Kode atau nama urusan, dipisah titik koma (lihat lembar Urusan)"),
    ),
    ("Ringkasan", "summary_id", False, _lazy("Satu paragraf dalam bahasa Indonesia")),
    (
        "Sumber",
        "source_url",
        True,
        _lazy("Tautan http(s) ke sumber; boleh diisi sekali di formulir"),
    ),
    ("Sumber Lain", "more_sources", False, _lazy("Tautan lain, dipisah spasi")),
]
INDICATOR_TEMPLATE: list[tuple[str, str, bool, str | Promise]] = [
    ("Wilayah", "region_name", True, _lazy("Mis. Indonesia, Kalimantan Barat, Kabupaten Sambas")),
    ("Tingkat", "region_level", False, _lazy("country, province, regency, city")),
    ("Indikator", "indicator", True, _lazy("extreme_poverty_rate atau poverty_rate")),
    ("Periode", "period", True, _lazy("TTTT (2021) atau TTTT-BB (2022-03)")),
    ("Nilai", "value", True, _lazy("Angka; koma atau titik sebagai tanda desimal")),
    ("Satuan", "unit", True, _lazy("percent untuk persen")),
    ("Sumber", "source_url", True, _lazy("Tautan http(s) ke sumber angka")),
    ("Catatan", "note", False, _lazy("Mis. 'patahan seri' bila nilai memulai seri baru")),
]
TEMPLATES = {"practices": PRACTICE_TEMPLATE, "indicators": INDICATOR_TEMPLATE}


def template_xlsx(kind: str) -> bytes:
    """An empty XLSX with the header row, a sheet of explanations and the urusan codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = TEMPLATES[kind]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Data")
    sheet.append([header for header, _column, _required, _help in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, (header, _column, _required, _help) in enumerate(columns, start=1):
        sheet.column_dimensions[cell_letter(index)].width = max(14, len(header) + 4)

    guide = workbook.create_sheet(_("Petunjuk"))
    guide.append([_("Kolom"), _("Dibaca sebagai"), _("Wajib"), _("Keterangan")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for header, column, required, help_text in columns:
        guide.append([header, column, _("ya") if required else _("tidak"), str(help_text)])
    guide.append([])
    guide.append(
        [
            _(
                "Jangan menambah kolom data perorangan (NIK, nama penerima, nomor KK): berkas "
                "seperti itu ditolak."
            )
        ]
    )
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 18
    guide.column_dimensions["D"].width = 80

    if kind == "practices":
        urusan = workbook.create_sheet(_("Urusan"))
        urusan.append([_("Kode"), _("Urusan")])
        for item in urusan_items():
            urusan.append([item["code"], item["name_id"]])
        urusan.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))
