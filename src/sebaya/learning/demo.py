"""Demo adoption records: the study visits that public sources document (no invented ones)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sebaya.innovations.models import Innovation
from sebaya.learning.models import AdoptionStage
from sebaya.learning.services import DocumentedAdoption, adoption_record_documented
from sebaya.regions.models import RegionLevel
from sebaya.regions.resolver import RegionResolver

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
STUDY_VISITS_PATH = DATA_DIR / "demo" / "study-visits.json"


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
