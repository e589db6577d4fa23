"""Import practices from JSONL, CSV or XLSX files: validate every row, then write in one go."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from sebaya.core.imports import (
    RowError,
    normalise_header,
    person_level_columns,
    person_level_message,
)
from sebaya.innovations.models import Theme, Urusan
from sebaya.innovations.policies import innovation_policy
from sebaya.innovations.reference import load_reference_data, sector_mappings
from sebaya.innovations.services import innovation_upsert_from_import, year_error
from sebaya.regions.models import Region, RegionLevel
from sebaya.regions.resolver import resolve_region

COLUMNS = (
    "id",
    "title",
    "region_province",
    "region_name",
    "year",
    "sector",
    "summary_id",
    "source_url",
    "more_sources",
)
REQUIRED_COLUMNS = ("id", "title", "region_name", "source_url")
PEMDA_LEVELS = (RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.CITY)
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
_SPLIT_SOURCES = re.compile(r"[\s;]+")
_url_validator = URLValidator(schemes=["http", "https"])


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unknown format, person-level data, no header)."""


@dataclass
class ImportRow:
    line: int
    external_id: str
    title: str
    region: Region
    year: int | None
    sector: str
    summary: str
    source_urls: list[str]


@dataclass
class ImportReport:
    path: Path
    source: str
    dry_run: bool = False
    skip_invalid: bool = False
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def failed_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


def check_person_level(headers: list[str]) -> None:
    found = person_level_columns(headers)
    if found:
        raise ImportFileError(person_level_message(found))


# Reading: each reader yields (line number, raw row) or (line number, RowError).

RawRow = dict[str, Any]


def _read_jsonl(path: Path) -> Iterator[tuple[int, RawRow | RowError]]:
    with path.open(encoding="utf-8-sig") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield (
                    line_no,
                    RowError(line_no, "json", _("Baris JSON rusak: %(error)s") % {"error": exc}),
                )
                continue
            if not isinstance(data, dict):
                yield line_no, RowError(line_no, "json", _("Setiap baris harus berupa objek JSON."))
                continue
            check_person_level(list(data))
            yield line_no, {normalise_header(k): v for k, v in data.items()}


