"""Writes of peer learning. Views, API, commands and the demo all come through here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sebaya.accounts.models import Membership, Organisation, Role
from sebaya.core.errors import Conflict
from sebaya.core.slugs import unique_slug
from sebaya.history.models import ChangeAction
from sebaya.history.services import record_change, snapshot
from sebaya.innovations.models import Innovation
from sebaya.innovations.policies import innovation_policy
from sebaya.learning.models import (
    EVIDENCE_REQUIRED,
    ActionPlan,
    Adoption,
    AdoptionEvidence,
    AdoptionStage,
    AdoptionStageChange,
    Answer,
    EventKind,
    EventMaterial,
    EventSession,
    EvidenceKind,
    FeaturedPractice,
    Follow,
    LearningEvent,
    LearningProgramme,
    NotificationKind,
    Question,
    Registration,
    RegistrationStatus,
    stage_rank,
)
from sebaya.learning.notifications import (
    followers_of,
    members_of,
    notify,
    send_email,
    site_url,
)
from sebaya.learning.policies import learning_policy
from sebaya.learning.uploads import check_upload
from sebaya.regions.models import Region


@dataclass(frozen=True)
class DocumentedAdoption:
    """An adoption that a public source documents (a study visit, an MoU), without a user."""

    innovation: Innovation
    region: Region
    stage: str
    source_url: str
    note: str = ""
    date: datetime.date | None = None
    organisation: Organisation | None = None


#: What the history of an adoption record keeps of it.
_ADOPTION_HISTORY_FIELDS = (
    "stage",
    "stage_changed_on",
    "stopped_reason",
    "organisation",
    "programme",
    "version",
)


def _adoption_snapshot(adoption: Adoption) -> dict[str, Any]:
    return snapshot(adoption, fields=_ADOPTION_HISTORY_FIELDS)


@transaction.atomic
def adoption_record_documented(spec: DocumentedAdoption) -> tuple[Adoption, bool]:
    """Create the adoption record that a source documents; leave an existing one untouched.

    Returns the record and whether it was created. An existing record is never moved by a
    re-run of the demo or an import: its later history belongs to the people following it up.
    """
    if spec.stage not in AdoptionStage.values:
        raise ValueError(f"unknown adoption stage: {spec.stage!r}")
    adoption, created = Adoption.objects.get_or_create(
        innovation=spec.innovation,
        region=spec.region,
        defaults={
            "organisation": spec.organisation,
            "stage": spec.stage,
            "stage_changed_on": spec.date,
            "source_url": spec.source_url,
            "source_note": spec.note[:300],
        },
    )
    if created:
        AdoptionStageChange.objects.create(
            adoption=adoption,
            from_stage="",
            to_stage=spec.stage,
            date=spec.date,
            note=spec.note,
            source_url=spec.source_url,
        )
        record_change(
            actor=None,
            action=ChangeAction.CREATE,
            instance=adoption,
            after=_adoption_snapshot(adoption),
            note=spec.source_url,
        )
    return adoption, created


# ---------------------------------------------------------------------------------------------
# Programmes, events, registration, action plans, adoption stages, questions, follow-up.
# Every write below asks learning_policy first, validates, and runs in one transaction.
# ---------------------------------------------------------------------------------------------


class StaleAdoption(Conflict):
    """Someone else changed the adoption since this writer read it: nothing was saved."""


def _stale() -> StaleAdoption:
    return StaleAdoption(
        _(
            "Adopsi ini baru saja diubah orang lain, jadi perubahan Anda belum disimpan. Muat "
            "ulang halaman untuk melihat tahap terbaru, lalu coba lagi."
        ),
        code="conflict",
    )


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _today() -> datetime.date:
    return timezone.localdate()


def _errors_or_none(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _full_clean(instance: Any, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def unique_programme_slug(title: str) -> str:
    return unique_slug(
        title,
        queryset=LearningProgramme.objects.all(),
        fallback="program",
        reserved=RESERVED_PROGRAMME_SLUGS,
    )


#: Paths under /belajar/program/ that are pages, not programmes.
RESERVED_PROGRAMME_SLUGS = frozenset({"baru"})


PROGRAMME_FIELDS = frozenset(
    {
        "title",
        "theme",
        "description",
        "focus_region",
        "starts_on",
        "ends_on",
        "source_url",
        "source_note",
    }
)
EVENT_FIELDS = frozenset(
    {
        "kind",
        "title",
        "starts_on",
        "ends_on",
        "place",
        "online_url",
        "description",
        "capacity",
        "registration_open",
        "source_url",
        "source_note",
    }
)


def _validate_period(errors: dict[str, list[str]], start: Any, end: Any, field: str) -> None:
    if start and end and end < start:
        errors.setdefault(field, []).append(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))


def _set_fields(instance: Any, allowed: frozenset[str], fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{type(instance).__name__} field {name!r} cannot be set here")
        setattr(instance, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def programme_create(
    *, user: Any, title: str, organisers: Iterable[Organisation], **fields: Any
) -> LearningProgramme:
    """Start a programme; the organisers must be organisations the user edits for."""
    if not learning_policy.can_create_programme(user):
        raise _deny(
            _("Anda belum menjadi editor organisasi mana pun, jadi belum bisa membuat program.")
        )
    organiser_list = list(organisers)
    allowed = set(learning_policy.organisations_for_programme(user).values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    if not organiser_list:
        errors["organisers"] = [_("Pilih setidaknya satu organisasi penyelenggara.")]
    elif any(org.pk not in allowed for org in organiser_list):
        raise _deny(_("Anda hanya boleh menyebut organisasi Anda sendiri sebagai penyelenggara."))
    programme = LearningProgramme(title=(title or "").strip(), created_by=user)
    _set_fields(programme, PROGRAMME_FIELDS, fields)
    if not programme.title:
        errors.setdefault("title", []).append(_("Judul wajib diisi."))
    _validate_period(errors, programme.starts_on, programme.ends_on, "ends_on")
    _errors_or_none(errors)
    programme.slug = unique_programme_slug(programme.title)
    _full_clean(programme)
    programme.save()
    programme.organisers.set(organiser_list)
    return programme


@transaction.atomic
def programme_update(
    *, user: Any, programme: LearningProgramme, **fields: Any
) -> LearningProgramme:
    if not learning_policy.can_manage_programme(user, programme):
        raise _deny(_("Hanya penyelenggara yang boleh mengubah program ini."))
    _set_fields(programme, PROGRAMME_FIELDS, fields)
    errors: dict[str, list[str]] = {}
    if not programme.title:
        errors["title"] = [_("Judul wajib diisi.")]
    _validate_period(errors, programme.starts_on, programme.ends_on, "ends_on")
    _errors_or_none(errors)
    _full_clean(programme)
    programme.save()
    return programme


def _validate_event(event: LearningEvent) -> None:
    errors: dict[str, list[str]] = {}
    if not event.title:
        errors["title"] = [_("Judul wajib diisi.")]
    if event.kind not in EventKind.values:
        errors["kind"] = [_("Jenis kegiatan tidak dikenal.")]
    if event.starts_on is None:
        errors["starts_on"] = [_("Tanggal wajib diisi.")]
    _validate_period(errors, event.starts_on, event.ends_on, "ends_on")
    if event.kind == EventKind.WEBINAR and not event.online_url and not event.place:
        errors.setdefault("online_url", []).append(_("Webinar perlu tautan daring."))
    _errors_or_none(errors)
    _full_clean(event, exclude=["programme"])


@transaction.atomic
def event_create(
    *, user: Any, programme: LearningProgramme, kind: str, title: str, starts_on: Any, **fields: Any
) -> LearningEvent:
    if not learning_policy.can_manage_programme(user, programme):
        raise _deny(_("Hanya penyelenggara yang boleh menambah kegiatan program ini."))
    event = LearningEvent(
        programme=programme, kind=kind, title=(title or "").strip(), starts_on=starts_on
    )
    _set_fields(event, EVENT_FIELDS, fields)
    _validate_event(event)
    event.save()
    return event


@transaction.atomic
def event_update(*, user: Any, event: LearningEvent, **fields: Any) -> LearningEvent:
    if not learning_policy.can_manage_event(user, event):
        raise _deny(_("Hanya penyelenggara yang boleh mengubah kegiatan ini."))
    _set_fields(event, EVENT_FIELDS, fields)
    _validate_event(event)
    event.save()
    return event


@transaction.atomic
def event_session_add(
    *,
    user: Any,
    event: LearningEvent,
    title: str,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    description: str = "",
) -> EventSession:
    if not learning_policy.can_manage_event(user, event):
        raise _deny(_("Hanya penyelenggara yang boleh menyusun agenda kegiatan ini."))
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Judul sesi wajib diisi.")]
    if starts_at and ends_at and ends_at < starts_at:
        errors["ends_at"] = [_("Sesi tidak boleh selesai sebelum mulai.")]
    _errors_or_none(errors)
    position = event.sessions.count() + 1
    return EventSession.objects.create(
        event=event,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        description=(description or "").strip(),
        position=position,
    )


@transaction.atomic
def featured_practice_add(
    *,
    user: Any | None,
    event: LearningEvent,
    innovation: Innovation,
    presenter: Organisation | None = None,
) -> FeaturedPractice:
    """Feature a practice; the presenter defaults to the practice's own organisation."""
    if user is not None and not learning_policy.can_manage_event(user, event):
        raise _deny(_("Hanya penyelenggara yang boleh memilih praktik untuk kegiatan ini."))
    if user is not None and not innovation_policy.can_view(user, innovation):
        raise ValidationError({"practice": [_("Praktik tidak ditemukan.")]})
    existing = FeaturedPractice.objects.filter(event=event, innovation=innovation).first()
    if existing is not None:
        if user is None:
            return existing
        raise ValidationError({"practice": [_("Praktik ini sudah ada di kegiatan ini.")]})
    return FeaturedPractice.objects.create(
        event=event,
        innovation=innovation,
        presenter=presenter or innovation.organisation,
        position=event.featured.count() + 1,
    )


