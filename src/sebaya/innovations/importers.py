"""Import practices from JSONL, CSV or XLSX files: validate every row, then write in one go."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from sebaya.core.imports import (
    RowError,
    normalise_header,
    person_level_columns,
    person_level_message,
    person_level_values,
)
from sebaya.innovations.models import Bentuk, Inisiator, Jenis, Stage
from sebaya.innovations.reference import sector_mappings, theme_items, urusan_items
from sebaya.innovations.services import year_error
from sebaya.regions.models import Region, RegionLevel
from sebaya.regions.resolver import RegionResolver, cached_resolver, resolve_region

COLUMNS = (
    "id",
    "source",
    "title",
    "region_code",
    "region_province",
    "region_name",
    "year",
    "sector",
    "stage",
    "jenis",
    "bentuk",
    "inisiator",
    "urusan",
    "themes",
    "summary_id",
    "source_url",
    "more_sources",
)
# A table needs a title and a region (name or Kemendagri code); a row without an id gets a stable
# one from its region and title, and one without a source takes the data set's default source.
REQUIRED_COLUMNS = ("title", "region_name")
PEMDA_LEVELS = (RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.CITY)
FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
_SPLIT_SOURCES = re.compile(r"[\s;]+")
_SPLIT_LIST = re.compile(r"\s*[;,\n]\s*")
_url_validator = URLValidator(schemes=["http", "https"])
# Exports prefix cells that a spreadsheet would run as a formula with an apostrophe; reading
# one back drops it again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Headers that Indonesian data sets use (Indeks Inovasi Daerah, KIPP and Kemendagri lists,
# pemda spreadsheets), normalised like any header, and the column each stands for.
HEADER_ALIASES: dict[str, str] = {
    normalise_header(alias): column
    for alias, column in {
        "ID Inovasi": "id",
        "Kode Inovasi": "id",
        "No Inovasi": "id",
        "Kumpulan Data": "source",
        "Nama Inovasi": "title",
        "Judul": "title",
        "Judul Inovasi": "title",
        "Nama Praktik": "title",
        "Kode Wilayah": "region_code",
        "Kode Pemda": "region_code",
        "Kode Kemendagri": "region_code",
        "Provinsi": "region_province",
        "Nama Provinsi": "region_province",
        "Pemda": "region_name",
        "Nama Pemda": "region_name",
        "Pemerintah Daerah": "region_name",
        "Daerah": "region_name",
        "Wilayah": "region_name",
        "Nama Wilayah": "region_name",
        "Kabupaten/Kota": "region_name",
        "Kab/Kota": "region_name",
        "Tahun": "year",
        "Tahun Inovasi": "year",
        "Tahun Penerapan": "year",
        "Tahun Mulai": "year",
        "Sektor": "sector",
        "Tahapan": "stage",
        "Tahapan Inovasi": "stage",
        "Jenis": "jenis",
        "Jenis Inovasi": "jenis",
        "Bentuk": "bentuk",
        "Bentuk Inovasi": "bentuk",
        "Inisiator": "inisiator",
        "Inisiator Inovasi": "inisiator",
        "Urusan": "urusan",
        "Urusan Pemerintahan": "urusan",
        "Urusan Inovasi": "urusan",
        "Tema": "themes",
        "Ringkasan": "summary_id",
        "Ringkasan Inovasi": "summary_id",
        "Deskripsi": "summary_id",
        "Uraian": "summary_id",
        "summary": "summary_id",
        "Sumber": "source_url",
        "Tautan Sumber": "source_url",
        "URL Sumber": "source_url",
        "Tautan": "source_url",
        "Sumber Lain": "more_sources",
        "Tautan Lain": "more_sources",
    }.items()
}

# Values of the classification columns as data sets write them (normalised) -> stored code.
STAGE_VALUES = {
    "inisiatif": Stage.INISIATIF,
    "ujicoba": Stage.UJI_COBA,
    "uji_coba": Stage.UJI_COBA,
    "uji_coba_": Stage.UJI_COBA,
    "penerapan": Stage.PENERAPAN,
    "diterapkan": Stage.PENERAPAN,
}
JENIS_VALUES = {
    "digital": Jenis.DIGITAL,
    "non_digital": Jenis.NON_DIGITAL,
    "nondigital": Jenis.NON_DIGITAL,
    "bukan_digital": Jenis.NON_DIGITAL,
}
INISIATOR_VALUES = {
    "kepala_daerah": Inisiator.KEPALA_DAERAH,
    "dprd": Inisiator.DPRD,
    "anggota_dprd": Inisiator.DPRD,
    "opd": Inisiator.OPD,
    "asn": Inisiator.ASN,
    "masyarakat": Inisiator.MASYARAKAT,
}


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
    # The row's own data set (export files carry it); empty: the file's source.
    source: str = ""
    # None: the file has no such column, so the stored value stays as it is.
    stage: str | None = None
    jenis: str | None = None
    bentuk: str | None = None
    inisiator: str | None = None
    urusan_codes: list[str] = field(default_factory=list)
    theme_slugs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowDefaults:
    """Values for cells a data set leaves out: its one source page, its province."""

    source_url: str = ""
    region_province: str = ""


@dataclass(frozen=True)
class DuplicateCandidate:
    pk: int
    slug: str
    title: str
    score: float


@dataclass
class Duplicate:
    """A row that would create a practice much like one already stored in the same region."""

    line: int
    external_id: str
    title: str
    region: str
    candidates: list[DuplicateCandidate]


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
    merged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # duplicates the curator chose to leave out
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
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


def column_for(header: Any, mapping: Mapping[str, str] | None = None) -> str | None:
    """The column a header stands for: the curator's mapping first, then names and aliases.

    A mapping names headers as the file writes them (or normalised); a header it maps to "" is
    left out. None: not a column Sebaya reads.
    """
    text = "" if header is None else str(header)
    normal = normalise_header(text)
    if mapping is not None:
        for key in (text, text.strip(), normal):
            if key in mapping:
                return mapping[key] or None
    if normal in COLUMNS:
        return normal
    return HEADER_ALIASES.get(normal)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Each header -> the column it would be read as without a mapping ("" for none)."""
    return {h: column_for(h) or "" for h in headers}


