"""Reads of peer learning: adoption facts other apps rely on (matching, search), and the
reads behind the pages, the API and the reports."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateField, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from sebaya.innovations.models import Innovation
from sebaya.learning.models import (
    STAGE_ORDER,
    ActionPlan,
    Adoption,
    AdoptionStage,
    AdoptionStageChange,
    Answer,
    FeaturedPractice,
    LearningEvent,
    LearningProgramme,
    Notification,
    Question,
    Registration,
    RegistrationStatus,
    stage_rank,
)


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


# ---------------------------------------------------------------------------------------------
# Reads for the pages, the API and the reports.
# ---------------------------------------------------------------------------------------------


def adopting_region_counts(innovation_ids: Iterable[int]) -> dict[int, int]:
    """How many regions replicate each practice (any stage but berhenti), in one query.

    The figure behind "ditiru N daerah" in the catalogue, search results and practice pages.
    """
    ids = list(innovation_ids)
    if not ids:
        return {}
    rows = (
        Adoption.objects.filter(innovation_id__in=ids)
        .exclude(stage=AdoptionStage.BERHENTI)
        .values("innovation_id")
        .annotate(n=Count("region_id", distinct=True))
        .order_by()
        .values_list("innovation_id", "n")
    )
    return dict(rows)


def attach_adopting_region_counts(innovations: Iterable[Any]) -> list[Any]:
    """Set `adopting_regions` on each practice (one query for all) and return them as a list."""
    rows = list(innovations)
    counts = adopting_region_counts(i.pk for i in rows)
    for innovation in rows:
        innovation.adopting_regions = counts.get(innovation.pk, 0)
    return rows


def programme_list() -> QuerySet[LearningProgramme]:
    return (
        LearningProgramme.objects.select_related("focus_region")
        .prefetch_related("organisers")
        .annotate(
            event_count=Count("events", distinct=True),
            plan_count=Count("action_plans", distinct=True),
        )
        .order_by(F("starts_on").desc(nulls_last=True), "title", "pk")
    )


def programme_detail(slug: str) -> LearningProgramme | None:
    return (
        LearningProgramme.objects.select_related("focus_region")
        .prefetch_related(
            "organisers",
            Prefetch(
                "events",
                queryset=LearningEvent.objects.annotate(
                    registered=Count(
                        "registrations",
                        filter=Q(registrations__status=RegistrationStatus.REGISTERED),
                    )
                ).order_by("starts_on", "pk"),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def event_detail(pk: int) -> LearningEvent | None:
    return (
        LearningEvent.objects.select_related("programme")
        .prefetch_related(
            "programme__organisers",
            "sessions",
            "materials",
            Prefetch(
                "featured",
                queryset=FeaturedPractice.objects.select_related(
                    "innovation", "innovation__region", "presenter"
                ),
            ),
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("organisation", "user").order_by(
                    "organisation__name", "pk"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def action_plan_list(
    *,
    programme: LearningProgramme | None = None,
    organisation_id: int | None = None,
    innovation_id: int | None = None,
) -> QuerySet[ActionPlan]:
    qs = ActionPlan.objects.select_related(
        "organisation",
        "innovation",
        "innovation__region",
        "adoption",
        "adoption__region",
        "event",
        "programme",
    )
    if programme is not None:
        qs = qs.filter(programme=programme)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if innovation_id is not None:
        qs = qs.filter(innovation_id=innovation_id)
    return qs.order_by("-created_at", "-pk")


def adoption_list(
    *, innovation_id: int | None = None, stage: str = "", programme_id: int | None = None
) -> QuerySet[Adoption]:
    qs = Adoption.objects.select_related(
        "innovation", "innovation__region", "region", "region__parent", "organisation", "programme"
    )
    if innovation_id is not None:
        qs = qs.filter(innovation_id=innovation_id)
    if stage:
        qs = qs.filter(stage=stage)
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    return qs.order_by("innovation_id", "region__code", "pk")


def adoption_detail(pk: int) -> Adoption | None:
    return (
        Adoption.objects.select_related(
            "innovation",
            "innovation__region",
            "innovation__organisation",
            "region",
            "region__parent",
            "organisation",
            "programme",
        )
        .prefetch_related(
            Prefetch(
                "stage_changes",
                queryset=AdoptionStageChange.objects.select_related("organisation")
                .prefetch_related("evidence")
                .order_by("created_at", "pk"),
            ),
            Prefetch(
                "action_plans",
                queryset=ActionPlan.objects.select_related("organisation", "event"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


# Stalled plans -------------------------------------------------------------------------

#: Stages after which an adoption no longer needs chasing.
SETTLED_STAGES = (AdoptionStage.PELEMBAGAAN, AdoptionStage.EVALUASI, AdoptionStage.BERHENTI)


def stalled_action_plans(
    *,
    programme: LearningProgramme | None = None,
    days: int,
    today: datetime.date | None = None,
) -> QuerySet[ActionPlan]:
    """Action plans whose adoption has not moved for `days` days or more.

    Progress is the date of the adoption's latest stage change, or the day the plan was
    written, whichever is later. Adoptions that are institutionalised, evaluated or stopped are
    settled and never stalled. Each plan carries `last_progress` (a date).
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=max(0, days))
    written_on = TruncDate("created_at")
    qs = action_plan_list(programme=programme).exclude(adoption__stage__in=SETTLED_STAGES)
    return (
        qs.annotate(
            last_progress=Greatest(
                Coalesce("adoption__stage_changed_on", written_on),
                written_on,
                output_field=DateField(),
            )
        )
        .filter(last_progress__lte=cutoff)
        .order_by("last_progress", "pk")
    )


