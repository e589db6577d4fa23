"""Shapes of peer learning in the API: programmes, events, action plans, adoptions."""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field

from sebaya.api.pagination import PageBase
from sebaya.api.params import CleanStr
from sebaya.api.params import enum_param as _enum
from sebaya.learning.models import AdoptionStage, EventKind, EvidenceKind


class OrganisationBrief(Schema):
    slug: str
    name: str
    kind: str


class RegionName(Schema):
    code: str
    name: str


class PracticeRef(Schema):
    slug: str
    title: str
    region: RegionName
    url: str


class ProgrammeRow(Schema):
    slug: str
    title: str
    theme: str
    organisers: list[OrganisationBrief]
    focus_region: RegionName | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    source_url: str
    source_note: str
    url: str
    api_url: str


class ProgrammePage(PageBase):
    results: list[ProgrammeRow]


class StageCountOut(Schema):
    stage: str
    label: str
    count: int


class ProgrammeDetail(ProgrammeRow):
    description: str
    events: list[int] = Field(description="Ids of the programme's events (see /events/{id}).")
    action_plans: int
    adoptions_by_stage: list[StageCountOut]
    institutionalised: int


class FeaturedOut(Schema):
    practice: PracticeRef
    presenter: OrganisationBrief | None


class SessionOut(Schema):
    title: str
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    description: str


class MaterialOut(Schema):
    title: str
    url: str


class EventRow(Schema):
    id: int
    programme: str = Field(description="Slug of the programme.")
    kind: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    place: str
    online_url: str
    capacity: int | None
    registration_open: bool
    registered: int = Field(description="Places taken (organisations' and people's).")
    source_url: str
    url: str


class EventPage(PageBase):
    results: list[EventRow]


class EventDetail(EventRow):
    description: str
    sessions: list[SessionOut]
    featured: list[FeaturedOut]
    materials: list[MaterialOut]
    participants: list[OrganisationBrief] = Field(
        description="Registered organisations (people are never listed)."
    )


class ActionPlanOut(Schema):
    id: int
    programme: str | None
    event: int | None
    organisation: OrganisationBrief
    practice: PracticeRef
    adoption: int
    stage: str
    modification: str
    rationale: str
    responsible_unit: str
    resources_needed: str
    target_pilot_on: datetime.date | None
    target_operation_on: datetime.date | None
    target_institutionalised_on: datetime.date | None
    created_at: datetime.datetime
    url: str


class ActionPlanPage(PageBase):
    results: list[ActionPlanOut]


class AdoptionEvidenceOut(Schema):
    kind: str
    title: str
    reference: str
    date: datetime.date | None
    url: str
    file_url: str | None


class StageChangeOut(Schema):
    from_stage: str | None
    to_stage: str
    date: datetime.date | None
    note: str
    source_url: str
    is_backwards: bool
    organisation: OrganisationBrief | None
    evidence: list[AdoptionEvidenceOut]


class AdoptionRow(Schema):
    id: int
    practice: PracticeRef
    region: RegionName
    organisation: OrganisationBrief | None
    programme: str | None
    stage: str
    stage_changed_on: datetime.date | None
    stopped_reason: str
    source_url: str
    version: int = Field(description="Send it back as `expected_version` when changing stage.")
    url: str


class AdoptionPage(PageBase):
    results: list[AdoptionRow]


class AdoptionDetail(AdoptionRow):
    timeline: list[StageChangeOut]


# Query parameters -----------------------------------------------------------------------


class EventFilters(Schema):
    programme: CleanStr | None = Field(None, description="Slug of a programme.")


class ActionPlanFilters(Schema):
    programme: CleanStr | None = Field(None, description="Slug of a programme.")
    organisation: CleanStr | None = Field(None, description="Slug of the adopting organisation.")
    practice: CleanStr | None = Field(None, description="Slug of the practice.")


class AdoptionFilters(Schema):
    practice: CleanStr | None = Field(None, description="Slug of the practice.")
    programme: CleanStr | None = Field(None, description="Slug of a programme.")
    stage: CleanStr | None = Field(
        None,
        description="Current stage.",
        json_schema_extra=_enum(list(AdoptionStage.values)),
    )


# Bodies of writes -----------------------------------------------------------------------


class ProgrammeIn(Schema):
    title: CleanStr = Field(max_length=250)
    organisers: list[CleanStr] = Field(description="Slugs of organiser organisations (yours).")
    theme: CleanStr = Field("", max_length=200)
    description: CleanStr = Field("", max_length=10000)
    focus_region: CleanStr | None = Field(None, max_length=16, description="Kemendagri code.")
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


class EventIn(Schema):
    programme: CleanStr = Field(max_length=140, description="Slug of the programme.")
    kind: CleanStr = Field(json_schema_extra=_enum(list(EventKind.values)))
    title: CleanStr = Field(max_length=250)
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    place: CleanStr = Field("", max_length=250)
    online_url: CleanStr = Field("", max_length=500)
    description: CleanStr = Field("", max_length=10000)
    capacity: int | None = Field(None, ge=1, le=100000)
    registration_open: bool = False
    practices: list[CleanStr] = Field(
        default_factory=list, description="Slugs of practices to feature (presented by owners)."
    )


class ActionPlanIn(Schema):
    organisation: CleanStr = Field(max_length=120, description="Slug of your organisation.")
    practice: CleanStr = Field(max_length=140, description="Slug of the practice.")
    event: int | None = Field(None, ge=1, description="Id of the event it follows, if any.")
    modification: CleanStr = Field(max_length=10000)
    rationale: CleanStr = Field(max_length=10000)
    responsible_unit: CleanStr = Field(max_length=250)
    resources_needed: CleanStr = Field("", max_length=10000)
    target_pilot_on: datetime.date | None = None
    target_operation_on: datetime.date | None = None
    target_institutionalised_on: datetime.date | None = None


class EvidenceIn(Schema):
    kind: CleanStr = Field(json_schema_extra=_enum(list(EvidenceKind.values)))
    title: CleanStr = Field("", max_length=300)
    reference: CleanStr = Field("", max_length=200)
    date: datetime.date | None = None
    url: CleanStr = Field("", max_length=500)


class StageChangeIn(Schema):
    to_stage: CleanStr = Field(json_schema_extra=_enum(list(AdoptionStage.values)))
    date: datetime.date
    expected_version: int = Field(ge=1, description="The `version` you read.")
    note: CleanStr = Field("", max_length=10000)
    going_back: bool = False
    stopped_reason: CleanStr = Field("", max_length=10000)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=10)
