"""Demo adoption records: the study visits that public sources document (no invented ones)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from sebaya.accounts.models import Organisation
from sebaya.accounts.services import organisation_create
from sebaya.innovations.models import Innovation
from sebaya.learning.models import AdoptionStage
from sebaya.learning.services import (
    DocumentedAdoption,
    DocumentedProgramme,
    adoption_record_documented,
    event_record_documented,
    featured_practice_add,
    programme_record_documented,
)
from sebaya.regions.models import Region, RegionLevel
from sebaya.regions.resolver import RegionResolver

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
STUDY_VISITS_PATH = DATA_DIR / "demo" / "study-visits.json"
WORKSHOP_PATH = DATA_DIR / "demo" / "pontianak-workshop.json"


class LearningDemoError(Exception):
    """The vendored study-visit file names a practice or region that is not there."""


@dataclass
class StudyVisitReport:
    created: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} baru, {self.unchanged} tetap"


def load_study_visits(path: Path = STUDY_VISITS_PATH) -> StudyVisitReport:
    """Load the documented study visits as adoption records at the studi tiru stage."""
    data = json.loads(path.read_text(encoding="utf-8"))
    resolver = RegionResolver.from_db(levels={RegionLevel.REGENCY, RegionLevel.CITY})
    report = StudyVisitReport()
    for group in data["visits"]:
        practice_key = group["practice"]
        innovation = Innovation.objects.filter(
            source=practice_key["source"], external_id=practice_key["external_id"]
        ).first()
        if innovation is None:
            raise LearningDemoError(f"{path.name}: practice not found: {practice_key}")
        for entry in group["regions"]:
            resolution = resolver.resolve(entry["name"], province_hint=entry.get("province"))
            if resolution.region is None:
                raise LearningDemoError(f"{path.name}: {resolution.message}")
            _, created = adoption_record_documented(
                DocumentedAdoption(
                    innovation=innovation,
                    region=resolution.region,
                    stage=AdoptionStage.STUDI_TIRU,
                    source_url=group["source_url"],
                    note=group["note"],
                )
            )
            if created:
                report.created += 1
            else:
                report.unchanged += 1
    return report


@dataclass
class WorkshopReport:
    programme_created: bool = False
    event_created: bool = False
    featured: int = 0
    organisations_created: int = 0

    def __str__(self) -> str:
        state = "baru" if self.programme_created or self.event_created else "tetap"
        return (
            f"program dan lokakarya {state}; {self.featured} praktik disajikan; "
            f"{self.organisations_created} organisasi baru"
        )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _region(code: str | None, path: Path) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise LearningDemoError(f"{path.name}: region {code} not loaded")
    return region


def load_workshop(path: Path = WORKSHOP_PATH) -> WorkshopReport:
    """Load the Pontianak workshop of 13 June 2023: organisers, programme, event, practices.

    Participants and action plans are not loaded: no source names them.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    report = WorkshopReport()
    for org in data["organisations"]:
        if not Organisation.objects.filter(slug=org["slug"]).exists():
            organisation_create(
                user=None,
                name=org["name"],
                slug=org["slug"],
                kind=org["kind"],
                region=_region(org["region_code"], path),
            )
            report.organisations_created += 1
    spec = data["programme"]
    organisers = [Organisation.objects.get(slug=slug) for slug in spec["organisers"]]
    programme, report.programme_created = programme_record_documented(
        DocumentedProgramme(
            slug=spec["slug"],
            title=spec["title"],
            theme=spec["theme"],
            organisers=organisers,
            focus_region=_region(spec["focus_region_code"], path),
            starts_on=_date(spec["starts_on"]),
            ends_on=_date(spec["ends_on"]),
            source_url=spec["source_url"],
            source_note=spec["source_note"],
        )
    )
    event_spec = data["event"]
    starts_on = _date(event_spec["starts_on"])
    assert starts_on is not None
    event, report.event_created = event_record_documented(
        programme=programme,
        kind=event_spec["kind"],
        title=event_spec["title"],
        starts_on=starts_on,
        place=event_spec["place"],
        source_url=event_spec["source_url"],
        source_note=event_spec["source_note"],
    )
    for item in event_spec["featured"]:
        innovation = Innovation.objects.filter(
            source=item["source"], external_id=item["external_id"]
        ).first()
        if innovation is None:
            raise LearningDemoError(f"{path.name}: practice not found: {item['external_id']}")
        presenter = Organisation.objects.filter(slug=item["presenter"]).first()
        if presenter is None:
            raise LearningDemoError(f"{path.name}: organisation not found: {item['presenter']}")
        featured_practice_add(user=None, event=event, innovation=innovation, presenter=presenter)
        report.featured += 1
    return report