# Reports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class StageDuration:
    stage: str
    label: str
    stays: int  # completed stays with both dates known
    mean_days: float | None
    median_days: float | None


@dataclass
class ProgrammeReport:
    programme: LearningProgramme
    organisations_registered: int
    people_registered: int
    organisations_attended: int
    waitlisted: int
    action_plans: int
    adopting_organisations: int
    stages: list[StageCount]
    durations: list[StageDuration]
    institutionalised: int
    stalled: list[ActionPlan]
    stalled_days: int
    plans: list[ActionPlan] = field(default_factory=list)


def stage_counts(adoptions: Iterable[Adoption]) -> list[StageCount]:
    counts: dict[str, int] = defaultdict(int)
    for adoption in adoptions:
        counts[adoption.stage] += 1
    return [
        StageCount(stage, str(AdoptionStage(stage).label), counts.get(stage, 0))
        for stage in (*STAGE_ORDER, AdoptionStage.BERHENTI)
    ]


def stage_durations(adoption_ids: Iterable[int]) -> list[StageDuration]:
    """Days spent in each stage, over completed stays whose start and end dates are known."""
    stays: dict[str, list[int]] = defaultdict(list)
    changes = (
        AdoptionStageChange.objects.filter(adoption_id__in=list(adoption_ids))
        .order_by("adoption_id", "created_at", "pk")
        .values_list("adoption_id", "to_stage", "date")
    )
    previous: tuple[int, str, datetime.date | None] | None = None
    for adoption_id, stage, date in changes:
        if previous is not None and previous[0] == adoption_id and previous[2] and date:
            stays[previous[1]].append((date - previous[2]).days)
        previous = (adoption_id, stage, date)
    result = []
    for stage in STAGE_ORDER:
        days = stays.get(stage, [])
        result.append(
            StageDuration(
                stage=stage,
                label=str(AdoptionStage(stage).label),
                stays=len(days),
                mean_days=round(statistics.fmean(days), 1) if days else None,
                median_days=float(statistics.median(days)) if days else None,
            )
        )
    return result


def institutionalised_count(adoption_ids: Iterable[int]) -> int:
    """Adoptions that have reached pelembagaan at some point (a later stop does not undo it)."""
    return (
        AdoptionStageChange.objects.filter(
            adoption_id__in=list(adoption_ids), to_stage=AdoptionStage.PELEMBAGAAN
        )
        .values("adoption_id")
        .distinct()
        .count()
    )


