"""Pages of peer learning: programmes, events, action plans, adoptions, reports, questions."""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sebaya.accounts.models import User
from sebaya.core import versioning
from sebaya.core.caching import public_page
from sebaya.innovations.models import Innovation
from sebaya.innovations.policies import innovation_policy
from sebaya.learning import exports
from sebaya.learning.forms import (
    ActionPlanForm,
    AdvanceForm,
    AnswerForm,
    EventForm,
    FeaturedPracticeForm,
    MaterialForm,
    ProgrammeForm,
    QuestionForm,
    RegistrationForm,
    SessionForm,
)
from sebaya.learning.models import (
    ActionPlan,
    Adoption,
    AdoptionEvidence,
    AdoptionStage,
    EventMaterial,
    FeaturedPractice,
    Follow,
    LearningEvent,
    LearningProgramme,
    Notification,
    Question,
    Registration,
    RegistrationStatus,
)
from sebaya.learning.policies import editing_organisation_ids, learning_policy
from sebaya.learning.selectors import (
    action_plan_list,
    adoption_detail,
    event_detail,
    practice_diffusion,
    programme_detail,
    programme_list,
    programme_report,
    questions_for,
    replications_of_organisations,
)
from sebaya.learning.services import (
    StaleAdoption,
    action_plan_remind,
    action_plan_submit,
    action_plan_update,
    adoption_advance,
    answer_post,
    attendance_set,
    event_create,
    event_material_add,
    event_session_add,
    event_update,
    featured_practice_add,
    featured_practice_remove,
    follow_set,
    notifications_mark_read,
    programme_create,
    programme_update,
    question_ask,
    registration_cancel,
    registration_create,
    stalled_days_setting,
)

LIST_PAGE_SIZE = 30


def _programme(slug: str) -> LearningProgramme:
    programme = programme_detail(slug)
    if programme is None:
        raise Http404(_("Program tidak ditemukan."))
    return programme


def _event(pk: int) -> LearningEvent:
    event = event_detail(pk)
    if event is None:
        raise Http404(_("Kegiatan tidak ditemukan."))
    return event


def _visible_practice(request: HttpRequest, slug: str) -> Innovation:
    innovation = (
        innovation_policy.visible(request.user)
        .select_related("region", "organisation")
        .filter(slug=slug)
        .first()
    )
    if innovation is None:
        raise Http404(_("Praktik tidak ditemukan."))
    return innovation


def _stalled_days(request: HttpRequest) -> int:
    raw = request.GET.get("hari", "")
    if raw.isdigit() and 1 <= int(raw) <= 3650:
        return int(raw)
    return stalled_days_setting()


# Programmes ----------------------------------------------------------------------------


def programmes(request: HttpRequest) -> HttpResponse:
    page = Paginator(programme_list(), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/programmes.html",
        {"page": page, "can_create": learning_policy.can_create_programme(request.user)},
    )


def programme(request: HttpRequest, slug: str) -> HttpResponse:
    obj = _programme(slug)
    plans = list(action_plan_list(programme=obj)[:50])
    return render(
        request,
        "learning/programme.html",
        {
            "programme": obj,
            "plans": plans,
            "can_manage": learning_policy.can_manage_programme(request.user, obj),
        },
    )