@transaction.atomic
def featured_practice_remove(*, user: Any, featured: FeaturedPractice) -> None:
    if not learning_policy.can_manage_event(user, featured.event):
        raise _deny(_("Hanya penyelenggara yang boleh mengubah daftar praktik kegiatan ini."))
    featured.delete()


@transaction.atomic
def event_material_add(
    *, user: Any, event: LearningEvent, title: str, url: str = "", file: Any = None
) -> EventMaterial:
    if not learning_policy.can_manage_event(user, event):
        raise _deny(_("Hanya penyelenggara yang boleh menambah materi kegiatan ini."))
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Judul materi wajib diisi.")]
    if not url and file is None:
        errors.setdefault("url", []).append(_("Isi tautan atau unggah berkas."))
    if url and file is not None:
        errors.setdefault("url", []).append(_("Pilih salah satu: tautan atau berkas."))
    content_type = ""
    if file is not None:
        try:
            content_type = check_upload(file)
        except ValidationError as exc:
            errors.setdefault("file", []).extend(exc.messages)
    _errors_or_none(errors)
    material = EventMaterial(
        event=event, title=title.strip(), url=url, content_type=content_type, added_by=user
    )
    _full_clean(material, exclude=["event", "file", "added_by"])
    if file is not None:
        material.file.save(_safe_name(file.name), file, save=False)
    material.save()
    return material


