"""Exports of a programme's follow-up and of a practice's adopters, as CSV and XLSX.

Both formats carry the same rows; the XLSX adds a sheet per table and keeps dates as dates.
Text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from sebaya.learning.notifications import site_url
from sebaya.learning.selectors import Diffusion, ProgrammeReport


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def programme_sheets(report: ProgrammeReport) -> list[Sheet]:
    programme = report.programme
    plans = Sheet(
        title=_("Rencana tindak lanjut"),
        headers=[
            _("Organisasi pengadopsi"),
            _("Daerah pengadopsi"),
            _("Kode wilayah"),
            _("Praktik"),
            _("Daerah asal praktik"),
            _("Tahap adopsi"),
            _("Tahap berubah pada"),
            _("Unit penanggung jawab"),
            _("Target uji coba"),
            _("Target penerapan"),
            _("Target pelembagaan"),
            _("Disusun"),
            _("Alamat"),
        ],
        rows=[
            [
                plan.organisation.name,
                plan.adoption.region.name,
                plan.adoption.region.code,
                plan.innovation.title,
                plan.innovation.region.name,
                plan.adoption.get_stage_display(),
                plan.adoption.stage_changed_on,
                plan.responsible_unit,
                plan.target_pilot_on,
                plan.target_operation_on,
                plan.target_institutionalised_on,
                plan.created_at.date(),
                site_url(plan.get_absolute_url()),
            ]
            for plan in report.plans
        ],
    )
    stages = Sheet(
        title=_("Adopsi per tahap"),
        headers=[
            _("Tahap"),
            _("Jumlah adopsi"),
            _("Lama rata-rata (hari)"),
            _("Median (hari)"),
            _("Jumlah masa tinggal"),
        ],
        rows=[],
    )
    durations = {d.stage: d for d in report.durations}
    for row in report.stages:
        d = durations.get(row.stage)
        stages.rows.append(
            [
                row.label,
                row.count,
                d.mean_days if d else None,
                d.median_days if d else None,
                d.stays if d else None,
            ]
        )
    summary = Sheet(
        title=_("Ringkasan"),
        headers=[_("Ukuran"), _("Nilai")],
        rows=[
            [_("Program"), programme.title],
            [_("Organisasi terdaftar"), report.organisations_registered],
            [_("Organisasi hadir"), report.organisations_attended],
            [_("Rencana tindak lanjut"), report.action_plans],
            [_("Sudah pelembagaan"), report.institutionalised],
            [
                _("Macet (%(days)d hari tanpa kemajuan)") % {"days": report.stalled_days},
                len(report.stalled),
            ],
            [_("Sumber"), programme.source_url or site_url(programme.get_absolute_url())],
        ],
    )
    return [summary, plans, stages]


def diffusion_sheets(diffusion: Diffusion) -> list[Sheet]:
    adopters = Sheet(
        title=_("Daerah peniru"),
        headers=[
            _("Daerah pengadopsi"),
            _("Kode wilayah"),
            _("Provinsi"),
            _("Organisasi"),
            _("Tahap"),
            _("Tahap berubah pada"),
            _("Sumber"),
            _("Alamat"),
        ],
        rows=[
            [
                a.region.name,
                a.region.code,
                a.region.parent.name if a.region.parent else "",
                a.organisation.name if a.organisation else "",
                a.get_stage_display(),
                a.stage_changed_on,
                a.source_url,
                site_url(a.get_absolute_url()),
            ]
            for a in diffusion.adoptions
        ],
    )
    return [adopters]


def to_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow(
            [
                "" if v is None else (v.isoformat() if isinstance(v, datetime.date) else _safe(v))
                for v in row
            ]
        )
    # A byte-order mark so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    first = True
    for sheet in sheets:
        ws = workbook.active if first else workbook.create_sheet()
        first = False
        assert ws is not None
        ws.title = sheet.title[:31]
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_safe(v) for v in row])
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