def _check_table_header(header: list[str]) -> list[str]:
    check_person_level(header)
    names = [normalise_header(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ada: %(columns)s. Kolom yang dikenal: %(known)s.")
            % {"columns": ", ".join(missing), "known": ", ".join(COLUMNS)}
        )
    return names


def _read_csv(path: Path) -> Iterator[tuple[int, RawRow | RowError]]:
    text = path.read_text(encoding="utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets saved with an Indonesian locale often use ";" between columns.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("Berkas CSV kosong."))
    names = _check_table_header(header)
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        yield reader.line_num, dict(zip(names, values, strict=False))


def _read_xlsx(path: Path) -> Iterator[tuple[int, RawRow | RowError]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise ImportFileError(
            _("Berkas XLSX tidak dapat dibaca: %(error)s") % {"error": exc}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise ImportFileError(_("Lembar pertama berkas XLSX kosong."))
        names = _check_table_header(["" if h is None else str(h) for h in header])
        for row_no, values in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield row_no, dict(zip(names, values, strict=False))
    finally:
        workbook.close()


def read_rows(path: Path) -> Iterator[tuple[int, RawRow | RowError]]:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ImportFileError(
            _("Format berkas tidak dikenal: %(suffix)s (gunakan .jsonl, .csv atau .xlsx).")
            % {"suffix": path.suffix or path.name}
        )
    if not path.is_file():
        raise ImportFileError(_("Berkas tidak ditemukan: %(path)s") % {"path": path})
    reader = {"jsonl": _read_jsonl, "csv": _read_csv, "xlsx": _read_xlsx}[kind]
    return reader(path)


# Validation of one raw row.


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_year(value: Any) -> tuple[int | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    year: Any = value
    if isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str):
        stripped = value.strip()
        year = int(stripped) if re.fullmatch(r"\d{1,4}", stripped) else stripped
    message = year_error(year)
    if message:
        return None, f"{message} ({value!r})"
    return year, None


def _split_sources(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    return [part for part in _SPLIT_SOURCES.split(_text(value)) if part]


def _bad_url(url: str) -> bool:
    try:
        _url_validator(url)
    except ValidationError:
        return True
    return False


def validate_row(line: int, raw: RawRow) -> tuple[ImportRow | None, list[RowError]]:
    external_id = _text(raw.get("id"))
    errors: list[RowError] = []

    def fail(field_name: str, message: str) -> None:
        errors.append(RowError(line, field_name, message, external_id))

    if not external_id:
        fail("id", _("ID wajib diisi."))
    title = _text(raw.get("title"))
    if not title:
        fail("title", _("Judul wajib diisi."))
    year, year_message = _parse_year(raw.get("year"))
    if year_message:
        fail("year", year_message)

    region: Region | None = None
    region_name = _text(raw.get("region_name"))
    province = _text(raw.get("region_province")) or None
    if not region_name:
        fail("region_name", _("Nama wilayah wajib diisi."))
    else:
        resolution = resolve_region(region_name, province_hint=province, levels=PEMDA_LEVELS)
        region = resolution.region
        if region is None:
            message = resolution.message or _("Wilayah tidak dikenal: %(name)s.") % {
                "name": region_name
            }
            if resolution.candidates and not any(c.code in message for c in resolution.candidates):
                message += " " + _("Kandidat: %(candidates)s.") % {
                    "candidates": "; ".join(f"{c.name} ({c.code})" for c in resolution.candidates)
                }
            fail("region_name", message)

    source_url = _text(raw.get("source_url"))
    if not source_url:
        fail("source_url", _("Sumber (source_url) wajib diisi: setiap rekaman harus bersumber."))
    elif _bad_url(source_url):
        fail("source_url", _("URL tidak sah: %(url)s") % {"url": source_url})
    more = _split_sources(raw.get("more_sources"))
    for url in more:
        if _bad_url(url):
            fail("more_sources", _("URL tidak sah: %(url)s") % {"url": url})

    if errors or region is None:
        return None, errors
    urls = [source_url, *(u for u in more if u != source_url)]
    return (
        ImportRow(
            line=line,
            external_id=external_id,
            title=title,
            region=region,
            year=year,
            sector=_text(raw.get("sector")),
            summary=_text(raw.get("summary_id")),
            source_urls=list(dict.fromkeys(urls)),
        ),
        [],
    )


def parse_file(path: Path) -> tuple[list[ImportRow], list[RowError], list[str]]:
    """Read and check every row; nothing touches the database except region look-ups."""
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    known_sectors = sector_mappings()
    for line, raw in read_rows(path):
        if isinstance(raw, RowError):
            errors.append(raw)
            continue
        row, row_errors = validate_row(line, raw)
        errors.extend(row_errors)
        if row is None:
            continue
        if row.external_id in seen:
            errors.append(
                RowError(
                    line,
                    "id",
                    _("ID ganda: sudah dipakai di baris %(line)d.")
                    % {"line": seen[row.external_id]},
                    row.external_id,
                )
            )
            continue
        seen[row.external_id] = line
        if row.sector and row.sector not in known_sectors:
            warnings.append(
                _("baris %(line)d: sektor '%(sector)s' belum dipetakan ke tema/urusan.")
                % {"line": line, "sector": row.sector}
            )
        rows.append(row)
    return rows, errors, warnings


def import_innovations(
    *,
    path: Path,
    source: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    user: Any | None = None,
) -> ImportReport:
    """Import a file of practices. `user=None` is the command line; people must be curators.

    By default nothing is written when any row fails; `skip_invalid` writes the good rows;
    `dry_run` runs everything inside a transaction that is rolled back, so the counts of what
    would be created or updated are exact.
    """
    if user is not None and not innovation_policy.can_import(user):
        raise PermissionDenied(_("Hanya kurator yang boleh mengimpor data praktik."))
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport(
        path=path,
        source=source or path.stem,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    rows, errors, warnings = parse_file(path)
    report.rows = len(rows) + len({e.line for e in errors})
    report.errors.extend(errors)
    report.warnings.extend(warnings)
    if errors and not skip_invalid:
        report.seconds = time.perf_counter() - started
        return report

    with transaction.atomic():
        # Themes and urusan must exist for the sector mapping; loading them is idempotent.
        load_reference_data()
        themes = {t.slug: t for t in Theme.objects.all()}
        urusan = {u.code: u for u in Urusan.objects.all()}
        mappings = sector_mappings()
        for row in rows:
            mapping = mappings.get(row.sector)
            try:
                with transaction.atomic():
                    result = innovation_upsert_from_import(
                        user=user,
                        source=report.source,
                        external_id=row.external_id,
                        region=row.region,
                        title=row.title,
                        summary=row.summary,
                        year=row.year,
                        sector=row.sector,
                        themes=[themes[s] for s in mapping.themes if s in themes]
                        if mapping
                        else [],
                        urusan=[urusan[c] for c in mapping.urusan if c in urusan]
                        if mapping
                        else [],
                        source_urls=row.source_urls,
                    )
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    for message in messages:
                        report.errors.append(
                            RowError(row.line, field_name, message, row.external_id)
                        )
                continue
            getattr(report, result.action).append(row.external_id)
        if dry_run or (report.errors and not skip_invalid):
            transaction.set_rollback(True)
        else:
            report.written = True
    report.seconds = time.perf_counter() - started
    return report