def _columns(header: list[Any], mapping: Mapping[str, str] | None) -> list[str | None]:
    columns = [column_for(h, mapping) for h in header]
    seen: dict[str, Any] = {}
    for original, column in zip(header, columns, strict=True):
        if column is None:
            continue
        if column in seen:
            raise ImportFileError(
                _("Kolom “%(a)s” dan “%(b)s” sama-sama dibaca sebagai %(column)s; pilih satu.")
                % {"a": seen[column], "b": original, "column": column}
            )
        seen[column] = original
    return columns


def _check_columns(
    header: list[Any], mapping: Mapping[str, str] | None, defaults: RowDefaults
) -> list[str | None]:
    check_person_level([str(h or "") for h in header])
    columns = _columns(header, mapping)
    present = {c for c in columns if c}
    missing = [
        c
        for c in REQUIRED_COLUMNS
        if c not in present and not (c == "region_name" and "region_code" in present)
    ]
    if "source_url" not in present and not defaults.source_url:
        missing.append("source_url")
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ada: %(columns)s. Kolom yang dikenal: %(known)s.")
            % {"columns": ", ".join(missing), "known": ", ".join(COLUMNS)}
        )
    return columns


def _unneutralise(value: Any) -> Any:
    """Drop the apostrophe an export put before a formula-like text."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _mapped(header: list[Any], columns: list[str | None], values: Iterable[Any]) -> RawRow:
    values = list(values)
    # Every cell is looked at, read or not: a column of NIKs is refused whatever its header.
    found = person_level_values({str(h): v for h, v in zip(header, values, strict=False)})
    if found:
        raise ImportFileError(person_level_message(found))
    return {c: _unneutralise(v) for c, v in zip(columns, values, strict=False) if c}


# Reading: each reader yields (line number, raw row) or (line number, RowError).

RawRow = dict[str, Any]


def _record(
    line_no: int, data: Any, mapping: Mapping[str, str] | None
) -> tuple[int, RawRow | RowError]:
    if not isinstance(data, dict):
        return line_no, RowError(line_no, "json", _("Setiap baris harus berupa objek JSON."))
    check_person_level(list(data))
    found = person_level_values({str(k): v for k, v in data.items()})
    if found:
        raise ImportFileError(person_level_message(found))
    row: RawRow = {}
    for key, value in data.items():
        column = column_for(key, mapping)
        if column:
            row[column] = value
    return line_no, row


def _read_jsonl(
    path: Path, mapping: Mapping[str, str] | None = None
) -> Iterator[tuple[int, RawRow | RowError]]:
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
            yield _record(line_no, data, mapping)


def _read_json(
    path: Path, mapping: Mapping[str, str] | None = None
) -> Iterator[tuple[int, RawRow | RowError]]:
    """A JSON array of objects (what `sebaya export --format json` writes); item 1 is line 2."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportFileError(_("Berkas JSON rusak: %(error)s") % {"error": exc}) from exc
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise ImportFileError(_("Berkas JSON harus berisi daftar (array) objek."))
    for index, item in enumerate(data, start=2):
        yield _record(index, item, mapping)


