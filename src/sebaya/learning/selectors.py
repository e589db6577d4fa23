"""Reads of adoption records that other apps (matching, search, pages) rely on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sebaya.learning.models import Adoption, stage_rank


@dataclass(frozen=True)
class AdoptionFact:
    """One region's adoption of a practice, as far as it has got."""

    innovation_id: int
    region_id: int
    region_code: str
    stage: str
    stage_rank: int  # 0 = minat ... 7 = evaluasi; -1 = berhenti


def adoption_facts(innovation_ids: Iterable[int]) -> dict[int, list[AdoptionFact]]:
    """Adoption records of the given practices, grouped by practice, in one query."""
    ids = list(innovation_ids)
    grouped: dict[int, list[AdoptionFact]] = defaultdict(list)
    if not ids:
        return grouped
    rows = (
        Adoption.objects.filter(innovation_id__in=ids)
        .order_by("innovation_id", "region__code")
        .values_list("innovation_id", "region_id", "region__code", "stage")
    )
    for innovation_id, region_id, code, stage in rows:
        grouped[innovation_id].append(
            AdoptionFact(innovation_id, region_id, code, stage, stage_rank(stage))
        )
    return grouped