def programme_report(
    programme: LearningProgramme, *, stalled_days: int, today: datetime.date | None = None
) -> ProgrammeReport:
    registrations = Registration.objects.filter(event__programme=programme)
    active = registrations.filter(status=RegistrationStatus.REGISTERED)
    plans = list(action_plan_list(programme=programme))
    # order_by(): the model's default order joins every adoption's region, for nothing here
    # (154 ms of the dashboard's 477 at 5,000 adoptions, bench/run.py).
    adoption_ids = {plan.adoption_id for plan in plans} | set(
        Adoption.objects.filter(programme=programme).order_by().values_list("pk", flat=True)
    )
    adoptions = list(Adoption.objects.filter(pk__in=adoption_ids).order_by().only("pk", "stage"))
    return ProgrammeReport(
        programme=programme,
        organisations_registered=active.values("organisation_id").distinct().count(),
        people_registered=active.exclude(user=None).values("user_id").distinct().count(),
        organisations_attended=registrations.filter(attended=True)
        .values("organisation_id")
        .distinct()
        .count(),
        waitlisted=registrations.filter(status=RegistrationStatus.WAITLISTED).count(),
        action_plans=len(plans),
        adopting_organisations=len({plan.organisation_id for plan in plans}),
        stages=stage_counts(adoptions),
        durations=stage_durations(adoption_ids),
        institutionalised=institutionalised_count(adoption_ids),
        stalled=list(stalled_action_plans(programme=programme, days=stalled_days, today=today)),
        stalled_days=stalled_days,
        plans=plans,
    )


@dataclass(frozen=True)
class SpreadPoint:
    """Adopters counted by the year of their first recorded step (cumulative)."""

    year: int
    new: int
    total: int


@dataclass(frozen=True)
class ProvinceCount:
    code: str
    name: str
    count: int


@dataclass
class Diffusion:
    innovation: Innovation
    adoptions: list[Adoption]
    stages: list[StageCount]
    provinces: list[ProvinceCount]
    spread: list[SpreadPoint]
    undated: int
    institutionalised: int
    sources: list[str]


def practice_diffusion(innovation: Innovation) -> Diffusion:
    """Who replicates a practice, how far, and how it spread across provinces and years."""
    adoptions = list(
        adoption_list(innovation_id=innovation.pk).prefetch_related(
            Prefetch(
                "stage_changes",
                queryset=AdoptionStageChange.objects.order_by("created_at", "pk"),
            )
        )
    )
    province_counts: dict[tuple[str, str], int] = defaultdict(int)
    first_years: dict[int, int] = defaultdict(int)
    undated = 0
    for adoption in adoptions:
        region = adoption.region
        province = region.parent if region.parent and region.parent.level == "province" else region
        province_counts[(province.code, province.name)] += 1
        dates = [c.date for c in adoption.stage_changes.all() if c.date]
        if dates:
            first_years[min(dates).year] += 1
        else:
            undated += 1
    spread = []
    total = 0
    for year in sorted(first_years):
        total += first_years[year]
        spread.append(SpreadPoint(year, first_years[year], total))
    ids = [a.pk for a in adoptions]
    return Diffusion(
        innovation=innovation,
        adoptions=adoptions,
        stages=stage_counts(adoptions),
        provinces=[
            ProvinceCount(code, name, n)
            for (code, name), n in sorted(province_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        spread=spread,
        undated=undated,
        institutionalised=institutionalised_count(ids),
        sources=sorted({a.source_url for a in adoptions if a.source_url}),
    )


def replications_of_organisations(organisation_ids: Iterable[int]) -> QuerySet[Adoption]:
    """Adoptions of the practices that these organisations originated (the originator's view)."""
    return (
        adoption_list()
        .filter(innovation__organisation_id__in=list(organisation_ids))
        .order_by("innovation__title", "region__code", "pk")
    )


def questions_for(innovation: Innovation) -> QuerySet[Question]:
    return (
        Question.objects.filter(innovation=innovation)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("organisation"))
        )
        .order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()
