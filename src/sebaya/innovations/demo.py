"""The demo data set: regions, indicators, reference lists, sample and workshop practices."""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from sebaya.accounts.models import Organisation, OrganisationKind
from sebaya.accounts.services import organisation_create
from sebaya.innovations.importers import ImportReport, import_innovations
from sebaya.innovations.models import (
    Award,
    EvidenceItem,
    Innovation,
    Link,
    LinkKind,
    OutcomeFigure,
    StageEvent,
    Theme,
    Urusan,
)
from sebaya.innovations.reference import ReferenceReport, load_reference_data
from sebaya.innovations.services import innovation_upsert_from_import
from sebaya.regions.indicators import ImportReport as IndicatorReport
from sebaya.regions.indicators import import_indicators_file
from sebaya.regions.loader import LoadReport, load_regions
from sebaya.regions.models import Region

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLE_PATH = DATA_DIR / "innovations-sample.jsonl"
INDICATORS_PATH = DATA_DIR / "poverty-indicators.csv"
SIX_PRACTICES_PATH = DATA_DIR / "demo" / "six-practices.json"
SAMPLE_SOURCE = "sebaya-sample"
WORKSHOP_SOURCE = "sebaya-workshop-2023"


class DemoError(Exception):
    """A vendored demo file did not load; the message says which and why."""


@dataclass
class PracticesReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    organisations_created: int = 0
    parts_created: int = 0
    parts_updated: int = 0


@dataclass
class DemoSummary:
    regions: LoadReport
    indicators: IndicatorReport
    reference: ReferenceReport
    sample: ImportReport
    practices: PracticesReport
    seconds: float = 0.0

    def lines(self) -> list[str]:
        levels = ", ".join(f"{level}: {c.created} baru" for level, c in self.regions.levels.items())
        ind = self.indicators
        sample = self.sample
        p = self.practices
        return [
            f"Wilayah: {levels}",
            f"Indikator: {ind.created} baru, {ind.updated} diperbarui, {ind.unchanged} tetap",
            f"Referensi: {self.reference}",
            f"Sampel praktik ({sample.source}): {len(sample.created)} baru, "
            f"{len(sample.updated)} diperbarui, {len(sample.unchanged)} tetap",
            f"Enam praktik lokakarya: {len(p.created)} baru, {len(p.changed)} dilengkapi, "
            f"{len(p.unchanged)} tetap; {p.organisations_created} organisasi baru; "
            f"{p.parts_created} bagian baru, {p.parts_updated} bagian diperbarui",
            f"Selesai dalam {self.seconds:.1f} s",
        ]


def demo_load() -> DemoSummary:
    """Load everything the demo shows. Idempotent: a second run creates and changes nothing."""
    started = time.perf_counter()
    regions = load_regions()
    indicators = import_indicators_file(path=INDICATORS_PATH)
    if indicators.errors:
        raise DemoError(
            f"{INDICATORS_PATH.name}: " + "; ".join(str(e) for e in indicators.errors[:5])
        )
    reference = load_reference_data()
    sample = import_innovations(path=SAMPLE_PATH, source=SAMPLE_SOURCE)
    if sample.errors:
        raise DemoError(f"{SAMPLE_PATH.name}: " + "; ".join(str(e) for e in sample.errors[:5]))
    practices = load_six_practices()
    return DemoSummary(
        regions=regions,
        indicators=indicators,
        reference=reference,
        sample=sample,
        practices=practices,
        seconds=time.perf_counter() - started,
    )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@transaction.atomic
def load_six_practices(path: Path = SIX_PRACTICES_PATH) -> PracticesReport:
    """Create or enrich the workshop's six practices from the vendored, sourced JSON file.

    A system action like the importer: no user, no policy check. It only sets what the file
    holds and never deletes parts, so curators' additions survive a re-run.
    """
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    report = PracticesReport()
    for spec in data["practices"]:
        _load_practice(spec, report)
    return report