def _safe_name(name: str) -> str:
    stem, dot, ext = (name or "berkas").rpartition(".")
    base = slugify(stem or ext)[:60] or "berkas"
    return f"{base}.{slugify(ext)[:8]}" if dot else base


# Registration ---------------------------------------------------------------------------


@transaction.atomic
def registration_create(
    *, user: Any, event: LearningEvent, organisation: Organisation
) -> Registration:
    """Register the user for their organisation; a full event puts them on the waiting list."""
    if not learning_policy.can_register(user, organisation):
        raise _deny(_("Anda hanya boleh mendaftarkan organisasi tempat Anda menjadi editor."))
    # Lock the event row so two people taking the last seat at once cannot both get it.
    event = LearningEvent.objects.select_for_update().get(pk=event.pk)
    if not event.registration_open:
        raise ValidationError({"organisation": [_("Pendaftaran kegiatan ini tidak dibuka.")]})
    existing = Registration.objects.filter(event=event, user=user).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise ValidationError({"organisation": [_("Anda sudah terdaftar di kegiatan ini.")]})
    taken = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    status = RegistrationStatus.REGISTERED
    if event.capacity is not None and taken >= event.capacity:
        status = RegistrationStatus.WAITLISTED
    if existing is not None:
        existing.organisation = organisation
        existing.status = status
        existing.save(update_fields=["organisation", "status", "updated_at"])
        return existing
    return Registration.objects.create(
        event=event, organisation=organisation, user=user, status=status
    )


