"""Read API of practices: the catalogue list (same filters as the page) and the full record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router

from sebaya.api.errors import ERROR_RESPONSES, bad_params, not_found
from sebaya.api.pagination import PageParams, paginate
from sebaya.api.params import SLUG_RE
from sebaya.innovations.models import NARRATIVE_SECTIONS, Innovation
from sebaya.innovations.schemas import PracticeDetail, PracticeFilters, PracticePage
from sebaya.innovations.selectors import CatalogueFilters, innovation_detail, innovation_list
from sebaya.regions.schemas import ProvinceLookup, region_brief

router = Router()


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _practice_row(
    request: HttpRequest, innovation: Innovation, provinces: ProvinceLookup
) -> dict[str, Any]:
    language = get_language()
    province = provinces.province_of(innovation.region)
    return {
        "slug": innovation.slug,
        "external_id": innovation.external_id,
        "title": innovation.title,
        "summary": innovation.summary,
        "year": innovation.year,
        "region": region_brief(innovation.region),
        "province": {"code": province.code, "name": province.name} if province else None,
        "themes": [
            {"slug": t.slug, "name": t.localized_name(language)} for t in innovation.themes.all()
        ],
        "awards": [
            {
                "programme": a.programme,
                "programme_name": a.get_programme_display(),
                "title": a.title,
                "year": a.year,
                "awarded_on": a.awarded_on,
                "source_url": a.source_url,
            }
            for a in innovation.awards.all()
        ],
        "stage": innovation.stage or None,
        "jenis": innovation.jenis or None,
        "running_status": innovation.running_status,
        "url": request.build_absolute_uri(innovation.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("api:practice_detail", kwargs={"slug": innovation.slug})
        ),
    }


@router.get(
    "",
    response={200: PracticePage, **ERROR_RESPONSES},
    url_name="practice_list",
    summary="List practices",
    description=(
        "Published practices (and, for a signed-in member, their organisation's drafts), "
        "filtered exactly like the catalogue page. Unknown filter values answer 400."
    ),
)
def practice_list(
    request: HttpRequest,
    filters: Query[PracticeFilters],
    page: Query[PageParams],
) -> dict[str, Any]:
    # The page's parser is the one judge of filter values, so both reject the same input.
    catalogue_filters, errors = CatalogueFilters.from_mapping(request.GET)
    if errors:
        raise bad_params(errors)
    provinces = ProvinceLookup()
    return paginate(
        request,
        innovation_list(user=request.user, filters=catalogue_filters),
        params=page,
        serialize=lambda row: _practice_row(request, row, provinces),
    )


@router.get(
    "/{slug}",
    response={200: PracticeDetail, 404: ERROR_RESPONSES[404]},
    url_name="practice_detail",
    summary="One practice in full",
    description=(
        "Every part of a practice: narrative, classification, stage history, evidence, awards, "
        "outcome figures with sources, links and contacts. Drafts answer 404 to anyone not "
        "allowed to see them."
    ),
)
def practice_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    innovation = innovation_detail(user=request.user, slug=slug) if SLUG_RE.match(slug) else None
    if innovation is None:
        raise not_found(_("Praktik tidak ditemukan."))
    language = get_language()
    org = innovation.organisation
    return {
        **_practice_row(request, innovation, ProvinceLookup()),
        "source": innovation.source,
        "overview": innovation.overview,
        "website": innovation.website,
        "video_url": innovation.video_url,
        "organisation": {"slug": org.slug, "name": org.name, "kind": org.kind} if org else None,
        "opd_name": innovation.opd_name,
        "collaborators": innovation.collaborators,
        "urusan": [
            {
                "code": u.code,
                "name": u.localized_name(language),
                "category": u.category,
                "is_basic_service": u.is_basic_service,
            }
            for u in innovation.urusan.all()
        ],
        "sdgs": [
            {"number": s.number, "name": s.localized_name(language)} for s in innovation.sdgs.all()
        ],
        "sdg_targets": innovation.sdg_targets,
        "bentuk": innovation.bentuk or None,
        "inisiator": innovation.inisiator or None,
        "sector": innovation.sector,
        "year_note": innovation.year_note,
        "status_checked_on": innovation.status_checked_on,
        "narrative": {
            field: (getattr(innovation, field) or None) for field, _label in NARRATIVE_SECTIONS
        },
        "stage_events": [
            {
                "stage": e.stage,
                "date": e.date,
                "year": e.year,
                "note": e.note,
                "source_url": e.source_url,
            }
            for e in innovation.stage_events.all()
        ],
        "evidence": [
            {
                "kind": e.kind,
                "title": e.title,
                "reference": e.reference,
                "date": e.date,
                "year": e.year,
                "url": e.url,
                "note": e.note,
            }
            for e in innovation.evidence.all()
        ],
        "outcomes": [
            {
                "label": o.label,
                "value_before": _number(o.value_before),
                "period_before": o.period_before,
                "value_after": _number(o.value_after),
                "period_after": o.period_after,
                "unit": o.unit,
                "source_url": o.source_url,
                "note": o.note,
            }
            for o in innovation.outcomes.all()
        ],
        "links": [{"kind": k.kind, "title": k.title, "url": k.url} for k in innovation.links.all()],
        "contacts": [
            {
                "unit": c.unit,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "website": c.website,
            }
            for c in innovation.contacts.all()
        ],
        "status": innovation.status,
        "published_at": innovation.published_at,
        "updated_at": innovation.updated_at,
    }
