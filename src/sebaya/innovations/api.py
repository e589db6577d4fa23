"""API of practices: the catalogue list (same filters as the page), the full record, and writes
through the same services and policy as the site (token or session)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from sebaya.accounts.models import Organisation
from sebaya.api.auth import (
    OPTIONAL_TOKEN,
    READ_RESPONSES,
    WRITE_AUTH,
    WRITE_RESPONSES,
    TokenScope,
    api_user,
    service_errors,
    write_user,
)
from sebaya.api.errors import ERROR_RESPONSES, ApiError, bad_params, not_found
from sebaya.api.pagination import PageParams, paginate
from sebaya.api.params import SLUG_RE
from sebaya.history.selectors import diff_of, history_of
from sebaya.innovations import services
from sebaya.innovations.models import NARRATIVE_SECTIONS, Innovation, SdgGoal, Theme, Urusan
from sebaya.innovations.policies import innovation_policy
from sebaya.innovations.schemas import (
    ChangeRecordPage,
    PracticeCreate,
    PracticeDetail,
    PracticeFilters,
    PracticePage,
    PracticeUpdate,
    RevisionIn,
    StatusCheckIn,
    SubmitIn,
)
from sebaya.innovations.selectors import CatalogueFilters, innovation_detail, innovation_list
from sebaya.regions.models import Region
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
    response={200: PracticePage, **ERROR_RESPONSES, **READ_RESPONSES},
    openapi_extra=OPTIONAL_TOKEN,
    url_name="practice_list",
    summary="List practices",
    description=(
        "Published practices (and, for a signed-in member or a member's token, their "
        "organisation's unpublished ones), filtered exactly like the catalogue page. Unknown "
        "filter values answer 400; an invalid token 401."
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
    user = api_user(request)
    return paginate(
        request,
        innovation_list(user=user, filters=catalogue_filters),
        params=page,
        serialize=lambda row: _practice_row(request, row, provinces),
    )


@router.get(
    "/{slug}",
    response={200: PracticeDetail, 404: ERROR_RESPONSES[404], **READ_RESPONSES},
    openapi_extra=OPTIONAL_TOKEN,
    url_name="practice_detail",
    summary="One practice in full",
    description=(
        "Every part of a practice: narrative, classification, stage history, evidence, awards, "
        "outcome figures with sources, links and contacts. Drafts answer 404 to anyone not "
        "allowed to see them."
    ),
)
def practice_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = api_user(request)
    innovation = innovation_detail(user=user, slug=slug) if SLUG_RE.match(slug) else None
    if innovation is None:
        raise not_found(_("Praktik tidak ditemukan."))
    return _detail(request, innovation)


def _detail(request: HttpRequest, innovation: Innovation) -> dict[str, Any]:
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


# --- Writes: the site's services and policy, reached with a token or the session --------------

_CHOICE_FIELDS = ("bentuk", "jenis", "inisiator", "stage")
_M2M: dict[str, tuple[Any, str, Any]] = {
    "themes": (Theme, "slug", gettext_lazy("Tema tidak dikenal: %(v)s.")),
    "urusan": (Urusan, "code", gettext_lazy("Urusan tidak dikenal: %(v)s.")),
    "sdgs": (SdgGoal, "number", gettext_lazy("SDG tidak dikenal: %(v)s.")),
}


def _service_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Schema values -> keyword arguments of the innovation services (objects looked up)."""
    fields: dict[str, Any] = {}
    errors: list[tuple[str | None, str]] = []
    for name, value in data.items():
        if name in _M2M:
            model, key, message = _M2M[name]
            wanted = list(dict.fromkeys(value or []))
            found = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": wanted})}
            missing = [str(v) for v in wanted if v not in found]
            if missing:
                errors.append((name, str(message) % {"v": ", ".join(missing)}))
            fields[name] = [found[v] for v in wanted if v in found]
        elif name == "region":
            if value is None:
                continue
            region = Region.objects.filter(code=value).first()
            if region is None:
                errors.append(("region", _("Wilayah tidak dikenal: %(v)s.") % {"v": value}))
            fields["region"] = region
        elif name in _CHOICE_FIELDS:
            fields[name] = "" if value is None else str(value)
        else:
            fields[name] = "" if value is None and name != "year" else value
    if errors:
        raise ApiError(400, errors)
    return fields


def _writable(request: HttpRequest, slug: str) -> Innovation:
    """The practice, or 404 when absent or not visible to the caller (drafts do not leak)."""
    innovation = (
        Innovation.objects.select_related("organisation", "region").filter(slug=slug).first()
        if SLUG_RE.match(slug)
        else None
    )
    if innovation is None or not innovation_policy.can_view(request.user, innovation):
        raise not_found(_("Praktik tidak ditemukan."))
    return innovation


def _fresh(request: HttpRequest, innovation: Innovation) -> dict[str, Any]:
    found = innovation_detail(user=request.user, slug=innovation.slug)
    if found is None:  # pragma: no cover - the caller just wrote it and may see it
        raise not_found(_("Praktik tidak ditemukan."))
    return _detail(request, found)


_WRITE_NOTE = (
    " Needs a token with the `practices:write` scope (or the site's session with its CSRF "
    "token); the site's permission rules decide as on the pages."
)