def _read_csv(
    path: Path,
    mapping: Mapping[str, str] | None = None,
    defaults: RowDefaults = RowDefaults(),
) -> Iterator[tuple[int, RawRow | RowError]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Berkas CSV bukan teks UTF-8 (simpan ulang sebagai “CSV UTF-8”).")
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Spreadsheets saved with an Indonesian locale often use ";" between columns.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("Berkas CSV kosong."))
    columns = _check_columns(header, mapping, defaults)
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        yield reader.line_num, _mapped(header, columns, values)


def _read_xlsx(
    path: Path,
    mapping: Mapping[str, str] | None = None,
    defaults: RowDefaults = RowDefaults(),
) -> Iterator[tuple[int, RawRow | RowError]]:
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
        names = ["" if h is None else str(h) for h in header]
        columns = _check_columns(names, mapping, defaults)
        for row_no, values in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield row_no, _mapped(names, columns, values)
    finally:
        workbook.close()


def file_kind(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ImportFileError(
            _("Format berkas tidak dikenal: %(suffix)s (gunakan .jsonl, .json, .csv atau .xlsx).")
            % {"suffix": path.suffix or path.name}
        )
    if not path.is_file():
        raise ImportFileError(_("Berkas tidak ditemukan: %(path)s") % {"path": path})
    return kind


def read_rows(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    defaults: RowDefaults | None = None,
) -> Iterator[tuple[int, RawRow | RowError]]:
    kind = file_kind(path)
    defaults = defaults or RowDefaults()
    if kind == "csv":
        return _read_csv(path, mapping, defaults)
    if kind == "xlsx":
        return _read_xlsx(path, mapping, defaults)
    if kind == "json":
        return _read_json(path, mapping)
    return _read_jsonl(path, mapping)


def read_headers(path: Path, *, sample: int = 200) -> list[str]:
    """The file's column names as written: a table's header row, or the keys of JSON records."""
    kind = file_kind(path)
    if kind == "csv":
        text = path.read_text(encoding="utf-8-sig")
        first_line = text.split("\n", 1)[0]
        delimiter = max([",", ";", "\t"], key=first_line.count)
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), None)
        return [h.strip() for h in header or []]
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # see _read_xlsx
            raise ImportFileError(
                _("Berkas XLSX tidak dapat dibaca: %(error)s") % {"error": exc}
            ) from exc
        try:
            first = next(workbook.worksheets[0].iter_rows(values_only=True, max_row=1), ())
        finally:
            workbook.close()
        return [str(h).strip() for h in first if h is not None and str(h).strip()]
    keys: dict[str, None] = {}
    if kind == "json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportFileError(_("Berkas JSON rusak: %(error)s") % {"error": exc}) from exc
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            data = data["data"]
        for item in data[:sample] if isinstance(data, list) else []:
            if isinstance(item, dict):
                keys.update(dict.fromkeys(map(str, item)))
        return list(keys)
    with path.open(encoding="utf-8-sig") as fh:
        for count, line in enumerate(fh):
            if count >= sample:
                break
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict):
                keys.update(dict.fromkeys(map(str, item)))
    return list(keys)


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


