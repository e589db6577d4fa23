"""Writing tables safely: cells a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sebaya.innovations.importers import FORMULA_TRIGGERS


def neutralise(value: Any) -> Any:
    """Text that starts like a formula (=, +, -, @, tab, CR) gets a leading apostrophe.

    Numbers, dates and empty cells stay as they are. The importers drop the apostrophe again,
    so an exported file re-imports to the same data.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def _xlsx_value(value: Any) -> Any:
    """Numbers stay numbers where a float holds them exactly; dates become ISO text."""
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else neutralise(_plain(v)) for v in row])
            count += 1
    return count


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(_plain(v)) for v in row])
    return buffer.getvalue().encode("utf-8")


def write_xlsx(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "data"
) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cells.append(neutralise(_xlsx_value(value)))
        sheet.append(cells)
        count += 1
    workbook.save(path)
    return count


def write_json(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    records = [
        {name: _json_value(value) for name, value in zip(header, row, strict=True)} for row in rows
    ]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(records)