@router.post(
    "",
    auth=WRITE_AUTH,
    response={201: PracticeDetail, **WRITE_RESPONSES},
    url_name="practice_create",
    summary="Create a practice (draft)",
    description="A new draft practice of an organisation the caller edits." + _WRITE_NOTE,
)
def practice_create(request: HttpRequest, payload: PracticeCreate) -> Status[dict[str, Any]]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    data = payload.model_dump(exclude_unset=True)
    org_slug = data.pop("organisation", None)
    organisation = None
    if org_slug:
        organisation = Organisation.objects.filter(slug=org_slug).first()
        if organisation is None:
            raise ApiError(
                400, [("organisation", _("Organisasi tidak dikenal: %(v)s.") % {"v": org_slug})]
            )
    title = data.pop("title")
    fields = _service_fields(data)
    region = fields.pop("region", None) or (organisation.region if organisation else None)
    with service_errors():
        innovation = services.innovation_create(
            user=user, organisation=organisation, region=region, title=title, **fields
        )
    return Status(201, _fresh(request, innovation))


@router.patch(
    "/{slug}",
    auth=WRITE_AUTH,
    response={200: PracticeDetail, **WRITE_RESPONSES},
    url_name="practice_update",
    summary="Change a practice",
    description="Change the given fields; fields left out stay as they are. Changing a "
    "verified practice sends it back for review." + _WRITE_NOTE,
)
def practice_update(request: HttpRequest, slug: str, payload: PracticeUpdate) -> dict[str, Any]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    innovation = _writable(request, slug)
    data = payload.model_dump(exclude_unset=True)
    if "title" in data and data["title"] is None:
        raise ApiError(400, [("title", _("Judul wajib diisi."))])
    fields = _service_fields(data)
    with service_errors():
        services.innovation_update(user=user, innovation=innovation, **fields)
    return _fresh(request, innovation)


def _workflow(path: str, name: str, summary: str, description: str) -> Any:
    return router.post(
        f"/{{slug}}/{path}",
        auth=WRITE_AUTH,
        response={200: PracticeDetail, **WRITE_RESPONSES},
        url_name=name,
        summary=summary,
        description=description + _WRITE_NOTE,
    )


@_workflow(
    "submit",
    "practice_submit",
    "Submit a practice for review",
    "Draft or revision-requested -> submitted. Answers close the open review notes. "
    "409 in any other state.",
)
def practice_submit(request: HttpRequest, slug: str, payload: SubmitIn) -> dict[str, Any]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    innovation = _writable(request, slug)
    responses = {}
    for key, text in payload.responses.items():
        if not key.isdigit() or len(key) > 18:
            raise ApiError(400, [("responses", _("ID catatan harus berupa angka."))])
        responses[int(key)] = text
    with service_errors():
        services.innovation_submit(user=user, innovation=innovation, responses=responses)
    return _fresh(request, innovation)


@_workflow(
    "revision",
    "practice_request_revision",
    "Ask for a revision (curators)",
    "Submitted -> revision requested, with a note per field. Curators only.",
)
def practice_request_revision(
    request: HttpRequest, slug: str, payload: RevisionIn
) -> dict[str, Any]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    innovation = _writable(request, slug)
    with service_errors():
        services.innovation_request_revision(user=user, innovation=innovation, notes=payload.notes)
    return _fresh(request, innovation)


@_workflow(
    "verify",
    "practice_verify",
    "Verify a practice (curators)",
    "Submitted -> verified; its editors may then publish it. Curators only.",
)
def practice_verify(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    innovation = _writable(request, slug)
    with service_errors():
        services.innovation_verify(user=user, innovation=innovation)
    return _fresh(request, innovation)


@_workflow(
    "publish",
    "practice_publish",
    "Publish a practice",
    "Verified -> published by its editors; curators may publish from any state.",
)
def practice_publish(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    innovation = _writable(request, slug)
    with service_errors():
        services.innovation_publish(user=user, innovation=innovation)
    return _fresh(request, innovation)


@_workflow(
    "unpublish",
    "practice_unpublish",
    "Take a practice off the catalogue",
    "Published -> draft, by its editors or curators.",
)
def practice_unpublish(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    innovation = _writable(request, slug)
    with service_errors():
        services.innovation_unpublish(user=user, innovation=innovation)
    return _fresh(request, innovation)


@_workflow(
    "status-check",
    "practice_status_check",
    'Record the yearly "still running?" check',
    "Marks the practice berlanjut (berjalan) or vakum (berhenti) with the date of the check.",
)
def practice_status_check(
    request: HttpRequest, slug: str, payload: StatusCheckIn
) -> dict[str, Any]:
    user = write_user(request, TokenScope.PRACTICES_WRITE)
    innovation = _writable(request, slug)
    with service_errors():
        services.innovation_mark_running(
            user=user,
            innovation=innovation,
            running_status=payload.running_status,
            checked_on=payload.checked_on,
        )
    return _fresh(request, innovation)


@router.get(
    "/{slug}/history",
    response={200: ChangeRecordPage, 400: ERROR_RESPONSES[400], **WRITE_RESPONSES},
    openapi_extra=OPTIONAL_TOKEN,
    url_name="practice_history",
    summary="Change history of a practice",
    description="Every recorded change (who, when, each field before and after), newest first. "
    "For members of the owning organisation and curators: 401 without a session or token, "
    "403 for others.",
)
def practice_history(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    if not user.is_authenticated:
        raise ApiError(401, [(None, _("Perlu masuk terlebih dahulu."))])
    innovation = _writable(request, slug)
    if not innovation_policy.can_view_history(user, innovation):
        raise ApiError(
            403, [(None, _("Riwayat praktik hanya untuk anggota organisasi dan kurator."))]
        )

    def row(record: Any) -> dict[str, Any]:
        return {
            "at": record.at,
            "action": record.action,
            "actor": record.actor.get_username() if record.actor else None,
            "note": record.note,
            "changes": [
                {
                    "field": d.field,
                    "label": d.label,
                    "before": (record.before or {}).get(d.field),
                    "after": (record.after or {}).get(d.field),
                }
                for d in diff_of(record)
            ],
        }

    return paginate(request, history_of(innovation), params=page, serialize=row)
