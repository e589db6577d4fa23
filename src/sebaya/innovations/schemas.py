"""Shapes of practices in the API: list rows, the full record and the list's query parameters."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

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


# --- Writes -----------------------------------------------------------------------------------

_MAX_YEAR = datetime.date.today().year + 1
Text = Annotated[CleanStr, Field(max_length=20_000)]
ShortText = Annotated[CleanStr, Field(max_length=300)]
UrlText = Annotated[CleanStr, Field(max_length=500)]
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,140}$")]
RegionCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9.]{1,16}$")]
UrusanCode = Annotated[str, Field(pattern=r"^[0-9A-Za-z.]{1,8}$")]
SdgNumber = Annotated[int, Field(ge=1, le=17)]


class PracticeFields(Schema):
    """Fields a writer may set. Absent means unchanged (update) or empty (create)."""

    summary: Text | None = Field(None, description="One or two sentences; needed to submit.")
    overview: Text | None = None
    website: UrlText | None = Field(None, description="http(s) address.")
    video_url: UrlText | None = Field(None, description="http(s) address.")
    opd_name: Annotated[CleanStr, Field(max_length=200)] | None = None
    collaborators: Text | None = None
    sdg_targets: Annotated[CleanStr, Field(max_length=200)] | None = None
    bentuk: Bentuk | None = Field(None, description="null clears it.")
    jenis: Jenis | None = Field(None, description="null clears it.")
    inisiator: Inisiator | None = Field(None, description="null clears it.")
    year: int | None = Field(None, ge=1945, le=_MAX_YEAR, description="Year it started.")
    year_note: ShortText | None = None
    stage: Stage | None = Field(None, description="null clears it.")
    problem: Text | None = None
    novelty: Text | None = None
    how_it_works: Text | None = None
    legal_basis: Text | None = None
    goals: Text | None = None
    benefits: Text | None = None
    results: Text | None = None
    partners: Text | None = None
    beneficiaries: Text | None = None
    challenges: Text | None = None
    success_conditions: Text | None = None
    replication_notes: Text | None = None
    lessons: Text | None = None
    themes: list[Slug] | None = Field(None, max_length=50, description="Theme slugs (all).")
    urusan: list[UrusanCode] | None = Field(None, max_length=50, description="Urusan codes.")
    sdgs: list[SdgNumber] | None = Field(None, max_length=17, description="SDG numbers.")
    region: RegionCode | None = Field(
        None, description="Kemendagri code of the owner region; default: the organisation's."
    )


class PracticeCreate(PracticeFields):
    title: Annotated[CleanStr, Field(min_length=1, max_length=300)]
    organisation: Slug | None = Field(
        None,
        description="Slug of the owning organisation; the caller must be its editor or admin "
        "(curators may leave it out).",
    )


class PracticeUpdate(PracticeFields):
    title: Annotated[CleanStr, Field(min_length=1, max_length=300)] | None = None


class SubmitIn(Schema):
    responses: dict[str, Annotated[CleanStr, Field(max_length=5000)]] = Field(
        default_factory=dict,
        description="Optional answers to the open review notes, by note id.",
    )


class RevisionIn(Schema):
    notes: dict[str, Annotated[CleanStr, Field(max_length=5000)]] = Field(
        description='A note per field name (`""` for a general note); at least one.'
    )


class StatusCheckIn(Schema):
    running_status: Literal["berjalan", "berhenti", "berlanjut", "vakum"] = Field(
        description="`berlanjut` (= berjalan) or `vakum` (= berhenti)."
    )
    checked_on: datetime.date | None = Field(
        None, description="Date of the check; today when absent. Not in the future."
    )


class ChangeOut(Schema):
    field: str
    label: str
    before: Any
    after: Any


class ChangeRecordOut(Schema):
    at: datetime.datetime
    action: str = Field(description="create, update, delete or status.")
    actor: str | None = Field(description="Username; null for the system (imports, commands).")
    note: str
    changes: list[ChangeOut]


class ChangeRecordPage(PageBase):
    results: list[ChangeRecordOut]
