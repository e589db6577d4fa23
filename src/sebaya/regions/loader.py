"""Load the vendored idn-area-data (Kemendagri codes) into Region rows, idempotently."""

from __future__ import annotations

import csv
import gzip
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sebaya.core import versioning
from sebaya.regions.models import COUNTRY_CODE, Region, RegionLevel

# Keep in step with src/sebaya/vendor/idn-area-data/README.md (a test checks both agree).
IDN_AREA_DATA_VERSION = "4.0.1"
DATA_DIR = Path(__file__).resolve().parent.parent / "vendor" / "idn-area-data"
COUNTRY_NAME = "Indonesia"

# Rows per INSERT/UPDATE statement: below SQLite's 32,766 bound variables for 4 columns and
# small enough that PostgreSQL statements stay modest.
_BATCH_SIZE = 2000


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """What one `load_regions` call did, per level, in file order."""

    levels: dict[str, LevelCounts] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def created(self) -> int:
        return sum(c.created for c in self.levels.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.levels.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.levels.values())

    @property
    def total(self) -> int:
        return sum(c.total for c in self.levels.values())


# (code, name, level, parent code)
_Row = tuple[str, str, str, str | None]


def _read_csv(name: str) -> Iterator[dict[str, str]]:
    path = DATA_DIR / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _regency_level(name: str) -> str:
    # idn-area-data writes every regency as "Kabupaten ..." or "Kota ..." (Jakarta's are
    # "Kabupaten Administrasi ..." / "Kota Administrasi ...", which the prefixes also catch).
    if name.startswith("Kota "):
        return RegionLevel.CITY
    if name.startswith("Kabupaten "):
        return RegionLevel.REGENCY
    raise ValueError(f"idn-area-data regency without Kabupaten/Kota prefix: {name!r}")


def province_rows() -> Iterator[_Row]:
    for row in _read_csv("provinces.csv"):
        yield row["code"], row["name"], RegionLevel.PROVINCE, COUNTRY_CODE


def regency_rows() -> Iterator[_Row]:
    for row in _read_csv("regencies.csv"):
        yield row["code"], row["name"], _regency_level(row["name"]), row["province_code"]


def district_rows() -> Iterator[_Row]:
    for row in _read_csv("districts.csv"):
        yield row["code"], row["name"], RegionLevel.DISTRICT, row["regency_code"]


def village_rows() -> Iterator[_Row]:
    for row in _read_csv("villages.csv.gz"):
        yield row["code"], row["name"], RegionLevel.VILLAGE, row["district_code"]


def _upsert(rows: list[_Row], parent_ids: dict[str, int]) -> LevelCounts:
    """Create missing regions and update changed ones; compare first so a re-run writes nothing."""
    counts = LevelCounts()
    codes = [row[0] for row in rows]
    existing: dict[str, tuple[int, str, str, int | None]] = {}
    # Chunked lookups keep the IN (...) list below SQLite's variable limit.
    for start in range(0, len(codes), _BATCH_SIZE * 4):
        chunk = codes[start : start + _BATCH_SIZE * 4]
        for pk, code, name, level, old_parent_id in Region.objects.filter(
            code__in=chunk
        ).values_list("pk", "code", "name", "level", "parent_id"):
            existing[code] = (pk, name, level, old_parent_id)

    to_create: list[Region] = []
    to_update: list[Region] = []
    for code, name, level, parent_code in rows:
        parent_id: int | None = parent_ids[parent_code] if parent_code else None
        current = existing.get(code)
        if current is None:
            to_create.append(Region(code=code, name=name, level=level, parent_id=parent_id))
        elif current[1:] != (name, level, parent_id):
            to_update.append(Region(pk=current[0], name=name, level=level, parent_id=parent_id))
        else:
            counts.unchanged += 1
    if to_create:
        # update_conflicts: a concurrent load that inserted the same code wins nothing and
        # loses nothing; the row ends up with the vendored values either way.
        Region.objects.bulk_create(
            to_create,
            batch_size=_BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent"],
        )
    if to_update:
        Region.objects.bulk_update(
            to_update, ["name", "level", "parent"], batch_size=_BATCH_SIZE // 4
        )
    if to_create or to_update:
        versioning.bump()  # bulk writes send no signals
    counts.created = len(to_create)
    counts.updated = len(to_update)
    return counts


def _ids_by_code(level: str) -> dict[str, int]:
    return dict(Region.objects.filter(level=level).values_list("code", "pk"))


def load_regions(*, with_districts: bool = False, with_villages: bool = False) -> LoadReport:
    """Upsert Indonesia, its 38 provinces and 514 kabupaten/kota (optionally the 7,285
    kecamatan and 83,762 desa/kelurahan) from the vendored idn-area-data files.

    Villages need their districts, so `with_villages` implies `with_districts`. Regions that are
    no longer in the data are left in place: observations and innovations may point at them.
    """
    from sebaya.regions.resolver import reset_resolver_cache

    started = time.perf_counter()
    report = LoadReport()
    with transaction.atomic():
        report.levels[RegionLevel.COUNTRY] = _upsert(
            [(COUNTRY_CODE, COUNTRY_NAME, RegionLevel.COUNTRY, None)], {}
        )
        country_ids = _ids_by_code(RegionLevel.COUNTRY)
        report.levels[RegionLevel.PROVINCE] = _upsert(list(province_rows()), country_ids)
        province_ids = _ids_by_code(RegionLevel.PROVINCE)

        regencies = list(regency_rows())
        for level in (RegionLevel.REGENCY, RegionLevel.CITY):
            report.levels[level] = _upsert(
                [row for row in regencies if row[2] == level], province_ids
            )

        if with_districts or with_villages:
            regency_ids = dict(
                Region.objects.filter(
                    level__in=[RegionLevel.REGENCY, RegionLevel.CITY]
                ).values_list("code", "pk")
            )
            report.levels[RegionLevel.DISTRICT] = _upsert(list(district_rows()), regency_ids)
        if with_villages:
            district_ids = _ids_by_code(RegionLevel.DISTRICT)
            report.levels[RegionLevel.VILLAGE] = _upsert(list(village_rows()), district_ids)
    # A cached resolver built before this load would not know the new regions.
    reset_resolver_cache()
    report.seconds = time.perf_counter() - started
    return report