def _split_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    return [part for part in _SPLIT_LIST.split(_text(value)) if part]


def _bad_url(url: str) -> bool:
    try:
        _url_validator(url)
    except ValidationError:
        return True
    return False


def auto_external_id(region: Region, title: str) -> str:
    """A stable id for a row whose data set gives none: same region and title, same id."""
    digest = hashlib.sha1(  # noqa: S324 (an identifier, not a secret)
        f"{region.code}|{normalise_header(title)}".encode()
    ).hexdigest()
    return f"auto-{digest[:16]}"


@cache
def _urusan_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for item in urusan_items():
        lookup[item["code"]] = item["code"]
        lookup[normalise_header(item["name_id"])] = item["code"]
        lookup[normalise_header(item["name_en"])] = item["code"]
    return lookup


@cache
def _theme_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for item in theme_items():
        lookup[item["slug"]] = item["slug"]
        lookup[normalise_header(item["slug"])] = item["slug"]
        lookup[normalise_header(item["name_id"])] = item["slug"]
        lookup[normalise_header(item["name_en"])] = item["slug"]
    return lookup


def _bentuk_value(text: str) -> str | None:
    key = normalise_header(text)
    if key in Bentuk.values:
        return key
    if "tata_kelola" in key:
        return Bentuk.TATA_KELOLA
    if "pelayanan_publik" in key:
        return Bentuk.PELAYANAN_PUBLIK
    if "lainnya" in key:
        return Bentuk.LAINNYA
    return None


def _choice(
    raw: RawRow,
    column: str,
    parse: Any,
    allowed: Iterable[Any],
    fail: Any,
) -> str | None:
    if column not in raw:
        return None
    text = _text(raw.get(column))
    if not text:
        return ""
    value = parse(text)
    if value is None:
        fail(
            column,
            _("Isi “%(value)s” tidak dikenal; pilih salah satu: %(allowed)s.")
            % {"value": text, "allowed": ", ".join(str(label) for label in allowed)},
        )
        return None
    return str(value)