@login_required
def programme_create_view(request: HttpRequest) -> HttpResponse:
    if not learning_policy.can_create_programme(request.user):
        raise PermissionDenied(_("Anda belum menjadi editor organisasi mana pun."))
    form = ProgrammeForm(
        request.POST or None, organisers=learning_policy.organisations_for_programme(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            obj = programme_create(
                user=request.user,
                title=data.pop("title"),
                organisers=data.pop("organisers"),
                **data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Program “%(title)s” dibuat.") % {"title": obj.title})
            return redirect(obj)
    return render(
        request,
        "learning/form.html",
        {"form": form, "heading": _("Program baru"), "cancel_url": "/belajar/"},
    )


@login_required
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    obj = _programme(slug)
    if not learning_policy.can_manage_programme(request.user, obj):
        raise PermissionDenied(_("Hanya penyelenggara yang boleh mengubah program ini."))
    form = ProgrammeForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            programme_update(user=request.user, programme=obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect(obj)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "heading": _("Ubah program: %(title)s") % {"title": obj.title},
            "cancel_url": obj.get_absolute_url(),
        },
    )


# Events --------------------------------------------------------------------------------


def _event_context(request: HttpRequest, obj: LearningEvent) -> dict[str, Any]:
    user = request.user
    can_manage = learning_policy.can_manage_event(user, obj)
    my_orgs = learning_policy.organisations_for_participation(user).order_by("name")
    current = [r for r in obj.registrations.all() if r.status != RegistrationStatus.CANCELLED]
    my_registration = next((r for r in current if r.user_id == user.pk), None)
    organisations = sorted(
        {r.organisation for r in current if r.status == RegistrationStatus.REGISTERED},
        key=lambda o: o.name,
    )
    registered_orgs = {o.pk for o in organisations}
    context: dict[str, Any] = {
        "event": obj,
        "programme": obj.programme,
        "can_manage": can_manage,
        "registrations": current if can_manage else [],
        "participant_organisations": organisations,
        "seats_taken": sum(1 for r in current if r.status == RegistrationStatus.REGISTERED),
        "my_registration": my_registration,
        "can_plan": bool(registered_orgs & editing_organisation_ids(user)),
        "plans": action_plan_list().filter(event=obj),
    }
    if obj.registration_open and my_registration is None and my_orgs.exists():
        context["registration_form"] = RegistrationForm(organisations=my_orgs)
    if can_manage:
        context["session_form"] = SessionForm()
        context["featured_form"] = FeaturedPracticeForm()
        context["material_form"] = MaterialForm()
    return context


def event(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "learning/event.html", _event_context(request, _event(pk)))


@login_required
def event_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    obj = _programme(slug)
    if not learning_policy.can_manage_programme(request.user, obj):
        raise PermissionDenied(_("Hanya penyelenggara yang boleh menambah kegiatan program ini."))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            new = event_create(
                user=request.user,
                programme=obj,
                kind=data.pop("kind"),
                title=data.pop("title"),
                starts_on=data.pop("starts_on"),
                **data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Kegiatan “%(title)s” dibuat.") % {"title": new.title})
            return redirect(new)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "heading": _("Kegiatan baru: %(programme)s") % {"programme": obj.title},
            "cancel_url": obj.get_absolute_url(),
        },
    )


def _managed_event(request: HttpRequest, pk: int) -> LearningEvent:
    obj = get_object_or_404(LearningEvent.objects.select_related("programme"), pk=pk)
    if not learning_policy.can_manage_event(request.user, obj):
        raise PermissionDenied(_("Hanya penyelenggara yang boleh mengelola kegiatan ini."))
    return obj


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _managed_event(request, pk)
    form = EventForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(user=request.user, event=obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect(obj)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "heading": _("Ubah kegiatan: %(title)s") % {"title": obj.title},
            "cancel_url": obj.get_absolute_url(),
        },
    )


