"""Writes to adoption records. Views, API, importers and the demo all come through here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from sebaya.accounts.models import Organisation
from sebaya.innovations.models import Innovation
from sebaya.learning.models import Adoption, AdoptionStage, AdoptionStageChange
from sebaya.regions.models import Region


@dataclass(frozen=True)
class DocumentedAdoption:
    """An adoption that a public source documents (a study visit, an MoU), without a user."""

    innovation: Innovation
    region: Region
    stage: str
    source_url: str
    note: str = ""
    date: datetime.date | None = None
    organisation: Organisation | None = None


@transaction.atomic
def adoption_record_documented(spec: DocumentedAdoption) -> tuple[Adoption, bool]:
    """Create the adoption record that a source documents; leave an existing one untouched.

    Returns the record and whether it was created. An existing record is never moved by a
    re-run of the demo or an import: its later history belongs to the people following it up.
    """
    if spec.stage not in AdoptionStage.values:
        raise ValueError(f"unknown adoption stage: {spec.stage!r}")
    adoption, created = Adoption.objects.get_or_create(
        innovation=spec.innovation,
        region=spec.region,
        defaults={
            "organisation": spec.organisation,
            "stage": spec.stage,
            "stage_changed_on": spec.date,
            "source_url": spec.source_url,
            "source_note": spec.note[:300],
        },
    )
    if created:
        AdoptionStageChange.objects.create(
            adoption=adoption,
            from_stage="",
            to_stage=spec.stage,
            date=spec.date,
            note=spec.note,
            source_url=spec.source_url,
        )
    return adoption, created