@transaction.atomic
def registration_cancel(*, user: Any, registration: Registration) -> Registration:
    if registration.user_id != user.pk and not learning_policy.can_manage_event(
        user, registration.event
    ):
        raise _deny(_("Anda tidak berhak membatalkan pendaftaran ini."))
    event = LearningEvent.objects.select_for_update().get(pk=registration.event_id)
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    if was_registered:
        # The first on the waiting list takes the freed seat.
        waiting = (
            Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if waiting is not None:
            waiting.status = RegistrationStatus.REGISTERED
            waiting.save(update_fields=["status", "updated_at"])
    return registration


@transaction.atomic
def attendance_set(*, user: Any, registration: Registration, attended: bool) -> Registration:
    if not learning_policy.can_manage_event(user, registration.event):
        raise _deny(_("Hanya penyelenggara yang boleh mencatat kehadiran."))
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError({"attended": [_("Pendaftaran ini sudah dibatalkan.")]})
    registration.attended = attended
    registration.save(update_fields=["attended", "updated_at"])
    return registration


# Action plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPlanInput:
    modification: str
    rationale: str
    responsible_unit: str
    resources_needed: str = ""
    target_pilot_on: datetime.date | None = None
    target_operation_on: datetime.date | None = None
    target_institutionalised_on: datetime.date | None = None


def _validate_plan(data: ActionPlanInput) -> None:
    errors: dict[str, list[str]] = {}
    for name, message in (
        ("modification", _("Tulis apa yang akan diubah dari praktik asal (modifikasi).")),
        ("rationale", _("Tulis mengapa perubahan itu perlu.")),
        ("responsible_unit", _("Unit penanggung jawab wajib diisi.")),
    ):
        if not (getattr(data, name) or "").strip():
            errors[name] = [message]
    targets = [
        ("target_pilot_on", data.target_pilot_on),
        ("target_operation_on", data.target_operation_on),
        ("target_institutionalised_on", data.target_institutionalised_on),
    ]
    previous: datetime.date | None = None
    for name, value in targets:
        if value is None:
            continue
        if previous is not None and value < previous:
            errors.setdefault(name, []).append(
                _("Target ini tidak boleh sebelum target tahap sebelumnya.")
            )
        previous = value
    _errors_or_none(errors)


@transaction.atomic
def action_plan_submit(
    *,
    user: Any,
    organisation: Organisation,
    innovation: Innovation,
    plan: ActionPlanInput,
    event: LearningEvent | None = None,
) -> ActionPlan:
    """Record an organisation's commitment to adapt a practice, and open its adoption record."""
    if not learning_policy.can_submit_action_plan(user, organisation):
        raise _deny(
            _(
                "Anda hanya boleh menyusun rencana tindak lanjut untuk organisasi tempat "
                "Anda menjadi editor."
            )
        )
    errors: dict[str, list[str]] = {}
    if organisation.region_id is None:
        errors["organisation"] = [
            _("Organisasi ini belum terhubung ke wilayah; minta kurator melengkapinya.")
        ]
    if not innovation_policy.can_view(user, innovation):
        errors["innovation"] = [_("Praktik tidak ditemukan.")]
    elif organisation.region_id is not None and innovation.region_id == organisation.region_id:
        errors["innovation"] = [_("Praktik ini berasal dari wilayah Anda sendiri.")]
    if event is not None:
        if not event.featured.filter(innovation=innovation).exists():
            errors.setdefault("innovation", []).append(
                _("Praktik ini tidak disajikan di kegiatan tersebut.")
            )
        if not event.registrations.filter(
            organisation=organisation, status=RegistrationStatus.REGISTERED
        ).exists():
            errors.setdefault("organisation", []).append(
                _("Organisasi ini belum terdaftar di kegiatan tersebut.")
            )
    _errors_or_none(errors)
    _validate_plan(plan)
    programme = event.programme if event is not None else None
    today = _today()
    region_id = organisation.region_id
    assert region_id is not None  # checked above
    adoption = (
        Adoption.objects.select_for_update()
        .filter(innovation=innovation, region_id=region_id)
        .first()
    )
    if adoption is None:
        adoption = Adoption.objects.create(
            innovation=innovation,
            region_id=region_id,
            organisation=organisation,
            programme=programme,
            stage=AdoptionStage.MINAT,
            stage_changed_on=today,
        )
        AdoptionStageChange.objects.create(
            adoption=adoption,
            from_stage="",
            to_stage=AdoptionStage.MINAT,
            date=today,
            note=_("Rencana tindak lanjut disusun."),
            changed_by=user,
            organisation=organisation,
        )
        record_change(
            actor=user,
            action=ChangeAction.CREATE,
            instance=adoption,
            after=_adoption_snapshot(adoption),
        )
    else:
        before = _adoption_snapshot(adoption)
        changed = []
        if adoption.organisation_id is None:
            adoption.organisation = organisation
            changed.append("organisation")
        if adoption.programme_id is None and programme is not None:
            adoption.programme = programme
            changed.append("programme")
        if changed:
            adoption.save(update_fields=[*changed, "updated_at"])
            record_change(
                actor=user,
                action=ChangeAction.UPDATE,
                instance=adoption,
                before=before,
                after=_adoption_snapshot(adoption),
            )
    action_plan = ActionPlan(
        programme=programme,
        event=event,
        organisation=organisation,
        innovation=innovation,
        adoption=adoption,
        modification=plan.modification.strip(),
        rationale=plan.rationale.strip(),
        responsible_unit=plan.responsible_unit.strip(),
        resources_needed=(plan.resources_needed or "").strip(),
        target_pilot_on=plan.target_pilot_on,
        target_operation_on=plan.target_operation_on,
        target_institutionalised_on=plan.target_institutionalised_on,
        created_by=user,
    )
    _full_clean(
        action_plan,
        exclude=["programme", "event", "organisation", "innovation", "adoption", "created_by"],
    )
    action_plan.save()
    record_change(
        actor=user, action=ChangeAction.CREATE, instance=action_plan, after=snapshot(action_plan)
    )
    Follow.objects.get_or_create(user=user, adoption=adoption)
    notify(
        followers_of(innovation_id=innovation.pk) | members_of([innovation.organisation_id]),
        kind=NotificationKind.ACTION_PLAN,
        text=_("%(org)s menyusun rencana tindak lanjut untuk meniru “%(practice)s”.")
        % {"org": organisation.name, "practice": innovation.title},
        url=action_plan.get_absolute_url(),
        actor=user,
    )
    return action_plan


@transaction.atomic
def action_plan_update(*, user: Any, action_plan: ActionPlan, plan: ActionPlanInput) -> ActionPlan:
    if not learning_policy.can_edit_action_plan(user, action_plan.organisation_id):
        raise _deny(_("Hanya editor organisasi pengadopsi yang boleh mengubah rencana ini."))
    _validate_plan(plan)
    before = snapshot(action_plan)
    for name in ActionPlanInput.__dataclass_fields__:
        value = getattr(plan, name)
        setattr(action_plan, name, value.strip() if isinstance(value, str) else value)
    action_plan.save()
    record_change(
        actor=user,
        action=ChangeAction.UPDATE,
        instance=action_plan,
        before=before,
        after=snapshot(action_plan),
    )
    return action_plan


# Adoption stages ------------------------------------------------------------------------


@dataclass
class EvidenceInput:
    """One document behind a stage change: at least a link, a file or a reference number."""

    kind: str
    title: str = ""
    reference: str = ""
    date: datetime.date | None = None
    url: str = ""
    file: Any = None

    def is_blank(self) -> bool:
        return not (self.title or self.reference or self.date or self.url or self.file)


def _validate_evidence(items: list[EvidenceInput], today: datetime.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    url_validator = URLValidator(schemes=["http", "https"])
    for item in items:
        if item.kind not in EvidenceKind.values:
            errors.setdefault("evidence_kind", []).append(_("Jenis bukti tidak dikenal."))
            continue
        if not (item.url or item.file or item.reference):
            errors.setdefault("evidence_url", []).append(
                _("Bukti perlu tautan, berkas, atau nomor dokumen.")
            )
        if item.kind == EvidenceKind.REGULATION and not (item.reference and item.date):
            errors.setdefault("evidence_reference", []).append(
                _("Regulasi perlu nomor dan tanggal penetapan.")
            )
        if item.date is not None and item.date > today:
            errors.setdefault("evidence_date", []).append(
                _("Tanggal dokumen tidak boleh di masa depan.")
            )
        if item.url:
            try:
                url_validator(item.url)
            except ValidationError:
                errors.setdefault("evidence_url", []).append(_("Tautan tidak sah."))
        if item.file is not None:
            try:
                check_upload(item.file)
            except ValidationError as exc:
                errors.setdefault("evidence_file", []).extend(exc.messages)
    return errors


def stage_label(stage: str) -> str:
    return str(AdoptionStage(stage).label) if stage in AdoptionStage.values else stage


def _stage_rules(
    *,
    adoption: Adoption,
    to_stage: str,
    date: datetime.date | None,
    note: str,
    evidence: list[EvidenceInput],
    going_back: bool,
    stopped_reason: str,
) -> None:
    """Every rule of a stage change, checked before anything is written."""
    today = _today()
    errors: dict[str, list[str]] = {}
    current = adoption.stage
    if to_stage not in AdoptionStage.values:
        raise ValidationError({"to_stage": [_("Tahap tidak dikenal.")]})
    if to_stage == current:
        errors["to_stage"] = [
            _("Adopsi sudah berada pada tahap %(stage)s.") % {"stage": stage_label(current)}
        ]
    if date is None:
        errors["date"] = [_("Tanggal wajib diisi.")]
    elif date > today:
        errors["date"] = [_("Tanggal tidak boleh di masa depan.")]
    elif adoption.stage_changed_on is not None and date < adoption.stage_changed_on:
        errors["date"] = [
            _("Tanggal tidak boleh sebelum perubahan tahap terakhir (%(date)s).")
            % {"date": date_format(adoption.stage_changed_on, "j F Y")}
        ]
    if to_stage == AdoptionStage.BERHENTI and not (stopped_reason or "").strip():
        errors["stopped_reason"] = [_("Tulis alasan adopsi berhenti.")]
    if current == AdoptionStage.BERHENTI and to_stage != current and not note.strip():
        errors["note"] = [_("Tulis mengapa adopsi yang berhenti dilanjutkan kembali.")]
    backwards = stage_rank(to_stage) >= 0 and 0 <= stage_rank(to_stage) < stage_rank(current)
    if backwards:
        if not going_back:
            errors.setdefault("to_stage", []).append(
                _(
                    "Tahap %(to)s ada sebelum tahap sekarang (%(current)s). Bila adopsi memang "
                    "mundur, centang “mundur tahap” dan tulis alasannya."
                )
                % {"to": stage_label(to_stage), "current": stage_label(current)}
            )
        elif not note.strip():
            errors["note"] = [_("Tulis alasan adopsi mundur tahap.")]
    required = EVIDENCE_REQUIRED.get(to_stage)
    if required and not any(
        item.kind in required and (item.url or item.file or item.reference) for item in evidence
    ):
        kinds = ", ".join(str(EvidenceKind(k).label) for k in sorted(required))
        errors.setdefault("evidence_kind", []).append(
            _(
                "Tahap %(stage)s memerlukan bukti (%(kinds)s) berupa tautan, berkas, atau nomor "
                "dokumen."
            )
            % {"stage": stage_label(to_stage), "kinds": kinds}
        )
    for field, messages in _validate_evidence(evidence, today).items():
        errors.setdefault(field, []).extend(messages)
    _errors_or_none(errors)


def adoption_advance(
    *,
    user: Any,
    adoption: Adoption,
    to_stage: str,
    date: datetime.date | None,
    note: str = "",
    evidence: Iterable[EvidenceInput] = (),
    going_back: bool = False,
    stopped_reason: str = "",
    expected_version: int | None = None,
) -> AdoptionStageChange:
    """Move an adoption to another stage, with its date, note and evidence.

    `expected_version` is the version the writer saw (the form carries it); the update is a
    compare-and-swap on it, so of two people advancing the same record at once one succeeds
    and the other gets StaleAdoption with nothing saved, instead of silently overwriting.
    """
    if not learning_policy.can_advance(user, adoption):
        raise _deny(_("Hanya editor organisasi pengadopsi yang boleh mengubah tahap adopsi ini."))
    items = [item for item in evidence if not item.is_blank()]
    note = (note or "").strip()
    stopped_reason = (stopped_reason or "").strip()
    version = adoption.version if expected_version is None else expected_version
    if version != adoption.version:
        raise _stale()
    _stage_rules(
        adoption=adoption,
        to_stage=to_stage,
        date=date,
        note=note,
        evidence=items,
        going_back=going_back,
        stopped_reason=stopped_reason,
    )
    acting = learning_policy.acting_organisation(user, adoption)
    files_saved: list[AdoptionEvidence] = []
    try:
        with transaction.atomic():
            updates: dict[str, Any] = {
                "stage": to_stage,
                "stage_changed_on": date,
                "version": F("version") + 1,
                "updated_at": timezone.now(),
                "stopped_reason": stopped_reason if to_stage == AdoptionStage.BERHENTI else "",
            }
            if adoption.organisation_id is None and acting is not None:
                updates["organisation"] = acting
            swapped = Adoption.objects.filter(pk=adoption.pk, version=version).update(**updates)
            if swapped != 1:
                raise _stale()
            change = AdoptionStageChange.objects.create(
                adoption=adoption,
                from_stage=adoption.stage,
                to_stage=to_stage,
                date=date,
                note=note if to_stage != AdoptionStage.BERHENTI else (note or stopped_reason),
                changed_by=user,
                organisation=acting,
                is_backwards=0 <= stage_rank(to_stage) < stage_rank(adoption.stage),
            )
            for item in items:
                row = AdoptionEvidence(
                    stage_change=change,
                    kind=item.kind,
                    title=item.title.strip(),
                    reference=item.reference.strip(),
                    date=item.date,
                    url=item.url.strip(),
                )
                if item.file is not None:
                    row.content_type = check_upload(item.file)
                    row.file.save(_safe_name(item.file.name), item.file, save=False)
                    files_saved.append(row)
                row.save()
            before = _adoption_snapshot(adoption)
            adoption.refresh_from_db()
            record_change(
                actor=user,
                action=ChangeAction.STATUS,
                instance=adoption,
                before=before,
                after=_adoption_snapshot(adoption),
                note=change.note,
            )
            text = _("%(region)s: adopsi “%(practice)s” kini pada tahap %(stage)s.") % {
                "region": adoption.region.name,
                "practice": adoption.innovation.title,
                "stage": stage_label(to_stage),
            }
            notify(
                followers_of(innovation_id=adoption.innovation_id, adoption_id=adoption.pk),
                kind=NotificationKind.STAGE_CHANGED,
                text=text,
                url=adoption.get_absolute_url(),
                actor=user,
            )
    except Exception:
        # The row is gone with the rollback; do not leave its file behind.
        for row in files_saved:
            row.file.delete(save=False)
        raise
    return change


# Following, questions and answers -------------------------------------------------------


@transaction.atomic
def follow_set(
    *,
    user: Any,
    follow: bool,
    innovation: Innovation | None = None,
    adoption: Adoption | None = None,
) -> bool:
    """Follow or unfollow a practice or an adoption; returns whether the user now follows."""
    if not learning_policy.can_follow(user):
        raise _deny(_("Masuk terlebih dahulu untuk mengikuti."))
    if (innovation is None) == (adoption is None):
        raise ValueError("follow exactly one practice or one adoption")
    target = {"innovation": innovation} if innovation is not None else {"adoption": adoption}
    if follow:
        Follow.objects.get_or_create(user=user, **target)
    else:
        Follow.objects.filter(user=user, **target).delete()
    return follow


def _author_organisation(user: Any, preferred: Iterable[int | None] = ()) -> Organisation | None:
    mine = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    ids = list(mine)
    for pk in preferred:
        if pk in ids:
            return Organisation.objects.get(pk=pk)
    return Organisation.objects.filter(pk__in=ids).order_by("name").first()


@transaction.atomic
def question_ask(*, user: Any, innovation: Innovation, body: str) -> Question:
    if not learning_policy.can_ask(user, innovation):
        raise _deny(_("Masuk terlebih dahulu untuk bertanya."))
    if not innovation_policy.can_view(user, innovation):
        raise ValidationError({"body": [_("Praktik tidak ditemukan.")]})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Tulis pertanyaan Anda.")]})
    if len(body) > 4000:
        raise ValidationError(
            {"body": [_("Pertanyaan terlalu panjang: paling banyak 4.000 karakter.")]}
        )
    question = Question.objects.create(
        innovation=innovation, author=user, organisation=_author_organisation(user), body=body
    )
    notify(
        members_of([innovation.organisation_id]) | followers_of(innovation_id=innovation.pk),
        kind=NotificationKind.QUESTION,
        text=_("Pertanyaan baru tentang “%(practice)s”: %(body)s")
        % {"practice": innovation.title, "body": body[:200]},
        url=reverse("learning:practice", kwargs={"slug": innovation.slug}) + f"#q-{question.pk}",
        actor=user,
    )
    Follow.objects.get_or_create(user=user, innovation=innovation)
    return question


@transaction.atomic
def answer_post(*, user: Any, question: Question, body: str) -> Answer:
    if not learning_policy.can_answer(user, question):
        raise _deny(
            _(
                "Pertanyaan ini dijawab oleh daerah asal praktik, daerah yang menirunya, "
                "atau penanyanya."
            )
        )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Tulis jawaban Anda.")]})
    if len(body) > 4000:
        raise ValidationError(
            {"body": [_("Jawaban terlalu panjang: paling banyak 4.000 karakter.")]}
        )
    innovation = question.innovation
    answer = Answer.objects.create(
        question=question,
        author=user,
        organisation=_author_organisation(user, [innovation.organisation_id]),
        body=body,
    )
    recipients = followers_of(innovation_id=innovation.pk)
    if question.author_id:
        recipients.add(question.author_id)
    notify(
        recipients,
        kind=NotificationKind.ANSWER,
        text=_("Jawaban baru tentang “%(practice)s”: %(body)s")
        % {"practice": innovation.title, "body": body[:200]},
        url=reverse("learning:practice", kwargs={"slug": innovation.slug}) + f"#q-{question.pk}",
        actor=user,
    )
    return answer


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    from sebaya.learning.models import Notification

    qs = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# Follow-up ------------------------------------------------------------------------------

#: An organiser may remind the same plan at most once in this period.
REMINDER_INTERVAL = datetime.timedelta(days=1)


@transaction.atomic
def action_plan_remind(*, user: Any, action_plan: ActionPlan) -> int:
    """Remind the adopting organisation of a plan; returns how many people were told."""
    programme = action_plan.programme
    if programme is None or not learning_policy.can_manage_programme(user, programme):
        raise _deny(_("Hanya penyelenggara program yang boleh mengirim pengingat."))
    plan = ActionPlan.objects.select_for_update().get(pk=action_plan.pk)
    now = timezone.now()
    if plan.last_reminded_at and now - plan.last_reminded_at < REMINDER_INTERVAL:
        raise ValidationError(
            {"action_plan": [_("Pengingat untuk rencana ini sudah dikirim dalam 24 jam terakhir.")]}
        )
    adoption = plan.adoption
    text = _(
        "Pengingat dari penyelenggara %(programme)s: rencana tindak lanjut meniru “%(practice)s” "
        "masih pada tahap %(stage)s. Catat kemajuan terbaru atau alasan bila tertunda."
    ) % {
        "programme": programme.title,
        "practice": plan.innovation.title,
        "stage": stage_label(adoption.stage),
    }
    rows = notify(
        members_of([plan.organisation_id]),
        kind=NotificationKind.REMINDER,
        text=text,
        url=adoption.get_absolute_url(),
        actor=user,
    )
    plan.last_reminded_at = now
    plan.save(update_fields=["last_reminded_at"])
    action_plan.last_reminded_at = now
    return len(rows)


def send_stalled_digests(*, today: datetime.date | None = None) -> int:
    """E-mail each programme's organisers the list of its stalled action plans.

    Returns the number of e-mails sent. Programmes without stalled plans send nothing.
    """
    from sebaya.learning.selectors import stalled_action_plans

    sent = 0
    days = stalled_days_setting()
    for programme in LearningProgramme.objects.prefetch_related("organisers"):
        stalled = list(stalled_action_plans(programme=programme, days=days, today=today))
        if not stalled:
            continue
        emails = sorted(
            set(
                Membership.objects.filter(
                    organisation__in=programme.organisers.all(),
                    role__in=(Role.ADMIN, Role.EDITOR),
                    user__is_active=True,
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if not emails:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            lines = [
                _(
                    "%(n)d rencana tindak lanjut di %(programme)s tidak bergerak selama %(days)d "
                    "hari atau lebih:"
                )
                % {"n": len(stalled), "programme": programme.title, "days": days},
                "",
            ]
            for plan in stalled:
                lines.append(
                    f"- {plan.organisation.name}: {plan.innovation.title} "
                    f"({stage_label(plan.adoption.stage)}, "
                    + _("terakhir bergerak %(date)s")
                    % {
                        "date": date_format(
                            getattr(plan, "last_progress", plan.created_at), "j F Y"
                        )
                    }
                    + f") {site_url(plan.get_absolute_url())}"
                )
            lines += ["", site_url(reverse("learning:dashboard", kwargs={"slug": programme.slug}))]
            subject = _("[Sebaya] Ringkasan tindak lanjut: %(programme)s") % {
                "programme": programme.title
            }
        for email in emails:
            send_email(to=[email], subject=subject, body="\n".join(lines))
            sent += 1
    return sent


def stalled_days_setting() -> int:
    return int(getattr(settings, "SEBAYA_LEARNING_STALLED_DAYS", 60))


# Documented programmes (demo, imports): sourced records without a user -----------------


@dataclass(frozen=True)
class DocumentedProgramme:
    slug: str
    title: str
    theme: str
    organisers: list[Organisation]
    focus_region: Region | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    source_url: str
    source_note: str = ""
    description: str = ""


@transaction.atomic
def programme_record_documented(spec: DocumentedProgramme) -> tuple[LearningProgramme, bool]:
    """Create the programme a source documents; an existing one (by slug) is left as it is."""
    programme, created = LearningProgramme.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "theme": spec.theme,
            "description": spec.description,
            "focus_region": spec.focus_region,
            "starts_on": spec.starts_on,
            "ends_on": spec.ends_on,
            "source_url": spec.source_url,
            "source_note": spec.source_note[:300],
        },
    )
    if created:
        programme.organisers.set(spec.organisers)
    return programme, created


@transaction.atomic
def event_record_documented(
    *,
    programme: LearningProgramme,
    kind: str,
    title: str,
    starts_on: datetime.date,
    place: str = "",
    source_url: str = "",
    source_note: str = "",
) -> tuple[LearningEvent, bool]:
    return LearningEvent.objects.get_or_create(
        programme=programme,
        kind=kind,
        starts_on=starts_on,
        defaults={
            "title": title,
            "place": place,
            "source_url": source_url,
            "source_note": source_note[:300],
            "registration_open": False,
        },
    )
