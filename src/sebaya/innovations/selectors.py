"""Reads of practices that carry rules (visibility, filters, facets), shared by pages and API."""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, fields, replace
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Left

from sebaya.innovations.models import (
    AwardProgramme,
    Innovation,
    Jenis,
    Link,
    PublicationStatus,
    Stage,
    Theme,
)
from sebaya.innovations.policies import innovation_policy

SORTS: dict[str, list[str]] = {
    "title": ["title", "pk"],
    "-year": ["-year", "title", "pk"],
    "year": ["year", "title", "pk"],
    "-updated": ["-updated_at", "pk"],
}
DEFAULT_SORT = "title"


# Filters whose values come from a fixed list; anything else is reported, not applied.
_CLOSED_CHOICES: dict[str, set[str]] = {
    "award": {*AwardProgramme.values, "any"},
    "stage": set(Stage.values),
    "jenis": set(Jenis.values),
    "sort": set(SORTS),
}


@dataclass(frozen=True)
class CatalogueFilters:
    """The catalogue's filters, shared by the page and the API. Empty means "any"."""

    q: str = ""
    theme: str = ""  # Theme.slug
    urusan: str = ""  # Urusan.code
    province: str = ""  # Region.code of a province ("35")
    region: str = ""  # Region.code of the owner region exactly ("35.03")
    award: str = ""  # AwardProgramme value, or "any" for any award
    stage: str = ""  # Stage value
    jenis: str = ""  # Jenis value (digital / non_digital)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = DEFAULT_SORT

    @classmethod
    def from_mapping(cls, data: Any) -> tuple[CatalogueFilters, dict[str, str]]:
        """Build filters from request parameters; unknown values are dropped and reported."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = data.get(f.name)
            if raw is None or str(raw).strip() == "":
                continue
            raw = str(raw).strip()
            if f.name in ("year_from", "year_to"):
                if raw.isdigit() and 1900 <= int(raw) <= 2100:
                    values[f.name] = int(raw)
                else:
                    errors[f.name] = raw
            elif f.name in _CLOSED_CHOICES and raw not in _CLOSED_CHOICES[f.name]:
                errors[f.name] = raw
            else:
                values[f.name] = raw[:200]
        return cls(**values), errors

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in ("", None) for f in fields(self) if f.name != "sort")


def innovation_list(*, user: Any, filters: CatalogueFilters | None = None) -> QuerySet[Innovation]:
    """Practices the user may see, filtered and sorted, with what list rows show prefetched."""
    filters = filters or CatalogueFilters()
    qs = innovation_policy.visible(user)
    if filters.q:
        for word in filters.q.split()[:10]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(region__name__icontains=word)
            )
    if filters.theme:
        qs = qs.filter(themes__slug=filters.theme)
    if filters.urusan:
        qs = qs.filter(urusan__code=filters.urusan)
    if filters.province:
        qs = qs.filter(
            Q(region__code=filters.province) | Q(region__code__startswith=f"{filters.province}.")
        )
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.award == "any":
        qs = qs.filter(awards__isnull=False)
    elif filters.award:
        qs = qs.filter(awards__programme=filters.award)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.jenis:
        qs = qs.filter(jenis=filters.jenis)
    if filters.year_from is not None:
        qs = qs.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        qs = qs.filter(year__lte=filters.year_to)
    # A practice may hold several awards of one programme: that join can repeat a row, and
    # distinct keeps one. Theme and urusan links are unique per practice (one row each), and
    # a DISTINCT there made the database sort every match twice (bench/run.py: 318 -> 117 ms
    # for a theme's first page at 250,000 practices on SQLite).
    if filters.award:
        qs = qs.distinct()
    return (
        qs.select_related("region", "region__parent", "organisation")
        .prefetch_related("themes", "awards")
        .order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))
    )


def innovation_detail(*, user: Any, slug: str) -> Innovation | None:
    """One practice with every part the detail page shows, or None if absent or not visible."""
    qs = innovation_policy.visible(user).filter(slug=slug)
    return (
        qs.select_related("region", "region__parent", "organisation")
        .prefetch_related(
            "themes",
            "urusan",
            "sdgs",
            "stage_events",
            "evidence",
            "awards",
            "contacts",
            "outcomes",
            Prefetch("links", queryset=Link.objects.order_by("position", "pk")),
        )
        .first()
    )


def practices_to_manage(*, user: Any) -> QuerySet[Innovation]:
    """Practices the user may edit, drafts included, grouped by organisation for the list."""
    return (
        innovation_policy.editable(user)
        .select_related("organisation", "region")
        .order_by(F("organisation__name").asc(nulls_last=True), "title", "pk")
    )


@dataclass(frozen=True)
class CatalogueFacets:
    """How many visible practices each theme and province would give, other filters kept."""

    themes: dict[str, int]  # Theme.slug -> count
    provinces: dict[str, int]  # province Region.code -> count


def catalogue_facets(*, user: Any, filters: CatalogueFilters) -> CatalogueFacets:
    """Facet counts for the catalogue: two queries, whatever the number of practices."""
    return CatalogueFacets(
        themes=theme_counts(user=user, filters=filters),
        provinces=province_counts(user=user, filters=filters),
    )


def _facet_ids(user: Any, filters: CatalogueFilters) -> QuerySet:
    return (
        innovation_list(user=user, filters=filters).prefetch_related(None).order_by().values("pk")
    )


def theme_counts(*, user: Any, filters: CatalogueFilters) -> dict[str, int]:
    """Practices per theme slug under the filters, the theme filter itself left out."""
    rows = (
        Theme.objects.filter(innovations__in=_facet_ids(user, replace(filters, theme="")))
        .annotate(n=Count("innovations", distinct=True))
        .values_list("slug", "n")
    )
    return dict(rows)


def province_counts(*, user: Any, filters: CatalogueFilters) -> dict[str, int]:
    """Practices per province code under the filters, the province and region filters left
    out (the same counts for every province's page)."""
    rows = (
        Innovation.objects.filter(pk__in=_facet_ids(user, replace(filters, province="", region="")))
        .annotate(province_code=Left("region__code", 2))
        .values("province_code")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("province_code", "n")
    )
    return dict(rows)


def practices_due_for_recheck(
    *, user: Any | None = None, today: datetime.date | None = None
) -> QuerySet[Innovation]:
    """Published practices never checked or last checked a year ago or more, oldest first.

    With a user, only those they may edit (the ones they can answer for); without, all of them
    (the periodic task and the command).
    """
    from sebaya.innovations.services import recheck_due_since

    due = Q(status_checked_on__isnull=True) | Q(status_checked_on__lte=recheck_due_since(today))
    qs = Innovation.objects.all() if user is None else innovation_policy.editable(user)
    return (
        qs.filter(due, status=PublicationStatus.PUBLISHED)
        .select_related("organisation", "region")
        .order_by(F("status_checked_on").asc(nulls_first=True), "title", "pk")
    )


def review_queue(*, user: Any) -> QuerySet[Innovation]:
    """Submitted practices waiting for a curator, oldest submission first."""
    return (
        innovation_policy.reviewable(user)
        .select_related("organisation", "region")
        .order_by("updated_at", "pk")
    )


_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common in practice titles to tell two practices apart.
_COMMON_TITLE_WORDS = frozenset(
    [
        "dan",
        "di",
        "ke",
        "dari",
        "untuk",
        "yang",
        "dengan",
        "dalam",
        "pada",
        "program",
        "inovasi",
        "layanan",
        "gerakan",
        "kabupaten",
        "kota",
        "provinsi",
        "desa",
        "masyarakat",
        "berbasis",
        "melalui",
    ]
)
SIMILAR_MIN_SCORE = 0.34


def _title_words(text: str) -> list[str]:
    return [
        w
        for w in dict.fromkeys(_WORD.findall(text.casefold()))
        if len(w) >= 3 and w not in _COMMON_TITLE_WORDS
    ]


def similar_practices(
    *, user: Any, title: str, exclude_pk: int | None = None, limit: int = 5
) -> list[tuple[Innovation, float]]:
    """Practices the user may see whose titles resemble `title`, most alike first.

    Shown while someone writes a new practice, so they find an existing record before making
    a duplicate. The score blends the share of the typed title's distinctive words found in
    the other title with the two titles' character similarity (0 to 1).
    """
    words = _title_words(title[:300])
    if not words:
        return []
    longest = sorted(words, key=len, reverse=True)[:6]
    match = Q()
    for word in longest:
        match |= Q(title__icontains=word)
    candidates = innovation_policy.visible(user).filter(match)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    typed = " ".join(words)
    scored = []
    for innovation in candidates.select_related("region").order_by("pk")[:200]:
        theirs = _title_words(innovation.title)
        if not theirs:
            continue
        shared = len(set(words) & set(theirs)) / len(set(words) | set(theirs))
        shape = difflib.SequenceMatcher(a=typed, b=" ".join(theirs), autojunk=False).ratio()
        score = round(0.6 * shared + 0.4 * shape, 3)
        if score >= SIMILAR_MIN_SCORE:
            scored.append((innovation, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0].title))
    return scored[:limit]
