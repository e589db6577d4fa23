"""Indicator imports in the shapes statistics come in: long tables and wide ones.

Long: one observation per row (region, indicator, period, value, unit, source, note), the
columns of `sebaya import indicators`. Wide: regions in rows and periods in columns (as BPS
tables are published); the indicator, unit, source and note come from columns of the row or
from the import's defaults, and a period header may carry its own note in brackets, e.g.
"2025 (garis US$2,15 PPP 2017; patahan seri)", which marks a series break when it says so.
Both shapes become long rows for `sebaya.regions.indicators.import_indicator_rows`, which
validates and writes them atomically.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sebaya.core.imports import (
    RowError,
    normalise_header,
    person_level_columns,
    person_level_message,
    person_level_values,
)
from sebaya.exchange.policies import exchange_policy
from sebaya.innovations.importers import ImportFileError, Progress
from sebaya.regions.indicators import ImportReport, import_indicator_rows

LONG_COLUMNS = (
    "region_code",
    "region_name",
    "region_level",
    "indicator",
    "period",
    "value",
    "value_percent",
    "unit",
    "source_url",
    "note",
    "series",
)
# Columns that describe a row of a wide table (everything else must be a period).
ROW_COLUMNS = (
    "region_code",
    "region_name",
    "region_level",
    "indicator",
    "unit",
    "source_url",
    "note",
    "series",
)
HEADER_ALIASES: dict[str, str] = {
    normalise_header(alias): column
    for alias, column in {
        "Kode Wilayah": "region_code",
        "Kode Kemendagri": "region_code",
        "Kode Pemda": "region_code",
        "Wilayah": "region_name",
        "Nama Wilayah": "region_name",
        "Pemda": "region_name",
        "Provinsi": "region_name",
        "Kabupaten/Kota": "region_name",
        "Daerah": "region_name",
        "Tingkat": "region_level",
        "Tingkat Wilayah": "region_level",
        "Indikator": "indicator",
        "Kode Indikator": "indicator",
        "Periode": "period",
        "Nilai": "value",
        "Nilai Persen": "value_percent",
        "Persen": "value_percent",
        "Persentase": "value_percent",
        "Satuan": "unit",
        "Sumber": "source_url",
        "Tautan Sumber": "source_url",
        "URL Sumber": "source_url",
        "Catatan": "note",
        "Keterangan": "note",
        "Seri": "series",
        "Patahan Seri": "series",
    }.items()
}
# A period header: 2021, 2022-03, "Maret 2022" is not read (write 2022-03); a bracketed tail
# is the column's note.
_PERIOD_HEADER = re.compile(r"^\s*(\d{4}(?:-\d{2})?)\s*(?:[\(\[](.*?)[\)\]]?)?\s*$")
SHAPES = ("auto", "long", "wide")


@dataclass(frozen=True)
class IndicatorDefaults:
    """Values for what the file leaves out (a wide table usually gives these once)."""

    indicator: str = ""
    unit: str = ""
    source_url: str = ""
    region_level: str = ""
    note: str = ""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # 1.41 stays "1.41"; a whole number stays without ".0".
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:7]
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        text = text[1:]
    return text


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV (UTF-8; comma, semicolon or tab) or the first sheet of an XLSX, as text cells."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFileError(_("Berkas tidak ditemukan: %(path)s") % {"path": path})
    rows: list[tuple[int, list[str]]] = []
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types for a bad file
            raise ImportFileError(
                _("Berkas XLSX tidak dapat dibaca: %(error)s") % {"error": exc}
            ) from exc
        try:
            sheet_rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = [_cell_text(h) for h in next(sheet_rows, ()) or ()]
            for line, values in enumerate(sheet_rows, start=2):
                cells = [_cell_text(v) for v in values]
                if any(cells):
                    rows.append((line, cells))
        finally:
            workbook.close()
    elif suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("Berkas bukan teks UTF-8.")) from exc
        first_line = text.split("\n", 1)[0]
        delimiter = max([",", ";", "\t"], key=first_line.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
        for values in reader:
            cells = [_cell_text(v) for v in values]
            if any(cells):
                rows.append((reader.line_num, cells))
    else:
        raise ImportFileError(
            _("Format berkas indikator tidak dikenal: %(suffix)s (gunakan .csv atau .xlsx).")
            % {"suffix": suffix or path.name}
        )
    if not any(header):
        raise ImportFileError(_("Baris judul kolom kosong."))
    forbidden = person_level_columns(header)
    if forbidden:
        raise ImportFileError(person_level_message(forbidden))
    for _line, cells in rows:
        _check_values(dict(zip(header, cells, strict=False)))
    return header, rows


def column_for(header: str, mapping: Mapping[str, str] | None = None) -> str | None:
    normal = normalise_header(header)
    if mapping is not None:
        for key in (header, header.strip(), normal):
            if key in mapping:
                return mapping[key] or None
    if normal in LONG_COLUMNS:
        return normal
    return HEADER_ALIASES.get(normal)


def period_header(header: str) -> tuple[str, str] | None:
    """ "2025 (patahan seri)" -> ("2025", "patahan seri"); None when not a period."""
    match = _PERIOD_HEADER.match(header)
    if not match:
        return None
    return match.group(1), (match.group(2) or "").strip()


def guess_mapping(header: list[str]) -> dict[str, str]:
    return {h: column_for(h) or "" for h in header}


def detect_shape(header: list[str], mapping: Mapping[str, str] | None = None) -> str:
    columns = {column_for(h, mapping) for h in header}
    if "period" in columns:
        return "long"
    periods = [h for h in header if column_for(h, mapping) is None and period_header(h)]
    return "wide" if periods else "long"


def _check_values(row: dict[str, str]) -> None:
    found = person_level_values(row)
    if found:
        raise ImportFileError(person_level_message(found))


def long_rows(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    mapping: Mapping[str, str] | None,
    defaults: IndicatorDefaults,
) -> list[dict[str, str]]:
    columns = [column_for(h, mapping) for h in header]
    out = []
    for line, cells in rows:
        row = {c: v for c, v in zip(columns, cells, strict=False) if c}
        for name in ("indicator", "unit", "source_url", "region_level", "note"):
            if not row.get(name) and getattr(defaults, name):
                row[name] = getattr(defaults, name)
        row["__line__"] = str(line)
        out.append(row)
    return out


def wide_rows(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    mapping: Mapping[str, str] | None,
    defaults: IndicatorDefaults,
) -> list[dict[str, str]]:
    """One long row per filled period cell; empty cells are periods without a figure."""
    described: list[tuple[int, str]] = []
    periods: list[tuple[int, str, str]] = []
    for index, name in enumerate(header):
        column = column_for(name, mapping)
        if column in ROW_COLUMNS:
            described.append((index, column))
        elif column is None and (parsed := period_header(name)):
            periods.append((index, parsed[0], parsed[1]))
    if not periods:
        raise ImportFileError(
            _(
                "Tabel lebar perlu kolom periode (mis. 2021, 2022, 2022-03); tidak ada yang "
                "ditemukan."
            )
        )
    out = []
    for line, cells in rows:
        base = {column: cells[index] for index, column in described if index < len(cells)}
        for name in ("indicator", "unit", "source_url", "region_level", "note"):
            if not base.get(name) and getattr(defaults, name):
                base[name] = getattr(defaults, name)
        for index, period, column_note in periods:
            value = cells[index] if index < len(cells) else ""
            if not value:
                continue
            row = dict(base)
            row["period"] = period
            row["value"] = value
            if column_note:
                row["note"] = "; ".join(n for n in (base.get("note", ""), column_note) if n)
            row["__line__"] = str(line)
            out.append(row)
    return out


def header_errors(
    header: list[str], mapping: Mapping[str, str] | None, shape: str, defaults: IndicatorDefaults
) -> list[RowError]:
    columns = {column_for(h, mapping) for h in header}
    errors = []
    if not columns & {"region_name", "region_code"}:
        errors.append(
            RowError(1, "region_name", _("Kolom wilayah (region_name atau region_code) tidak ada."))
        )
    needed = ["indicator", "source_url"] + (["period"] if shape == "long" else [])
    for column in needed:
        if column not in columns and not getattr(defaults, column, ""):
            errors.append(
                RowError(
                    1,
                    column,
                    _("Kolom “%(column)s” tidak ada dan tidak diisi di pilihan impor.")
                    % {"column": column},
                )
            )
    if shape == "long" and not columns & {"value", "value_percent"}:
        errors.append(RowError(1, "value", _("Perlu kolom value_percent, atau value dan unit.")))
    return errors


def import_indicator_file(
    *,
    path: Path,
    mapping: Mapping[str, str] | None = None,
    shape: str = "auto",
    defaults: IndicatorDefaults | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    user: Any | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import observations from a long or wide CSV/XLSX table (see the module docstring).

    Raises ImportFileError for a file that cannot be read at all or holds person-level data;
    header and row problems come back in the report, and then nothing is written (unless
    `skip_invalid`).
    """
    if user is not None and not exchange_policy.can_import(user):
        raise PermissionDenied(_("Hanya kurator yang boleh mengimpor data indikator."))
    defaults = defaults or IndicatorDefaults()
    header, rows = read_table(Path(path))
    if shape not in SHAPES:
        raise ImportFileError(_("Bentuk tabel tidak dikenal: %(shape)s.") % {"shape": shape})
    if shape == "auto":
        shape = detect_shape(header, mapping)
    errors = header_errors(header, mapping, shape, defaults)
    if errors:
        report = ImportReport(dry_run=dry_run)
        report.errors.extend(errors)
        return report
    build = wide_rows if shape == "wide" else long_rows
    return import_indicator_rows(
        rows=build(header, rows, mapping, defaults),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        progress=progress,
    )