def _load_practice(spec: dict[str, Any], report: PracticesReport) -> None:
    key = spec["key"]
    region = Region.objects.get(code=spec["region_code"])
    changed = False
    create = spec.get("create")
    if create:
        result = innovation_upsert_from_import(
            user=None,
            source=spec["source"],
            external_id=spec["external_id"],
            region=region,
            title=create["title"],
            summary=create["summary"],
            year=create.get("year"),
            themes=Theme.objects.filter(slug__in=create.get("themes", [])),
            urusan=Urusan.objects.filter(code__in=create.get("urusan", [])),
            source_urls=create["sources"],
        )
        innovation = result.innovation
        if result.action == "created":
            report.created.append(key)
        changed = result.action == "updated"
    else:
        found = Innovation.objects.filter(
            source=spec["source"], external_id=spec["external_id"]
        ).first()
        if found is None:
            raise DemoError(
                f"{key}: {spec['source']}/{spec['external_id']} belum ada; impor sampel dulu."
            )
        innovation = found

    organisation, org_created = _organisation(spec["organisation"])
    report.organisations_created += int(org_created)
    update_fields = []
    if innovation.organisation_id is None:
        innovation.organisation = organisation
        update_fields.append("organisation")
    for name, fact in spec.get("fields", {}).items():
        if getattr(innovation, name) != fact["text"]:
            setattr(innovation, name, fact["text"])
            update_fields.append(name)
    if update_fields:
        innovation.full_clean()
        innovation.save(update_fields=[*update_fields, "updated_at"])
        changed = True

    parts = [
        _sync(
            Award,
            innovation,
            ("programme", "year"),
            [{**a, "awarded_on": _date(a.get("awarded_on"))} for a in spec.get("awards", [])],
        ),
        _sync(EvidenceItem, innovation, ("kind", "reference"), spec.get("evidence", [])),
        _sync(
            OutcomeFigure,
            innovation,
            ("label",),
            [
                {
                    **o,
                    "value_before": _decimal(o.get("value_before")),
                    "value_after": _decimal(o.get("value_after")),
                    "position": position,
                }
                for position, o in enumerate(spec.get("outcomes", []))
            ],
        ),
        _sync(
            StageEvent,
            innovation,
            ("stage", "year", "date"),
            [{**e, "date": _date(e.get("date"))} for e in spec.get("stage_events", [])],
        ),
        (_add_links(innovation, spec.get("links", [])), 0),
    ]
    created = sum(c for c, _ in parts)
    updated = sum(u for _, u in parts)
    report.parts_created += created
    report.parts_updated += updated
    if key in report.created:
        return
    if changed or created or updated:
        report.changed.append(key)
    else:
        report.unchanged.append(key)


def _organisation(spec: dict[str, Any]) -> tuple[Organisation, bool]:
    existing = Organisation.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing, False
    organisation = organisation_create(
        user=None,
        name=spec["name"],
        kind=OrganisationKind.PEMDA,
        region=Region.objects.get(code=spec["region_code"]),
        slug=spec["slug"],
    )
    return organisation, True


def _sync(
    model: type[models.Model],
    innovation: Innovation,
    key_fields: tuple[str, ...],
    rows: list[dict[str, Any]],
) -> tuple[int, int]:
    """Create parts missing by their natural key and update those that differ."""
    created = updated = 0
    manager = model._default_manager
    for row in rows:
        lookup = {name: row[name] for name in key_fields}
        obj = manager.filter(innovation=innovation, **lookup).first()
        if obj is None:
            obj = model(innovation=innovation, **row)
            obj.full_clean()
            obj.save()
            created += 1
            continue
        changed = [name for name, value in row.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            obj.full_clean()
            obj.save(update_fields=changed)
            updated += 1
    return created, updated


def _add_links(innovation: Innovation, urls: list[str]) -> int:
    """Add source links; an address that is a shorter form of one already there is the same
    article (the fact sheet trims addresses the sample gives in full)."""
    existing = list(innovation.links.values_list("url", flat=True))
    position = len(existing)
    added = 0
    for url in urls:
        if any(u == url or u.startswith(url.rstrip("/") + "/") for u in existing):
            continue
        link = Link(innovation=innovation, kind=LinkKind.SOURCE, url=url, position=position)
        link.full_clean()
        link.save()
        existing.append(url)
        position += 1
        added += 1
    return added
