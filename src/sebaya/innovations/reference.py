"""Vendored reference lists (urusan, SDGs, themes, sector mapping) and their idempotent loader."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from sebaya.innovations.models import SdgGoal, Theme, Urusan

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"


@dataclass
class ReferenceReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = [
            f"{name}: {self.created.get(name, 0)} baru, {self.updated.get(name, 0)} diperbarui"
            for name in ("urusan", "sdg", "tema")
        ]
        return "; ".join(parts)


@dataclass(frozen=True)
class SectorMapping:
    themes: tuple[str, ...]
    urusan: tuple[str, ...]


def _read(name: str) -> dict[str, Any]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def urusan_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _read("urusan.json")["items"]
    return items


def sdg_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _read("sdgs.json")["items"]
    return items


def theme_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _read("themes.json")["items"]
    return items


@cache
def sector_mappings() -> dict[str, SectorMapping]:
    """The source `sector` label -> themes (slugs) and urusan (codes)."""
    raw = _read("sectors.json")["items"]
    return {
        sector: SectorMapping(themes=tuple(v["themes"]), urusan=tuple(v["urusan"]))
        for sector, v in raw.items()
    }


def _sync(model: Any, key: str, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Create missing rows and update changed ones; rows never listed are left alone."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    created = updated = 0
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            model.objects.create(**row)
            created += 1
            continue
        changed = [name for name, value in row.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            obj.save(update_fields=changed)
            updated += 1
    return created, updated


@transaction.atomic
def load_reference_data() -> ReferenceReport:
    """Load urusan, SDGs and themes from the vendored files; safe to run any number of times."""
    report = ReferenceReport()
    report.created["urusan"], report.updated["urusan"] = _sync(Urusan, "code", urusan_items())
    report.created["sdg"], report.updated["sdg"] = _sync(SdgGoal, "number", sdg_items())
    themes = [
        {
            "slug": t["slug"],
            "name_id": t["name_id"],
            "name_en": t["name_en"],
            "description_id": t.get("description_id", ""),
            "description_en": t.get("description_en", ""),
            # The file's order is the reading order of the catalogue's theme filter.
            "display_order": position * 10,
        }
        for position, t in enumerate(theme_items(), start=1)
    ]
    report.created["tema"], report.updated["tema"] = _sync(Theme, "slug", themes)
    return report