def _event_part(
    request: HttpRequest, pk: int, form_class: Any, save: Any, done: str, template_key: str
) -> HttpResponse:
    """Add a session, featured practice or material: on error, the event page shows the form."""
    obj = _managed_event(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            save(obj, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect(obj)
    # Show the event page again with the refused form, its errors and what was typed.
    context = _event_context(request, _event(pk))
    context[template_key] = form
    context["part_error"] = template_key
    return render(request, "learning/event.html", context, status=400)


@login_required
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_part(
        request,
        pk,
        SessionForm,
        lambda ev, d: event_session_add(user=request.user, event=ev, **d),
        _("Sesi ditambahkan ke agenda."),
        "session_form",
    )


@login_required
@require_POST
def featured_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_part(
        request,
        pk,
        FeaturedPracticeForm,
        lambda ev, d: featured_practice_add(
            user=request.user, event=ev, innovation=d["practice"], presenter=d.get("presenter")
        ),
        _("Praktik ditambahkan."),
        "featured_form",
    )


@login_required
@require_POST
def featured_remove(request: HttpRequest, pk: int, featured_pk: int) -> HttpResponse:
    featured = get_object_or_404(
        FeaturedPractice.objects.select_related("event__programme"), pk=featured_pk, event_id=pk
    )
    featured_practice_remove(user=request.user, featured=featured)
    messages.success(request, _("Praktik dihapus dari kegiatan."))
    return redirect(featured.event)


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_part(
        request,
        pk,
        MaterialForm,
        lambda ev, d: event_material_add(
            user=request.user,
            event=ev,
            title=d["title"],
            url=d.get("url") or "",
            file=d.get("file"),
        ),
        _("Materi ditambahkan."),
        "material_form",
    )


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(LearningEvent, pk=pk)
    form = RegistrationForm(
        request.POST, organisations=learning_policy.organisations_for_participation(request.user)
    )
    if not form.is_valid():
        messages.error(request, _("Pilih organisasi yang Anda wakili."))
        return redirect(obj)
    try:
        registration = registration_create(
            user=request.user, event=obj, organisation=form.cleaned_data["organisation"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if registration.status == RegistrationStatus.WAITLISTED:
            messages.success(request, _("Kegiatan sudah penuh; Anda masuk daftar tunggu."))
        else:
            messages.success(request, _("Anda terdaftar di kegiatan ini."))
    return redirect(obj)


@login_required
@require_POST
def registration_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=pk)
    registration_cancel(user=request.user, registration=registration)
    messages.success(request, _("Pendaftaran dibatalkan."))
    return redirect(registration.event)


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("event__programme"), pk=pk)
    attended = request.POST.get("attended") == "1"
    try:
        attendance_set(user=request.user, registration=registration, attended=attended)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kehadiran dicatat."))
    return redirect(registration.event)


# Action plans --------------------------------------------------------------------------


@login_required
def action_plan_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An action plan written after an event, for one of the practices presented there."""
    obj = _event(pk)
    registered = {
        r.organisation_id
        for r in obj.registrations.all()
        if r.status == RegistrationStatus.REGISTERED
    }
    organisations = (
        learning_policy.organisations_for_participation(request.user)
        .filter(pk__in=registered)
        .order_by("name")
    )
    if not organisations.exists():
        raise PermissionDenied(
            _(
                "Rencana tindak lanjut disusun oleh editor organisasi yang terdaftar di kegiatan "
                "ini."
            )
        )
    practices = Innovation.objects.filter(featured_at__event=obj).select_related("region")
    form = ActionPlanForm(
        request.POST or None,
        organisations=organisations,
        practices=practices.order_by("featured_at__position", "pk"),
    )
    if request.GET.get("praktik") and request.method != "POST":
        chosen = practices.filter(slug=request.GET["praktik"]).first()
        if chosen is not None:
            form.initial["innovation"] = chosen.pk
    if request.method == "POST" and form.is_valid():
        try:
            plan = action_plan_submit(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                innovation=form.cleaned_data["innovation"],
                plan=form.plan(),
                event=obj,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Rencana tindak lanjut tersimpan dan catatan adopsi dibuka.")
            )
            return redirect(plan)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "heading": _("Rencana tindak lanjut: %(event)s") % {"event": obj.title},
            "cancel_url": obj.get_absolute_url(),
            "intro": _(
                "Tuliskan apa yang akan Anda ubah dari praktik asal (modifikasi), mengapa, "
                "siapa penanggung jawabnya, dan target waktunya."
            ),
        },
    )


@login_required
def action_plan_for_practice(request: HttpRequest, slug: str) -> HttpResponse:
    """An action plan outside any event: a region decides to replicate a practice it found."""
    innovation = _visible_practice(request, slug)
    organisations = (
        learning_policy.organisations_for_participation(request.user)
        .exclude(region_id=innovation.region_id)
        .exclude(region=None)
        .order_by("name")
    )
    if not organisations.exists():
        raise PermissionDenied(
            _("Rencana tindak lanjut disusun oleh editor organisasi daerah pengadopsi.")
        )
    form = ActionPlanForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            plan = action_plan_submit(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                innovation=innovation,
                plan=form.plan(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Rencana tindak lanjut tersimpan dan catatan adopsi dibuka.")
            )
            return redirect(plan)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "heading": _("Rencana tindak lanjut: %(practice)s") % {"practice": innovation.title},
            "cancel_url": innovation.get_absolute_url(),
        },
    )


def action_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(action_plan_list().select_related("adoption__organisation"), pk=pk)
    return render(
        request,
        "learning/action_plan.html",
        {
            "plan": plan,
            "can_edit": learning_policy.can_edit_action_plan(request.user, plan.organisation_id),
            "can_remind": plan.programme is not None
            and learning_policy.can_manage_programme(request.user, plan.programme),
        },
    )


@login_required
def action_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ActionPlan.objects.select_related("innovation", "organisation"), pk=pk)
    if not learning_policy.can_edit_action_plan(request.user, plan.organisation_id):
        raise PermissionDenied(
            _("Hanya editor organisasi pengadopsi yang boleh mengubah rencana ini.")
        )
    form = ActionPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            action_plan_update(user=request.user, action_plan=plan, plan=form.plan())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect(plan)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "heading": _("Ubah rencana tindak lanjut"),
            "cancel_url": plan.get_absolute_url(),
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        ActionPlan.objects.select_related("programme", "adoption", "innovation"), pk=pk
    )
    try:
        sent = action_plan_remind(user=request.user, action_plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Pengingat dikirim ke %(n)d anggota %(org)s.")
            % {"n": sent, "org": plan.organisation.name},
        )
    target = request.POST.get("next") or ""
    if target.startswith("/belajar/"):
        return redirect(target)
    return redirect(plan)


# Adoptions -----------------------------------------------------------------------------


def adoption(
    request: HttpRequest, pk: int, form: AdvanceForm | None = None, status: int = 200
) -> HttpResponse:
    obj = adoption_detail(pk)
    if obj is None:
        raise Http404(_("Adopsi tidak ditemukan."))
    can_advance = learning_policy.can_advance(request.user, obj)
    if can_advance and form is None:
        form = AdvanceForm(
            initial={"version": obj.version, "date": timezone.localdate().isoformat()}
        )
    following = (
        request.user.is_authenticated
        and Follow.objects.filter(user=request.user, adoption=obj).exists()
    )
    return render(
        request,
        "learning/adoption.html",
        {
            "adoption": obj,
            "form": form if can_advance else None,
            "following": following,
            "changes": list(obj.stage_changes.all()),
        },
        status=status,
    )


@login_required
@require_POST
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Adoption.objects.select_related("innovation", "region"), pk=pk)
    if not learning_policy.can_advance(request.user, obj):
        raise PermissionDenied(
            _("Hanya editor organisasi pengadopsi yang boleh mengubah tahap adopsi ini.")
        )
    form = AdvanceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = adoption_advance(
                user=request.user,
                adoption=obj,
                to_stage=data["to_stage"],
                date=data["date"],
                note=data.get("note") or "",
                evidence=form.evidence(),
                going_back=bool(data.get("going_back")),
                stopped_reason=data.get("stopped_reason") or "",
                expected_version=data["version"],
            )
        except StaleAdoption as exc:
            form.add_error(None, exc)
            return adoption(request, pk, form=form, status=409)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Tahap adopsi kini %(stage)s.") % {"stage": change.get_to_stage_display()},
            )
            return redirect(obj)
    return adoption(request, pk, form=form, status=400)


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(AdoptionEvidence, pk=pk)
    return _serve(item.file, item.content_type)


def material_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(EventMaterial, pk=pk)
    return _serve(item.file, item.content_type)


def _serve(file: Any, content_type: str) -> FileResponse:
    if not file:
        raise Http404(_("Berkas tidak ditemukan."))
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Berkas tidak ditemukan.")) from exc
    name = file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=content_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("follow") == "1"
    kind, raw = request.POST.get("target", ""), request.POST.get("id", "")
    if not raw.isdigit():
        raise Http404(_("Tidak ditemukan."))
    if kind == "adoption":
        obj: Any = get_object_or_404(Adoption, pk=int(raw))
        follow_set(user=request.user, follow=wanted, adoption=obj)
        target = obj.get_absolute_url()
    elif kind == "practice":
        obj = get_object_or_404(innovation_policy.visible(request.user), pk=int(raw))
        follow_set(user=request.user, follow=wanted, innovation=obj)
        target = f"/belajar/praktik/{obj.slug}/"
    else:
        raise Http404(_("Tidak ditemukan."))
    messages.success(
        request,
        _("Anda kini mengikuti perubahannya; notifikasi juga dikirim lewat surel.")
        if wanted
        else _("Anda berhenti mengikuti."),
    )
    return redirect(target)


# Practices: diffusion, questions, the originator's view --------------------------------


def practice(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _visible_practice(request, slug)
    diffusion = practice_diffusion(innovation)
    user = request.user
    following = (
        user.is_authenticated and Follow.objects.filter(user=user, innovation=innovation).exists()
    )
    questions = list(questions_for(innovation))
    answerable = (
        {q.pk for q in questions if learning_policy.can_answer(user, q)}
        if user.is_authenticated
        else set()
    )
    can_plan = (
        learning_policy.organisations_for_participation(user)
        .exclude(region_id=innovation.region_id)
        .exclude(region=None)
        .exists()
    )
    return render(
        request,
        "learning/practice.html",
        {
            "innovation": innovation,
            "diffusion": diffusion,
            "following": following,
            "questions": questions,
            "answerable": answerable,
            "question_form": QuestionForm() if user.is_authenticated else None,
            "answer_form": AnswerForm(),
            "is_originator": learning_policy.is_originator(user, innovation),
            "can_plan": can_plan,
            "plans": action_plan_list(innovation_id=innovation.pk)[:50],
        },
    )


@login_required
@require_POST
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _visible_practice(request, slug)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = question_ask(
                user=request.user, innovation=innovation, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Pertanyaan terkirim ke daerah asal praktik."))
            return redirect(f"/belajar/praktik/{innovation.slug}/#q-{question.pk}")
    else:
        messages.error(request, _("Tulis pertanyaan Anda (paling banyak 4.000 karakter)."))
    return redirect(f"/belajar/praktik/{innovation.slug}/#tanya")


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("innovation"), pk=pk)
    if not innovation_policy.can_view(request.user, question.innovation):
        raise Http404(_("Praktik tidak ditemukan."))
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer_post(user=request.user, question=question, body=form.cleaned_data["body"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Jawaban terkirim."))
    else:
        messages.error(request, _("Tulis jawaban Anda (paling banyak 4.000 karakter)."))
    return redirect(f"/belajar/praktik/{question.innovation.slug}/#q-{question.pk}")


def practice_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    innovation = _visible_practice(request, slug)
    sheets = exports.diffusion_sheets(practice_diffusion(innovation))
    return _export_response(sheets, f"adopsi-{innovation.slug}", fmt)


@login_required
def replications(request: HttpRequest) -> HttpResponse:
    """The originator's view: who replicates the practices of my organisations, how far."""
    from sebaya.learning.policies import member_organisation_ids

    orgs = member_organisation_ids(request.user)
    rows = list(replications_of_organisations(orgs)) if orgs else []
    return render(request, "learning/replications.html", {"adoptions": rows})


# Reports -------------------------------------------------------------------------------


@public_page
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    obj = _programme(slug)
    days = _stalled_days(request)
    # The same for every reader (no user in it): kept per data version and day, which holds
    # the dashboard under 300 ms at 50,000 adoptions (docs/benchmarks.md).
    report = versioning.cached(
        "programme-report",
        (obj.pk, days, timezone.localdate()),
        lambda: programme_report(obj, stalled_days=days),
    )
    return render(
        request,
        "learning/dashboard.html",
        {
            "programme": obj,
            "report": report,
            "can_manage": learning_policy.can_manage_programme(request.user, obj),
        },
    )


def report(request: HttpRequest, slug: str) -> HttpResponse:
    obj = _programme(slug)
    days = _stalled_days(request)
    return render(
        request,
        "learning/report.html",
        {
            "programme": obj,
            "report": programme_report(obj, stalled_days=days),
            "printed_at": timezone.now(),
        },
    )


def programme_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    obj = _programme(slug)
    sheets = exports.programme_sheets(programme_report(obj, stalled_days=_stalled_days(request)))
    return _export_response(sheets, f"program-{obj.slug}", fmt)


def _export_response(sheets: list[exports.Sheet], name: str, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(sheets),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        # CSV holds one table: the main one (the action plans, or the adopters).
        main = sheets[1] if len(sheets) > 1 else sheets[0]
        response = HttpResponse(exports.to_csv(main), content_type="text/csv; charset=utf-8")
    else:
        raise Http404(_("Format tidak dikenal."))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# Notifications -------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
        return redirect("learning:notifications")
    rows = Notification.objects.filter(user=cast(User, request.user)).order_by("-created_at", "-pk")
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/notifications.html", {"page": page})


__all__ = ["AdoptionStage"]
