"""Shapes of the search API: its query parameters, ranked results and facet counts."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from sebaya.api.params import CleanStr
from sebaya.api.params import enum_param as _enum
from sebaya.api.params import year_param as _YEAR_RANGE
from sebaya.innovations.models import AwardProgramme, Jenis, Stage
from sebaya.innovations.schemas import RegionRef

MAX_LIMIT = 100
MAX_OFFSET = 10_000


class SearchParams(Schema):
    q: str = Field(
        "",
        description=(
            "What to look for, in Indonesian or English, as an officer would ask it. Any text "
            "is accepted; it is cut to 500 characters and control characters are ignored."
        ),
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"Results to return, 1 to {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Results to skip, for paging.")
    mode: CleanStr = Field(
        "hybrid",
        description=(
            "`hybrid` fuses word matches and meaning (the default, as on the search page and "
            "the `sebaya search` command); `lexical` matches words only; `semantic` meaning only."
        ),
        json_schema_extra=_enum(["hybrid", "lexical", "semantic"]),
    )
    theme: CleanStr | None = Field(None, description="Theme slug.")
    urusan: CleanStr | None = Field(None, description="Urusan pemerintahan code, e.g. `1.01`.")
    province: CleanStr | None = Field(None, description="Kemendagri code of a province, e.g. `35`.")
    region: CleanStr | None = Field(None, description="Kemendagri code of the owner region.")
    award: CleanStr | None = Field(
        None,
        description="Award programme, or `any`.",
        json_schema_extra=_enum(["any", *AwardProgramme.values]),
    )
    stage: CleanStr | None = Field(None, json_schema_extra=_enum(Stage.values))
    jenis: CleanStr | None = Field(None, json_schema_extra=_enum(Jenis.values))
    year_from: int | None = Field(
        None, description="First year, 1900 to 2100.", json_schema_extra=_YEAR_RANGE
    )
    year_to: int | None = Field(
        None, description="Last year, 1900 to 2100.", json_schema_extra=_YEAR_RANGE
    )


class SearchResultOut(Schema):
    external_id: str = Field(description="The id in the source data set; empty if none.")
    slug: str
    title: str
    score: float = Field(description="Fused score, higher is better; compare within one answer.")
    url: str = Field(description="Absolute URL of the practice's page.")
    api_url: str = Field(description="Absolute URL of the practice in this API.")
    region: RegionRef
    reasons: list[str] = Field(description="Why it matched, in the request's language.")
    snippet_text: str = Field(description="A passage of the practice around the query's words.")
    lexical_rank: int | None = Field(description="Rank among word matches; null if not one.")
    semantic_rank: int | None = Field(description="Rank by meaning; null if not among them.")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchFacets(Schema):
    theme: list[FacetValueOut]
    urusan: list[FacetValueOut]
    province: list[FacetValueOut]
    award: list[FacetValueOut]
    stage: list[FacetValueOut]
    jenis: list[FacetValueOut]


class SearchOut(Schema):
    query: str = Field(description="The query as searched (cleaned, at most 500 characters).")
    corrected_query: str | None = Field(
        description="The query with misspelt words corrected, when the results use it."
    )
    total: int = Field(description="Matching practices over all pages.")
    limit: int
    offset: int
    mode: str
    results: list[SearchResultOut]
    facets: SearchFacets
    message: str | None = Field(
        description="Set when nothing could be searched (a blank query or no searchable word)."
    )
