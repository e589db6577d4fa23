"""API of peer learning: programmes, events, action plans and adoptions.

Reads are public. Writes take a personal access token (scope `programmes:write` for programmes
and events, `adoptions:write` for action plans and stage changes) or the site's session with its
CSRF token (sebaya.api.auth). The policy behind each write is the same as the pages'
(learning.policies).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router

from sebaya.accounts.models import Organisation, TokenScope
from sebaya.api.auth import WRITE_AUTH, WRITE_RESPONSES, service_errors, write_user
from sebaya.api.errors import ERROR_RESPONSES, ApiError, not_found
from sebaya.api.pagination import PageParams, paginate
from sebaya.api.params import SLUG_RE
from sebaya.innovations.models import Innovation
from sebaya.innovations.policies import innovation_policy
from sebaya.learning.models import (
    ActionPlan,
    Adoption,
    AdoptionStage,
    LearningEvent,
    LearningProgramme,
    RegistrationStatus,
)
from sebaya.learning.schemas import (
    ActionPlanFilters,
    ActionPlanIn,
    ActionPlanOut,
    ActionPlanPage,
    AdoptionDetail,
    AdoptionFilters,
    AdoptionPage,
    EventDetail,
    EventFilters,
    EventIn,
    EventPage,
    ProgrammeDetail,
    ProgrammeIn,
    ProgrammePage,
    StageChangeIn,
)
from sebaya.learning.selectors import (
    action_plan_list,
    adoption_detail,
    adoption_list,
    event_detail,
    institutionalised_count,
    programme_detail,
    programme_list,
    stage_counts,
)
from sebaya.learning.services import (
    ActionPlanInput,
    EvidenceInput,
    action_plan_submit,
    adoption_advance,
    event_create,
    featured_practice_add,
    programme_create,
)
from sebaya.regions.models import Region

programmes_router = Router()
events_router = Router()
action_plans_router = Router()
adoptions_router = Router()


# Serialisers ---------------------------------------------------------------------------


def _abs(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _org(org: Organisation | None) -> dict[str, Any] | None:
    return {"slug": org.slug, "name": org.name, "kind": org.kind} if org else None


def _region(region: Region | None) -> dict[str, Any] | None:
    return {"code": region.code, "name": region.name} if region else None


def _practice(request: HttpRequest, innovation: Innovation) -> dict[str, Any]:
    return {
        "slug": innovation.slug,
        "title": innovation.title,
        "region": _region(innovation.region),
        "url": _abs(request, innovation.get_absolute_url()),
    }


def _programme_row(request: HttpRequest, p: LearningProgramme) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "title": p.title,
        "theme": p.theme,
        "organisers": [_org(o) for o in p.organisers.all()],
        "focus_region": _region(p.focus_region),
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "source_url": p.source_url,
        "source_note": p.source_note,
        "url": _abs(request, p.get_absolute_url()),
        "api_url": _abs(request, reverse("api:programme_detail", kwargs={"slug": p.slug})),
    }


def _event_row(request: HttpRequest, e: LearningEvent) -> dict[str, Any]:
    registered = getattr(e, "registered", None)
    if registered is None:
        registered = e.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    return {
        "id": e.pk,
        "programme": e.programme.slug,
        "kind": e.kind,
        "title": e.title,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "place": e.place,
        "online_url": e.online_url,
        "capacity": e.capacity,
        "registration_open": e.registration_open,
        "registered": registered,
        "source_url": e.source_url,
        "url": _abs(request, e.get_absolute_url()),
    }


def _plan(request: HttpRequest, plan: ActionPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "programme": plan.programme.slug if plan.programme else None,
        "event": plan.event_id,
        "organisation": _org(plan.organisation),
        "practice": _practice(request, plan.innovation),
        "adoption": plan.adoption_id,
        "stage": plan.adoption.stage,
        "modification": plan.modification,
        "rationale": plan.rationale,
        "responsible_unit": plan.responsible_unit,
        "resources_needed": plan.resources_needed,
        "target_pilot_on": plan.target_pilot_on,
        "target_operation_on": plan.target_operation_on,
        "target_institutionalised_on": plan.target_institutionalised_on,
        "created_at": plan.created_at,
        "url": _abs(request, plan.get_absolute_url()),
    }


def _adoption_row(request: HttpRequest, a: Adoption) -> dict[str, Any]:
    return {
        "id": a.pk,
        "practice": _practice(request, a.innovation),
        "region": _region(a.region),
        "organisation": _org(a.organisation),
        "programme": a.programme.slug if a.programme else None,
        "stage": a.stage,
        "stage_changed_on": a.stage_changed_on,
        "stopped_reason": a.stopped_reason,
        "source_url": a.source_url,
        "version": a.version,
        "url": _abs(request, a.get_absolute_url()),
    }


def _adoption_detail(request: HttpRequest, a: Adoption) -> dict[str, Any]:
    return {
        **_adoption_row(request, a),
        "timeline": [
            {
                "from_stage": c.from_stage or None,
                "to_stage": c.to_stage,
                "date": c.date,
                "note": c.note,
                "source_url": c.source_url,
                "is_backwards": c.is_backwards,
                "organisation": _org(c.organisation),
                "evidence": [
                    {
                        "kind": ev.kind,
                        "title": ev.title,
                        "reference": ev.reference,
                        "date": ev.date,
                        "url": ev.url,
                        "file_url": _abs(
                            request, reverse("learning:evidence_file", kwargs={"pk": ev.pk})
                        )
                        if ev.file
                        else None,
                    }
                    for ev in c.evidence.all()
                ],
            }
            for c in a.stage_changes.all()
        ],
    }


# Errors of writes ----------------------------------------------------------------------


def _slug_or_404(slug: str, message: str) -> str:
    if not SLUG_RE.match(slug):
        raise not_found(message)
    return slug


def _organisation(slug: str, field: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first() if SLUG_RE.match(slug) else None
    if org is None:
        raise ApiError(400, [(field, _("Organisasi “%(slug)s” tidak ditemukan.") % {"slug": slug})])
    return org


def _visible_practice(request: HttpRequest, slug: str, field: str = "practice") -> Innovation:
    innovation = (
        innovation_policy.visible(request.user).filter(slug=slug).select_related("region").first()
        if SLUG_RE.match(slug)
        else None
    )
    if innovation is None:
        raise ApiError(400, [(field, _("Praktik “%(slug)s” tidak ditemukan.") % {"slug": slug})])
    return innovation


# Programmes ----------------------------------------------------------------------------


@programmes_router.get(
    "",
    response={200: ProgrammePage, **ERROR_RESPONSES},
    url_name="programme_list",
    summary="List learning programmes",
    description="Peer-learning programmes, newest first, with organisers, period and source.",
)
def programme_list_api(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(
        request, programme_list(), params=page, serialize=lambda p: _programme_row(request, p)
    )


@programmes_router.get(
    "/{slug}",
    response={200: ProgrammeDetail, 404: ERROR_RESPONSES[404]},
    url_name="programme_detail",
    summary="One learning programme",
    description="A programme with its events, its number of action plans and its adoptions by "
    "stage (institutionalised = adoptions that reached pelembagaan).",
)
def programme_detail_api(request: HttpRequest, slug: str) -> dict[str, Any]:
    programme = programme_detail(_slug_or_404(slug, _("Program tidak ditemukan.")))
    if programme is None:
        raise not_found(_("Program tidak ditemukan."))
    adoptions = list(
        Adoption.objects.filter(Q(action_plans__programme=programme) | Q(programme=programme))
        .distinct()
        .only("pk", "stage")
    )
    return {
        **_programme_row(request, programme),
        "description": programme.description,
        "events": [e.pk for e in programme.events.all()],
        "action_plans": programme.action_plans.count(),
        "adoptions_by_stage": [s.__dict__ for s in stage_counts(adoptions)],
        "institutionalised": institutionalised_count(a.pk for a in adoptions),
    }


@programmes_router.post(
    "",
    response={200: ProgrammeDetail, **WRITE_RESPONSES},
    auth=WRITE_AUTH,
    url_name="programme_create",
    summary="Start a learning programme",
    description="Needs an editor or admin of each organiser organisation.",
)
def programme_create_api(request: HttpRequest, body: ProgrammeIn) -> dict[str, Any]:
    write_user(request, TokenScope.PROGRAMMES_WRITE)  # scope, rate limit
    organisers = [_organisation(slug, "organisers") for slug in body.organisers]
    region = None
    if body.focus_region:
        region = Region.objects.filter(code=body.focus_region).first()
        if region is None:
            raise ApiError(400, [("focus_region", _("Wilayah tidak dikenal."))])
    with service_errors():
        programme = programme_create(
            user=request.user,
            title=body.title,
            organisers=organisers,
            theme=body.theme,
            description=body.description,
            focus_region=region,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
        )
    return programme_detail_api(request, programme.slug)


# Events --------------------------------------------------------------------------------


@events_router.get(
    "",
    response={200: EventPage, **ERROR_RESPONSES},
    url_name="event_list",
    summary="List learning events",
    description="Workshops, study visits and webinars, by date; filter by programme slug.",
)
def event_list_api(
    request: HttpRequest, filters: Query[EventFilters], page: Query[PageParams]
) -> dict[str, Any]:

    qs = (
        LearningEvent.objects.select_related("programme")
        .annotate(
            registered=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
            )
        )
        .order_by("starts_on", "pk")
    )
    if filters.programme:
        qs = qs.filter(programme__slug=filters.programme)
    return paginate(request, qs, params=page, serialize=lambda e: _event_row(request, e))


def _event_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    event = event_detail(pk)
    if event is None:
        raise not_found(_("Kegiatan tidak ditemukan."))
    registered = [r for r in event.registrations.all() if r.status == RegistrationStatus.REGISTERED]
    participants = {r.organisation_id: r.organisation for r in registered}
    return {
        **_event_row(request, event),
        "registered": len(registered),
        "description": event.description,
        "sessions": [
            {
                "title": s.title,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "description": s.description,
            }
            for s in event.sessions.all()
        ],
        "featured": [
            {"practice": _practice(request, f.innovation), "presenter": _org(f.presenter)}
            for f in event.featured.all()
        ],
        "materials": [
            {
                "title": m.title,
                "url": m.url
                or _abs(request, reverse("learning:material_file", kwargs={"pk": m.pk})),
            }
            for m in event.materials.all()
        ],
        "participants": [_org(o) for o in sorted(participants.values(), key=lambda o: o.name)],
    }


@events_router.get(
    "/{int:event_id}",
    response={200: EventDetail, 404: ERROR_RESPONSES[404]},
    url_name="event_detail",
    summary="One learning event",
    description="An event with its agenda, featured practices and their presenters, materials "
    "and participating organisations.",
)
def event_detail_api(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return _event_detail(request, event_id)


@events_router.post(
    "",
    response={200: EventDetail, **WRITE_RESPONSES},
    auth=WRITE_AUTH,
    url_name="event_create",
    summary="Add an event to a programme",
    description="Organisers only. Featured practices are presented by their own organisation.",
)
def event_create_api(request: HttpRequest, body: EventIn) -> dict[str, Any]:
    write_user(request, TokenScope.PROGRAMMES_WRITE)  # scope, rate limit
    programme = LearningProgramme.objects.filter(slug=body.programme).first()
    if programme is None:
        raise ApiError(400, [("programme", _("Program tidak ditemukan."))])
    practices = [_visible_practice(request, slug, "practices") for slug in body.practices]
    with service_errors():
        event = event_create(
            user=request.user,
            programme=programme,
            kind=body.kind,
            title=body.title,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            place=body.place,
            online_url=body.online_url,
            description=body.description,
            capacity=body.capacity,
            registration_open=body.registration_open,
        )
        for innovation in practices:
            featured_practice_add(user=request.user, event=event, innovation=innovation)
    return _event_detail(request, event.pk)


# Action plans --------------------------------------------------------------------------


@action_plans_router.get(
    "",
    response={200: ActionPlanPage, **ERROR_RESPONSES},
    url_name="action_plan_list",
    summary="List action plans",
    description="Rencana tindak lanjut, newest first, with the stage of the adoption each opened.",
)
def action_plan_list_api(
    request: HttpRequest, filters: Query[ActionPlanFilters], page: Query[PageParams]
) -> dict[str, Any]:
    qs = action_plan_list()
    if filters.programme:
        qs = qs.filter(programme__slug=filters.programme)
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    if filters.practice:
        qs = qs.filter(innovation__slug=filters.practice)
    qs = qs.filter(innovation__in=innovation_policy.visible(request.user))
    return paginate(request, qs, params=page, serialize=lambda p: _plan(request, p))


@action_plans_router.get(
    "/{int:plan_id}",
    response={200: ActionPlanOut, 404: ERROR_RESPONSES[404]},
    url_name="action_plan_detail",
    summary="One action plan",
    description="What the adopting organisation will change and why, who is responsible, the "
    "resources and target dates, and the adoption's current stage.",
)
def action_plan_detail_api(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = action_plan_list().filter(pk=plan_id).first()
    if plan is None or not innovation_policy.can_view(request.user, plan.innovation):
        raise not_found(_("Rencana tindak lanjut tidak ditemukan."))
    return _plan(request, plan)


@action_plans_router.post(
    "",
    response={200: ActionPlanOut, **WRITE_RESPONSES},
    auth=WRITE_AUTH,
    url_name="action_plan_create",
    summary="Submit an action plan",
    description="Editors of the adopting organisation; opens (or joins) the adoption record of "
    "the practice in the organisation's region.",
)
def action_plan_create_api(request: HttpRequest, body: ActionPlanIn) -> dict[str, Any]:
    write_user(request, TokenScope.ADOPTIONS_WRITE)  # scope, rate limit
    organisation = _organisation(body.organisation, "organisation")
    innovation = _visible_practice(request, body.practice)
    event = None
    if body.event is not None:
        event = LearningEvent.objects.select_related("programme").filter(pk=body.event).first()
        if event is None:
            raise ApiError(400, [("event", _("Kegiatan tidak ditemukan."))])
    with service_errors():
        plan = action_plan_submit(
            user=request.user,
            organisation=organisation,
            innovation=innovation,
            event=event,
            plan=ActionPlanInput(
                modification=body.modification,
                rationale=body.rationale,
                responsible_unit=body.responsible_unit,
                resources_needed=body.resources_needed,
                target_pilot_on=body.target_pilot_on,
                target_operation_on=body.target_operation_on,
                target_institutionalised_on=body.target_institutionalised_on,
            ),
        )
    return action_plan_detail_api(request, plan.pk)


# Adoptions -----------------------------------------------------------------------------


@adoptions_router.get(
    "",
    response={200: AdoptionPage, **ERROR_RESPONSES},
    url_name="adoption_list",
    summary="List adoption records",
    description="Which region replicates which practice and how far it has got; filter by "
    "practice, programme or stage.",
)
def adoption_list_api(
    request: HttpRequest, filters: Query[AdoptionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    if filters.stage and filters.stage not in AdoptionStage.values:
        raise ApiError(
            400, [("stage", _("Nilai “%(value)s” tidak dikenal.") % {"value": filters.stage[:100]})]
        )
    qs = adoption_list(stage=filters.stage or "")
    if filters.practice:
        qs = qs.filter(innovation__slug=filters.practice)
    if filters.programme:
        qs = qs.filter(programme__slug=filters.programme)
    qs = qs.filter(innovation__in=innovation_policy.visible(request.user))
    return paginate(request, qs, params=page, serialize=lambda a: _adoption_row(request, a))


def _adoption_or_404(request: HttpRequest, pk: int) -> Adoption:
    adoption = adoption_detail(pk)
    if adoption is None or not innovation_policy.can_view(request.user, adoption.innovation):
        raise not_found(_("Adopsi tidak ditemukan."))
    return adoption


@adoptions_router.get(
    "/{int:adoption_id}",
    response={200: AdoptionDetail, 404: ERROR_RESPONSES[404]},
    url_name="adoption_detail",
    summary="One adoption record with its timeline",
    description="Every dated stage change with its note and evidence (regulations, budget "
    "documents, reports, links and files).",
)
def adoption_detail_api(request: HttpRequest, adoption_id: int) -> dict[str, Any]:
    return _adoption_detail(request, _adoption_or_404(request, adoption_id))


@adoptions_router.post(
    "/{int:adoption_id}/stage-changes",
    response={200: AdoptionDetail, **WRITE_RESPONSES},
    auth=WRITE_AUTH,
    url_name="adoption_advance",
    summary="Record a stage change",
    description="Editors of the adopting organisation only. `expected_version` is the version "
    "you read: if someone changed the record since, nothing is saved and the answer is 409. "
    "Kesepakatan needs a letter of interest or MoU as evidence, pelembagaan a regulation, "
    "budget document or RKPD; dates may not be in the future; going back needs "
    "`going_back` and a note; berhenti needs `stopped_reason`.",
)
def adoption_advance_api(
    request: HttpRequest, adoption_id: int, body: StageChangeIn
) -> dict[str, Any]:
    write_user(request, TokenScope.ADOPTIONS_WRITE)  # scope, rate limit
    adoption = _adoption_or_404(request, adoption_id)
    with service_errors():
        adoption_advance(
            user=request.user,
            adoption=adoption,
            to_stage=body.to_stage,
            date=body.date,
            note=body.note,
            going_back=body.going_back,
            stopped_reason=body.stopped_reason,
            expected_version=body.expected_version,
            evidence=[
                EvidenceInput(
                    kind=e.kind, title=e.title, reference=e.reference, date=e.date, url=e.url
                )
                for e in body.evidence
            ],
        )
    return _adoption_detail(request, _adoption_or_404(request, adoption_id))