def validate_row(
    line: int,
    raw: RawRow,
    defaults: RowDefaults | None = None,
    resolver: RegionResolver | None = None,
) -> tuple[ImportRow | None, list[RowError]]:
    defaults = defaults or RowDefaults()
    external_id = _text(raw.get("id"))
    errors: list[RowError] = []

    def fail(field_name: str, message: str) -> None:
        errors.append(RowError(line, field_name, message, external_id))

    if "id" in raw and not external_id:
        fail("id", _("ID wajib diisi."))
    title = _text(raw.get("title"))
    if not title:
        fail("title", _("Judul wajib diisi."))
    year, year_message = _parse_year(raw.get("year"))
    if year_message:
        fail("year", year_message)

    region: Region | None = None
    region_code = _text(raw.get("region_code"))
    region_name = _text(raw.get("region_name"))
    province = _text(raw.get("region_province")) or defaults.region_province or None
    if not region_name and not region_code:
        fail("region_name", _("Nama wilayah wajib diisi."))
    else:
        column = "region_code" if region_code else "region_name"
        resolve = resolver.resolve if resolver is not None else resolve_region
        resolution = resolve(
            region_code or region_name,
            province_hint=None if region_code else province,
            levels=PEMDA_LEVELS,
        )
        region = resolution.region
        if region is None:
            message = resolution.message or _("Wilayah tidak dikenal: %(name)s.") % {
                "name": region_code or region_name
            }
            if resolution.candidates and not any(c.code in message for c in resolution.candidates):
                message += " " + _("Kandidat: %(candidates)s.") % {
                    "candidates": "; ".join(f"{c.name} ({c.code})" for c in resolution.candidates)
                }
            fail(column, message)

    source_url = _text(raw.get("source_url")) or defaults.source_url
    if not source_url:
        fail("source_url", _("Sumber (source_url) wajib diisi: setiap rekaman harus bersumber."))
    elif _bad_url(source_url):
        fail("source_url", _("URL tidak sah: %(url)s") % {"url": source_url})
    more = _split_sources(raw.get("more_sources"))
    for url in more:
        if _bad_url(url):
            fail("more_sources", _("URL tidak sah: %(url)s") % {"url": url})

    stage = _choice(
        raw, "stage", lambda t: STAGE_VALUES.get(normalise_header(t)), Stage.labels, fail
    )
    jenis = _choice(
        raw, "jenis", lambda t: JENIS_VALUES.get(normalise_header(t)), Jenis.labels, fail
    )
    bentuk = _choice(raw, "bentuk", _bentuk_value, Bentuk.labels, fail)
    inisiator = _choice(
        raw,
        "inisiator",
        lambda t: INISIATOR_VALUES.get(normalise_header(t)),
        Inisiator.labels,
        fail,
    )
    urusan_codes: list[str] = []
    for item in _split_list(raw.get("urusan")):
        code = _urusan_lookup().get(item) or _urusan_lookup().get(normalise_header(item))
        if code is None:
            fail(
                "urusan",
                _("Urusan tidak dikenal: “%(value)s” (tulis kode, mis. 1.06, atau nama).")
                % {"value": item},
            )
        elif code not in urusan_codes:
            urusan_codes.append(code)
    theme_slugs: list[str] = []
    for item in _split_list(raw.get("themes")):
        slug = _theme_lookup().get(item) or _theme_lookup().get(normalise_header(item))
        if slug is None:
            fail("themes", _("Tema tidak dikenal: “%(value)s”.") % {"value": item})
        elif slug not in theme_slugs:
            theme_slugs.append(slug)

    if errors or region is None:
        return None, errors
    urls = [source_url, *(u for u in more if u != source_url)]
    return (
        ImportRow(
            line=line,
            external_id=external_id or auto_external_id(region, title),
            title=title,
            region=region,
            year=year,
            sector=_text(raw.get("sector")),
            summary=_text(raw.get("summary_id")),
            source_urls=list(dict.fromkeys(urls)),
            source=_text(raw.get("source")),
            stage=stage,
            jenis=jenis,
            bentuk=bentuk,
            inisiator=inisiator,
            urusan_codes=urusan_codes,
            theme_slugs=theme_slugs,
        ),
        [],
    )


Progress = Callable[[str, int, int], None]


def parse_file(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    defaults: RowDefaults | None = None,
    progress: Progress | None = None,
) -> tuple[list[ImportRow], list[RowError], list[str]]:
    """Read and check every row; nothing touches the database except region look-ups.

    `progress("check", done, total)` is called as rows are checked.
    """
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    known_sectors = sector_mappings()
    raws = list(read_rows(path, mapping=mapping, defaults=defaults))
    total = len(raws)
    # One index of regions for the whole file.
    resolver = cached_resolver(levels=PEMDA_LEVELS)
    for done, (line, raw) in enumerate(raws, start=1):
        if progress is not None:
            progress("check", done, total)
        if isinstance(raw, RowError):
            errors.append(raw)
            continue
        row, row_errors = validate_row(line, raw, defaults, resolver)
        errors.extend(row_errors)
        if row is None:
            continue
        key = (row.source, row.external_id)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    "id",
                    _("ID ganda: sudah dipakai di baris %(line)d.") % {"line": seen[key]},
                    row.external_id,
                )
            )
            continue
        seen[key] = line
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
    **options: Any,
) -> ImportReport:
    """Import a file of practices. `user=None` is the command line; people must be curators.

    By default nothing is written when any row fails; `skip_invalid` writes the good rows;
    `dry_run` runs everything inside a transaction that is rolled back, so the counts of what
    would be created or updated are exact. The pipeline lives in the exchange app
    (`sebaya.exchange.practices.import_practices`, which takes the further `options`: column
    mapping, default source, duplicate decisions, progress).
    """
    from sebaya.exchange.practices import import_practices

    return import_practices(
        path=path,
        source=source,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        user=user,
        **options,
    )
