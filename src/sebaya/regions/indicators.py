"""Indicator definitions and the validated, atomic import of sourced observations from CSV."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sebaya.core import versioning
from sebaya.core.imports import RowError, person_level_columns, person_level_message
from sebaya.history.models import ChangeAction
from sebaya.history.services import build_change, record_change, record_changes, snapshot
from sebaya.regions.models import (
    Indicator,
    Observation,
    PeriodGranularity,
    Region,
    RegionLevel,
)
from sebaya.regions.resolver import RegionResolver


@dataclass(frozen=True)
class IndicatorDefinition:
    slug: str
    name_id: str
    name_en: str
    unit: str
    description_id: str
    description_en: str
    lower_is_better: bool
    display_order: int


# The indicators Sebaya knows, with BPS's definitions. Importing observations creates or
# updates these rows, so a fresh database needs no separate step.
INDICATOR_DEFINITIONS: tuple[IndicatorDefinition, ...] = (
    IndicatorDefinition(
        slug="extreme_poverty_rate",
        name_id="Tingkat kemiskinan ekstrem",
        name_en="Extreme poverty rate",
        unit="percent",
        description_id=(
            "Persentase penduduk yang pengeluaran per kapitanya di bawah garis kemiskinan "
            "ekstrem (definisi BPS): US$1,9 PPP (2011) per orang per hari sampai 2024, "
            "US$2,15 PPP (2017) mulai 2025. Angka sebelum dan sesudah perubahan garis itu "
            "bukan satu seri."
        ),
        description_en=(
            "Share of the population whose per-capita expenditure is below the extreme poverty "
            "line (BPS definition): US$1.9 PPP (2011) per person per day until 2024, US$2.15 "
            "PPP (2017) from 2025. Figures before and after the change are not one series."
        ),
        lower_is_better=True,
        display_order=10,
    ),
    IndicatorDefinition(
        slug="poverty_rate",
        name_id="Tingkat kemiskinan",
        name_en="Poverty rate",
        unit="percent",
        description_id=(
            "Persentase penduduk miskin: penduduk yang rata-rata pengeluaran per kapita per "
            "bulannya di bawah garis kemiskinan nasional (definisi BPS, dari Susenas)."
        ),
        description_en=(
            "Share of the population that is poor: people whose average monthly per-capita "
            "expenditure is below the national poverty line (garis kemiskinan; BPS definition, "
            "from Susenas)."
        ),
        lower_is_better=True,
        display_order=20,
    ),
)
_DEFINITIONS = {definition.slug: definition for definition in INDICATOR_DEFINITIONS}

REQUIRED_COLUMNS = ("region_name", "region_level", "indicator", "period", "source_url")
VALUE_COLUMNS = ("value_percent", "value")
# What a note must say for the value to start a new series (matched case-insensitively).
SERIES_BREAK_PHRASES = (
    "series break",
    "not the same series",
    "patahan seri",
    "bukan seri yang sama",
)
_SERIES_YES = frozenset({"break", "yes", "ya", "true", "1", "patahan"})
_SERIES_NO = frozenset({"no", "tidak", "false", "0", "continuous", "sama"})

_LEVEL_ALIASES = {
    "country": RegionLevel.COUNTRY,
    "negara": RegionLevel.COUNTRY,
    "nasional": RegionLevel.COUNTRY,
    "province": RegionLevel.PROVINCE,
    "provinsi": RegionLevel.PROVINCE,
    "regency": RegionLevel.REGENCY,
    "kabupaten": RegionLevel.REGENCY,
    "city": RegionLevel.CITY,
    "kota": RegionLevel.CITY,
    "district": RegionLevel.DISTRICT,
    "kecamatan": RegionLevel.DISTRICT,
    "village": RegionLevel.VILLAGE,
    "desa": RegionLevel.VILLAGE,
    "kelurahan": RegionLevel.VILLAGE,
}
_PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
_MAX_SOURCE_URL = Observation._meta.get_field("source_url").max_length or 500
_MAX_DECIMALS = 4
_MAX_INTEGER_DIGITS = 10


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # invalid rows left out with skip_invalid
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False  # whether anything was saved

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _ValidRow:
    line: int
    region: Region
    indicator_slug: str
    period: str
    period_start: datetime.date
    granularity: str
    value: Decimal
    unit: str
    source_url: str
    note: str
    series_break: bool

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.region.pk, self.indicator_slug, self.period, self.source_url)


def parse_period(text: str) -> tuple[str, datetime.date, str]:
    """ "2022-03" -> ("2022-03", 2022-03-01, "month"); "2021" -> ("2021", 2021-01-01, "year").

    Raises ValueError with a readable (translated) message for anything else.
    """
    text = text.strip()
    match = _PERIOD_RE.match(text)
    if not match:
        raise ValueError(
            _("Periode “%(period)s” tidak dikenali; tulis TTTT (2021) atau TTTT-BB (2022-03).")
            % {"period": text}
        )
    year = int(match.group(1))
    if not 1900 <= year <= 2100:
        raise ValueError(_("Tahun %(year)s di luar jangkauan.") % {"year": year})
    if match.group(2) is None:
        return text, datetime.date(year, 1, 1), PeriodGranularity.YEAR
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(
            _("Bulan %(month)s pada periode “%(period)s” tidak ada (01 sampai 12).")
            % {"month": match.group(2), "period": text}
        )
    return text, datetime.date(year, month, 1), PeriodGranularity.MONTH


def is_series_break(note: str) -> bool:
    """Whether a note marks the value as the start of a new, non-comparable series.

    The rule: the note contains one of SERIES_BREAK_PHRASES ("series break", "not the same
    series", "patahan seri", "bukan seri yang sama"), ignoring case. An explicit `series` column
    (break/ya/yes/true/1 or no/tidak/false/0) overrides it.
    """
    lowered = note.lower()
    return any(phrase in lowered for phrase in SERIES_BREAK_PHRASES)


def _parse_value(text: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").removesuffix("%")
    # Indonesian spreadsheets write 1,41; accept a lone comma as the decimal mark.
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("Nilai “%(value)s” bukan angka.") % {"value": text}) from None
    if not value.is_finite():
        raise ValueError(_("Nilai “%(value)s” bukan angka.") % {"value": text})
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _MAX_DECIMALS:
        raise ValueError(
            _("Nilai “%(value)s” punya lebih dari %(n)s angka desimal.")
            % {"value": text, "n": _MAX_DECIMALS}
        )
    if abs(value) >= Decimal(10) ** _MAX_INTEGER_DIGITS:
        raise ValueError(_("Nilai “%(value)s” terlalu besar.") % {"value": text})
    if value < 0:
        raise ValueError(_("Nilai tidak boleh negatif (%(value)s).") % {"value": text})
    return value


def sync_indicator_definitions() -> dict[str, Indicator]:
    """Create or update the indicators of INDICATOR_DEFINITIONS; return all indicators by slug."""
    for definition in INDICATOR_DEFINITIONS:
        values = {
            "name_id": definition.name_id,
            "name_en": definition.name_en,
            "unit": definition.unit,
            "description_id": definition.description_id,
            "description_en": definition.description_en,
            "lower_is_better": definition.lower_is_better,
            "display_order": definition.display_order,
        }
        indicator, created = Indicator.objects.get_or_create(slug=definition.slug, defaults=values)
        if created:
            record_change(
                actor=None,
                instance=indicator,
                action=ChangeAction.CREATE,
                after=snapshot(indicator),
            )
        elif any(getattr(indicator, k) != v for k, v in values.items()):
            old = snapshot(indicator)
            for key, value in values.items():
                setattr(indicator, key, value)
            indicator.save()
            record_change(
                actor=None,
                instance=indicator,
                action=ChangeAction.UPDATE,
                before=old,
                after=snapshot(indicator),
            )
    return {indicator.slug: indicator for indicator in Indicator.objects.all()}


def _known_units() -> dict[str, str]:
    units = {definition.slug: definition.unit for definition in INDICATOR_DEFINITIONS}
    units.update(Indicator.objects.values_list("slug", "unit"))
    return units


def _cell(row: Mapping[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def _validate_row(
    *,
    line: int,
    row: Mapping[str, str | None],
    resolver: RegionResolver,
    units: dict[str, str],
) -> tuple[_ValidRow | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line=line, field=column, message=message))

    level_text = _cell(row, "region_level").lower()
    level = _LEVEL_ALIASES.get(level_text) if level_text else None
    if level_text and level is None:
        fail(
            "region_level",
            _(
                "Tingkat wilayah “%(level)s” tidak dikenal; pakai country, province, "
                "regency atau city."
            )
            % {"level": level_text},
        )

    region: Region | None = None
    code = _cell(row, "region_code")
    name = code or _cell(row, "region_name")
    if not name:
        fail("region_name", _("Nama wilayah kosong."))
    elif code and not errors:
        # A Kemendagri code names one region whatever the level column says.
        resolution = resolver.resolve(code, levels=list(RegionLevel.values))
        if resolution.region is None:
            fail("region_code", resolution.message)
        region = resolution.region
    elif not errors:
        # The level column narrows the match: "Gorontalo, province" is the province, not the
        # kabupaten or kota; "Indonesia"/"Nasional", country, is the row coded ID.
        resolution = resolver.resolve(name, levels=[level] if level else None)
        if resolution.region is None:
            fail("region_name", resolution.message)
        region = resolution.region

    slug = _cell(row, "indicator")
    if not slug:
        fail("indicator", _("Kode indikator kosong."))
    elif slug not in units:
        fail(
            "indicator",
            _("Indikator tidak dikenal: “%(slug)s”. Yang dikenal: %(known)s.")
            % {"slug": slug, "known": ", ".join(sorted(units))},
        )

    period = period_start = granularity = None
    try:
        period, period_start, granularity = parse_period(_cell(row, "period"))
    except ValueError as exc:
        fail("period", str(exc))

    value: Decimal | None = None
    value_column = "value_percent" if _cell(row, "value_percent") else "value"
    unit = "percent" if value_column == "value_percent" else _cell(row, "unit")
    expected_unit = units.get(slug)
    if not unit:
        unit = expected_unit or ""
    raw_value = _cell(row, value_column)
    if not raw_value:
        fail("value_percent" if "value_percent" in row else "value", _("Nilai kosong."))
    else:
        try:
            value = _parse_value(raw_value)
        except ValueError as exc:
            fail(value_column, str(exc))
    if expected_unit and unit != expected_unit:
        fail(
            "unit",
            _("Satuan “%(unit)s” tidak cocok dengan satuan indikator (%(expected)s).")
            % {"unit": unit, "expected": expected_unit},
        )
    if value is not None and unit == "percent" and value > 100:
        fail(value_column, _("Persentase %(value)s lebih dari 100.") % {"value": raw_value})

    source_url = _cell(row, "source_url")
    if not source_url:
        fail("source_url", _("Sumber (source_url) wajib diisi."))
    elif len(source_url) > _MAX_SOURCE_URL:
        fail("source_url", _("Alamat sumber lebih dari %(n)s karakter.") % {"n": _MAX_SOURCE_URL})
    else:
        try:
            _URL_VALIDATOR(source_url)
        except ValidationError:
            fail(
                "source_url",
                _("Sumber “%(url)s” bukan alamat http(s) yang sah.") % {"url": source_url},
            )

    note = _cell(row, "note")
    series_break = is_series_break(note)
    series = _cell(row, "series").lower()
    if series in _SERIES_YES:
        series_break = True
    elif series in _SERIES_NO:
        series_break = False
    elif series:
        fail(
            "series",
            _("Isi kolom series “%(value)s” tidak dikenal; isi “ya” (patahan seri) atau “tidak”.")
            % {"value": series},
        )

    if errors:
        return None, errors
    assert region is not None and value is not None
    assert period is not None and period_start is not None and granularity is not None
    return (
        _ValidRow(
            line=line,
            region=region,
            indicator_slug=slug,
            period=period,
            period_start=period_start,
            granularity=granularity,
            value=value,
            unit=unit,
            source_url=source_url,
            note=note,
            series_break=series_break,
        ),
        [],
    )


def import_indicator_rows(
    *,
    rows: Iterable[Mapping[str, str | None]],
    dry_run: bool = False,
    skip_invalid: bool = False,
    resolver: RegionResolver | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    user: Any | None = None,
) -> ImportReport:
    """Validate every row, then create or update their observations in one transaction.

    Rows are numbered from line 2 (line 1 being the header; this is the file's line unless a
    quoted cell spans several lines). If any row is invalid nothing is
    written, unless `skip_invalid`, which writes the valid rows and reports the rest. `dry_run`
    validates and counts what would be created/updated/unchanged, and writes nothing. An
    observation is identified by (region, indicator, period, source_url); re-importing updates
    its value, unit, note and series break when they changed.
    """
    report = ImportReport(dry_run=dry_run)
    resolver = resolver or RegionResolver.from_db()
    units = _known_units()
    valid: list[_ValidRow] = []
    first_line: dict[tuple[int, str, str, str], int] = {}
    rows = list(rows)
    for index, row in enumerate(rows, start=2):
        # A reader that knows each row's own line (a wide table, a sheet) passes it as __line__.
        line = int(row.get("__line__") or index)
        report.rows += 1
        if progress is not None and (report.rows % 50 == 0 or report.rows == len(rows)):
            progress("check", report.rows, len(rows))
        parsed, errors = _validate_row(line=line, row=row, resolver=resolver, units=units)
        if parsed is not None and parsed.key in first_line:
            errors = [
                RowError(
                    line=line,
                    field="",
                    message=_(
                        "Baris ganda: wilayah, indikator, periode dan sumber sama dengan baris "
                        "%(line)s."
                    )
                    % {"line": first_line[parsed.key]},
                )
            ]
            parsed = None
        if parsed is None:
            report.errors.extend(errors)
            report.skipped += 1
            continue
        first_line[parsed.key] = line
        valid.append(parsed)

    if report.errors and not skip_invalid:
        report.skipped = 0
        return report
    with transaction.atomic():
        _write(valid, report, dry_run=dry_run, user=user)
    return report


def _write(
    valid: list[_ValidRow], report: ImportReport, *, dry_run: bool, user: Any | None = None
) -> None:
    existing: dict[tuple[int, str, str, str], Observation] = {}
    if valid:
        for found in Observation.objects.filter(
            region_id__in={row.region.pk for row in valid},
            indicator__slug__in={row.indicator_slug for row in valid},
            period__in={row.period for row in valid},
        ).select_related("indicator"):
            found_key = (found.region_id, found.indicator.slug, found.period, found.source_url)
            existing[found_key] = found

    to_create: list[_ValidRow] = []
    to_update: list[Observation] = []
    before: dict[int, dict[str, Any]] = {}
    for row in valid:
        observation = existing.get(row.key)
        if observation is None:
            to_create.append(row)
            continue
        new = {
            "value": row.value,
            "unit": row.unit,
            "note": row.note,
            "series_break": row.series_break,
            "period_start": row.period_start,
            "period_granularity": row.granularity,
        }
        if all(getattr(observation, k) == v for k, v in new.items()):
            report.unchanged += 1
            continue
        before[observation.pk] = snapshot(observation, fields=OBSERVATION_TRACKED)
        for name, value in new.items():
            setattr(observation, name, value)
        to_update.append(observation)
    report.created = len(to_create)
    report.updated = len(to_update)
    if dry_run:
        return
    indicators = sync_indicator_definitions()
    if not (to_create or to_update):
        return
    versioning.bump()  # bulk writes send no signals
    created = Observation.objects.bulk_create(
        [
            Observation(
                region=row.region,
                indicator=indicators[row.indicator_slug],
                period=row.period,
                period_start=row.period_start,
                period_granularity=row.granularity,
                value=row.value,
                unit=row.unit,
                source_url=row.source_url,
                note=row.note,
                series_break=row.series_break,
            )
            for row in to_create
        ],
        batch_size=500,
    )
    now = timezone.now()
    for observation in to_update:
        # bulk_update skips auto_now; keep updated_at honest.
        observation.updated_at = now
    Observation.objects.bulk_update(
        to_update,
        [
            "value",
            "unit",
            "note",
            "series_break",
            "period_start",
            "period_granularity",
            "updated_at",
        ],
        batch_size=500,
    )
    _record_history(created, to_update, before, user=user)
    report.written = True


OBSERVATION_TRACKED = (
    "region",
    "indicator",
    "period",
    "value",
    "unit",
    "source_url",
    "note",
    "series_break",
)


def _record_history(
    created: list[Observation],
    updated: list[Observation],
    before: dict[int, dict[str, Any]],
    *,
    user: Any | None,
) -> None:
    """One change record per observation created or changed (history.record_changes)."""

    def label(o: Observation) -> str:
        return f"{o.indicator.slug} {o.region.code} {o.period}"

    record_changes(
        [
            build_change(
                actor=user,
                instance=o,
                object_repr=label(o),
                action=ChangeAction.CREATE,
                after=snapshot(o, fields=OBSERVATION_TRACKED),
                note=_("Impor indikator"),
            )
            for o in created
        ]
        + [
            build_change(
                actor=user,
                instance=o,
                object_repr=label(o),
                action=ChangeAction.UPDATE,
                before=before[o.pk],
                after=snapshot(o, fields=OBSERVATION_TRACKED),
                note=_("Impor indikator"),
            )
            for o in updated
        ]
    )


def _header_errors(header: list[str]) -> list[RowError]:
    errors = []
    columns = set(header)
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            errors.append(
                RowError(1, column, _("Kolom “%(column)s” tidak ada.") % {"column": column})
            )
    if not columns & set(VALUE_COLUMNS):
        errors.append(
            RowError(1, "value_percent", _("Perlu kolom value_percent, atau value dan unit."))
        )
    forbidden = person_level_columns(header)
    if forbidden:
        errors.append(RowError(1, ", ".join(forbidden), person_level_message(forbidden)))
    return errors


def import_indicators_file(
    *, path: Path, dry_run: bool = False, skip_invalid: bool = False
) -> ImportReport:
    """Import a CSV file (UTF-8, with a header; comma, semicolon or tab separated).

    Columns: region_name, region_level, indicator, period, value_percent (or value and unit),
    source_url, and optionally note and series. A header problem stops the import before any
    row is read. Raises OSError if the file cannot be read.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report = ImportReport(dry_run=dry_run)
        report.errors.append(RowError(1, "", _("Berkas bukan teks UTF-8.")))
        return report
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    errors = _header_errors(list(reader.fieldnames))
    if errors:
        report = ImportReport(dry_run=dry_run)
        report.errors.extend(errors)
        return report
    return import_indicator_rows(rows=reader, dry_run=dry_run, skip_invalid=skip_invalid)
