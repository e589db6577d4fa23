"""Shapes of practices in the API: list rows, the full record and the list's query parameters."""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field

from sebaya.api.pagination import PageBase
from sebaya.api.params import CleanStr
from sebaya.api.params import enum_param as _enum
from sebaya.api.params import year_param as _YEAR_RANGE
from sebaya.innovations.models import (
    AwardProgramme,
    Bentuk,
    EvidenceKind,
    Inisiator,
    Jenis,
    LinkKind,
    PublicationStatus,
    RunningStatus,
    Stage,
    UrusanCategory,
)
from sebaya.innovations.selectors import DEFAULT_SORT, SORTS
from sebaya.regions.models import RegionLevel


class PracticeFilters(Schema):
    """The catalogue page's filters; values are checked by the same code as the page's."""

    q: CleanStr | None = Field(
        None, description="Words, all of which must appear in the title, summary or region name."
    )
    theme: CleanStr | None = Field(None, description="Theme slug (see a practice's `themes`).")
    urusan: CleanStr | None = Field(None, description="Urusan pemerintahan code, e.g. `1.01`.")
    province: CleanStr | None = Field(
        None, description="Kemendagri code of a province, e.g. `35`: its own and its regions'."
    )
    region: CleanStr | None = Field(
        None, description="Kemendagri code of the owner region exactly, e.g. `35.03`."
    )
    award: CleanStr | None = Field(
        None,
        description="Award programme, or `any` for practices with any award.",
        json_schema_extra=_enum(["any", *AwardProgramme.values]),
    )
    stage: CleanStr | None = Field(None, json_schema_extra=_enum(Stage.values))
    jenis: CleanStr | None = Field(
        None, description="Digital or not.", json_schema_extra=_enum(Jenis.values)
    )
    year_from: int | None = Field(
        None, description="First year, 1900 to 2100.", json_schema_extra=_YEAR_RANGE
    )
    year_to: int | None = Field(
        None, description="Last year, 1900 to 2100.", json_schema_extra=_YEAR_RANGE
    )
    sort: CleanStr | None = Field(
        None,
        description=f"Order of results; `{DEFAULT_SORT}` when absent.",
        json_schema_extra=_enum(list(SORTS)),
    )


class RegionRef(Schema):
    code: str
    name: str
    level: RegionLevel


class ProvinceRef(Schema):
    code: str
    name: str


class ThemeOut(Schema):
    slug: str
    name: str


class AwardBrief(Schema):
    programme: AwardProgramme
    title: str
    year: int


class PracticeListItem(Schema):
    slug: str
    external_id: str = Field(description="The id in the source data set; empty if none.")
    title: str
    summary: str
    year: int | None
    region: RegionRef = Field(description="The region whose government owns the practice.")
    province: ProvinceRef | None = Field(description="Its province; null for national ones.")
    themes: list[ThemeOut]
    awards: list[AwardBrief] = Field(description="Newest first.")
    stage: Stage | None
    jenis: Jenis | None
    running_status: RunningStatus
    url: str = Field(description="Absolute URL of the practice's page.")
    api_url: str = Field(description="Absolute URL of the practice in this API.")


class PracticePage(PageBase):
    results: list[PracticeListItem]


class UrusanOut(Schema):
    code: str
    name: str
    category: UrusanCategory
    is_basic_service: bool = Field(description="One of the six urusan wajib pelayanan dasar.")


class SdgOut(Schema):
    number: int
    name: str


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str


class StageEventOut(Schema):
    stage: Stage
    date: datetime.date | None
    year: int | None
    note: str
    source_url: str


class EvidenceOut(Schema):
    kind: EvidenceKind
    title: str
    reference: str
    date: datetime.date | None
    year: int | None
    url: str
    note: str


class AwardOut(AwardBrief):
    programme_name: str
    awarded_on: datetime.date | None
    source_url: str


class OutcomeOut(Schema):
    label: str
    value_before: float | None
    period_before: str
    value_after: float | None
    period_after: str
    unit: str
    source_url: str = Field(description="Where the figures come from; always present.")
    note: str


class LinkOut(Schema):
    kind: LinkKind
    title: str
    url: str


class ContactOut(Schema):
    """An office with its public channels, never a private person."""

    unit: str
    role: str
    email: str
    phone: str
    website: str


class Narrative(Schema):
    """The narrative sections in reading order; null when a section is not written."""

    problem: str | None
    novelty: str | None
    how_it_works: str | None
    legal_basis: str | None
    goals: str | None
    benefits: str | None
    results: str | None
    partners: str | None
    beneficiaries: str | None
    challenges: str | None
    success_conditions: str | None
    replication_notes: str | None
    lessons: str | None


class PracticeDetail(PracticeListItem):
    source: str = Field(description="The data set the record came from.")
    overview: str
    website: str
    video_url: str
    organisation: OrganisationOut | None
    opd_name: str
    collaborators: str
    urusan: list[UrusanOut]
    sdgs: list[SdgOut]
    sdg_targets: str
    bentuk: Bentuk | None
    inisiator: Inisiator | None
    sector: str
    year_note: str
    status_checked_on: datetime.date | None = Field(
        description="When `running_status` was last checked."
    )
    narrative: Narrative
    stage_events: list[StageEventOut]
    evidence: list[EvidenceOut]
    awards: list[AwardOut] = Field(description="Newest first.")  # type: ignore[assignment]
    outcomes: list[OutcomeOut]
    links: list[LinkOut]
    contacts: list[ContactOut]
    status: PublicationStatus = Field(
        description="`draft` only for requesters allowed to see drafts."
    )
    published_at: datetime.datetime | None
    updated_at: datetime.datetime
