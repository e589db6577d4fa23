"""Write actions on practices: each checks innovation_policy, validates, runs atomically."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sebaya.accounts.models import Organisation
from sebaya.core import versioning
from sebaya.core.errors import Conflict
from sebaya.core.slugs import unique_slug as core_unique_slug
from sebaya.history.models import ChangeAction
from sebaya.history.services import (
    build_change,
    json_value,
    record_change,
    record_changes,
    snapshot,
)
from sebaya.innovations.models import (
    NARRATIVE_SECTIONS,
    Innovation,
    Link,
    LinkKind,
    PublicationStatus,
    ReviewNote,
    RunningStatus,
    SdgGoal,
    Theme,
    Urusan,
)
from sebaya.innovations.policies import innovation_policy
from sebaya.regions.models import Region

MIN_YEAR = 1945  # Nothing a pemda runs today predates the Republic.
M2M_FIELDS = frozenset({"themes", "urusan", "sdgs"})
# Fields that only the publication actions and the system set.
PROTECTED_FIELDS = frozenset(
    {"id", "slug", "status", "published_at", "created_by", "created_at", "updated_at"}
)
EDITABLE_FIELDS = frozenset(
    f.name for f in Innovation._meta.concrete_fields if f.name not in PROTECTED_FIELDS
) | {"region", "organisation"}
# What an import owns; everything else (narrative, awards, ...) belongs to curators and editors
# and survives a re-import.
IMPORT_OWNED_FIELDS = ("title", "summary", "year", "sector", "region")
# Set by an import only when its file has the column.
IMPORT_CLASSIFICATION_FIELDS = ("stage", "jenis", "bentuk", "inisiator")
# Paths under /praktik/ that are pages, not practices: a practice must never get these slugs.
RESERVED_SLUGS = frozenset({"kelola", "baru", "tinjauan", "periksa", "mirip"})
# Fields a reviewer may attach a note to ("" is a general note), in the form's order.
REVIEW_FIELDS: tuple[str, ...] = (
    "",
    "title",
    "summary",
    "overview",
    "region",
    "organisation",
    "opd_name",
    "website",
    "themes",
    "urusan",
    "sdgs",
    "bentuk",
    "jenis",
    "inisiator",
    "year",
    "stage",
    "running_status",
    "status_checked_on",
    *(name for name, _label in NARRATIVE_SECTIONS),
)
# A year without a check makes a practice due for the "still running?" question again.
RECHECK_AFTER = datetime.timedelta(days=365)

ImportAction = Literal["created", "updated", "unchanged"]
# Foreign keys of a practice: checking them runs a query each, which bulk writes skip.
_FOREIGN_KEYS = ("region", "organisation", "created_by")
BULK_BATCH = 1000  # rows per INSERT statement in the bulk writes


@dataclass(frozen=True)
class UpsertResult:
    innovation: Innovation
    action: ImportAction


def max_year() -> int:
    return timezone.localdate().year + 1


def year_error(year: Any) -> str | None:
    """The Indonesian message for an unacceptable year, or None when it is fine (or empty)."""
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int):
        return _("Tahun harus berupa bilangan bulat.")
    if not MIN_YEAR <= year <= max_year():
        return _("Tahun harus antara %(min)d dan %(max)d.") % {"min": MIN_YEAR, "max": max_year()}
    return None


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A slug from the title, with -2, -3, ... appended when it is taken."""
    return core_unique_slug(
        title,
        queryset=Innovation.objects.all(),
        fallback="praktik",
        exclude_pk=exclude_pk,
        reserved=RESERVED_SLUGS,
    )


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _apply(innovation: Innovation, fields: dict[str, Any]) -> dict[str, Any]:
    """Set plain fields on the instance; return the many-to-many ones for after the save."""
    m2m: dict[str, Any] = {}
    for name, value in fields.items():
        if name in M2M_FIELDS:
            m2m[name] = list(value)
        elif name in EDITABLE_FIELDS:
            setattr(innovation, name, value.strip() if isinstance(value, str) else value)
        else:
            raise TypeError(f"Innovation field {name!r} cannot be set through this service")
    return m2m


def _validate(innovation: Innovation, *, in_memory: bool = False) -> None:
    """Raise ValidationError with every problem of the practice.

    `in_memory` (bulk writes): no database reads. Foreign keys are taken as given (the caller
    passes records it read) and uniqueness is the caller's to guarantee (slugs made against one
    read of the taken ones, new (source, external_id) pairs only).
    """
    errors: dict[str, list[str]] = {}
    if not (innovation.title or "").strip():
        errors.setdefault("title", []).append(_("Judul wajib diisi."))
    if innovation.region_id is None:
        errors.setdefault("region", []).append(_("Wilayah asal wajib diisi."))
    message = year_error(innovation.year)
    if message:
        errors.setdefault("year", []).append(message)
    try:
        # The checks above speak Indonesian for the common mistakes; full_clean catches the rest.
        if in_memory:
            innovation.clean_fields(exclude=[*errors, *_FOREIGN_KEYS])
            innovation.clean()
        else:
            innovation.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _set_m2m(innovation: Innovation, m2m: dict[str, Any]) -> None:
    for name, values in m2m.items():
        getattr(innovation, name).set(values)


@transaction.atomic
def innovation_create(
    *,
    user: Any,
    organisation: Organisation | None,
    region: Region | None,
    title: str,
    **fields: Any,
) -> Innovation:
    """Create a draft practice owned by `organisation` (curators may leave it empty)."""
    if not innovation_policy.can_create(user, organisation):
        raise _deny(_("Anda tidak berhak menambah praktik untuk organisasi ini."))
    innovation = Innovation(
        organisation=organisation,
        title=(title or "").strip(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if region is not None:
        innovation.region = region
    m2m = _apply(innovation, fields)
    innovation.slug = unique_slug(innovation.title)
    _validate(innovation)
    innovation.save()
    _set_m2m(innovation, m2m)
    record_change(
        actor=user, instance=innovation, action=ChangeAction.CREATE, after=snapshot(innovation)
    )
    return innovation


@transaction.atomic
def innovation_update(*, user: Any, innovation: Innovation, **fields: Any) -> Innovation:
    """Change fields of a practice. The slug stays, so shared links keep working."""
    if not innovation_policy.can_edit(user, innovation):
        raise _deny(_("Anda tidak berhak mengubah praktik ini."))
    if "organisation" in fields and not innovation_policy.can_create(user, fields["organisation"]):
        raise _deny(_("Anda tidak berhak memindahkan praktik ke organisasi tersebut."))
    before = snapshot(innovation)
    m2m = _apply(innovation, fields)
    _validate(innovation)
    innovation.save()
    _set_m2m(innovation, m2m)
    after = snapshot(innovation)
    note = ""
    if (
        innovation.status == PublicationStatus.VERIFIED
        and before != after
        and not innovation_policy.can_review_any(user)
    ):
        # What a curator verified is not what would be published any more: review it again.
        innovation.status = PublicationStatus.SUBMITTED
        innovation.save(update_fields=["status", "updated_at"])
        after["status"] = innovation.status
        note = _("Diubah setelah diverifikasi: diajukan ulang untuk ditinjau.")
    record_change(
        actor=user,
        instance=innovation,
        action=ChangeAction.UPDATE,
        before=before,
        after=after,
        note=note,
    )
    return innovation


def _set_status(
    innovation: Innovation, status: str, *, user: Any, note: str = "", **extra: Any
) -> Innovation:
    before = snapshot(innovation, fields=["status", "published_at", *extra])
    innovation.status = status
    for name, value in extra.items():
        setattr(innovation, name, value)
    innovation.save(update_fields=["status", *extra, "updated_at"])
    record_change(
        actor=user,
        instance=innovation,
        action=ChangeAction.STATUS,
        before=before,
        after=snapshot(innovation, fields=["status", "published_at", *extra]),
        note=note,
    )
    return innovation


def _require_summary(innovation: Innovation, message: str) -> None:
    if not innovation.summary.strip():
        raise ValidationError({"summary": [message]})


@transaction.atomic
def innovation_submit(
    *, user: Any, innovation: Innovation, responses: dict[int, str] | None = None
) -> Innovation:
    """Submit a draft (or a revised practice) for review; answers close the open review notes.

    `responses` maps open ReviewNote ids to the editor's answer (optional, per note).
    """
    if not innovation_policy.can_edit(user, innovation):
        raise _deny(_("Anda tidak berhak mengajukan praktik ini."))
    if innovation.status not in (PublicationStatus.DRAFT, PublicationStatus.REVISION):
        raise Conflict(
            {
                "status": [
                    _(
                        "Hanya draf atau praktik yang perlu revisi yang dapat diajukan; status "
                        "sekarang: %(status)s."
                    )
                    % {"status": innovation.get_status_display()}
                ]
            }
        )
    _require_summary(innovation, _("Ringkasan wajib diisi sebelum praktik diajukan."))
    _validate(innovation)
    now = timezone.now()
    answers = {int(k): (v or "").strip() for k, v in (responses or {}).items()}
    for note in innovation.review_notes.filter(resolved_at__isnull=True):
        note.response = answers.get(note.pk, note.response)
        note.resolved_at = now
        note.save(update_fields=["response", "resolved_at"])
    return _set_status(innovation, PublicationStatus.SUBMITTED, user=user)


@transaction.atomic
def innovation_request_revision(
    *, user: Any, innovation: Innovation, notes: dict[str, str]
) -> list[ReviewNote]:
    """A curator sends a submitted practice back with notes per field ("" = general note)."""
    if not innovation_policy.can_review_any(user):
        raise _deny(_("Hanya kurator yang meninjau praktik."))
    if innovation.status != PublicationStatus.SUBMITTED:
        raise Conflict({"status": [_("Hanya praktik yang diajukan yang dapat ditinjau.")]})
    cleaned = {field: (text or "").strip() for field, text in notes.items()}
    unknown = [field for field in cleaned if field not in REVIEW_FIELDS]
    if unknown:
        raise ValidationError(
            {"notes": [_("Isian tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))}]}
        )
    cleaned = {field: text for field, text in cleaned.items() if text}
    if not cleaned:
        raise ValidationError({"notes": [_("Tulis setidaknya satu catatan revisi.")]})
    too_long = [field or "-" for field, text in cleaned.items() if len(text) > 5000]
    if too_long:
        raise ValidationError({"notes": [_("Catatan paling panjang 5.000 karakter.")]})
    author = user if getattr(user, "is_authenticated", False) else None
    created = [
        ReviewNote.objects.create(innovation=innovation, field=field, message=text, author=author)
        for field, text in sorted(cleaned.items(), key=lambda item: REVIEW_FIELDS.index(item[0]))
    ]
    _set_status(
        innovation,
        PublicationStatus.REVISION,
        user=user,
        note=_("%(n)d catatan revisi.") % {"n": len(created)},
    )
    return created


@transaction.atomic
def innovation_verify(*, user: Any, innovation: Innovation) -> Innovation:
    """A curator confirms a submitted practice; its editors may then publish it."""
    if not innovation_policy.can_review_any(user):
        raise _deny(_("Hanya kurator yang meninjau praktik."))
    if innovation.status != PublicationStatus.SUBMITTED:
        raise Conflict({"status": [_("Hanya praktik yang diajukan yang dapat diverifikasi.")]})
    return _set_status(innovation, PublicationStatus.VERIFIED, user=user)


@transaction.atomic
def innovation_mark_running(
    *,
    user: Any | None,
    innovation: Innovation,
    running_status: str,
    checked_on: datetime.date | None = None,
) -> Innovation:
    """The yearly "still running?" answer: berlanjut (berjalan) or vakum (berhenti), dated.

    `user=None` is the system (the `sebaya recheck` command).
    """
    if user is not None and not innovation_policy.can_recheck(user, innovation):
        raise _deny(_("Anda tidak berhak memeriksa status praktik ini."))
    running_status = RUNNING_ALIASES.get(running_status, running_status)
    if running_status not in (RunningStatus.RUNNING, RunningStatus.STOPPED):
        raise ValidationError(
            {"running_status": [_("Pilih berlanjut (masih berjalan) atau vakum (berhenti).")]}
        )
    checked_on = checked_on or timezone.localdate()
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": [_("Tanggal pemeriksaan tidak boleh di masa depan.")]})
    if innovation.status_checked_on and checked_on < innovation.status_checked_on:
        raise ValidationError(
            {
                "checked_on": [
                    _("Sudah ada pemeriksaan yang lebih baru (%(date)s).")
                    % {"date": innovation.status_checked_on.isoformat()}
                ]
            }
        )
    fields = ["running_status", "status_checked_on"]
    before = snapshot(innovation, fields=fields)
    innovation.running_status = running_status
    innovation.status_checked_on = checked_on
    innovation.save(update_fields=[*fields, "updated_at"])
    record_change(
        actor=user,
        instance=innovation,
        action=ChangeAction.UPDATE,
        before=before,
        after=snapshot(innovation, fields=fields),
        note=_("Pemeriksaan tahunan: masih berjalan?"),
    )
    return innovation


# The words of the yearly check (berlanjut / vakum) for the stored values.
RUNNING_ALIASES = {"berlanjut": RunningStatus.RUNNING, "vakum": RunningStatus.STOPPED}


def recheck_due_since(today: datetime.date | None = None) -> datetime.date:
    """Practices last checked on or before this date (or never) are due for the check."""
    return (today or timezone.localdate()) - RECHECK_AFTER


@transaction.atomic
def innovation_publish(*, user: Any, innovation: Innovation) -> Innovation:
    if innovation.status == PublicationStatus.PUBLISHED:
        if not innovation_policy.can_edit(user, innovation):
            raise _deny(_("Anda tidak berhak menerbitkan praktik ini."))
        return innovation
    if not innovation_policy.can_publish(user, innovation):
        if innovation_policy.can_edit(user, innovation):
            raise Conflict(
                {
                    "status": [
                        _(
                            "Praktik terbit setelah diverifikasi kurator; ajukan dulu untuk "
                            "ditinjau."
                        )
                    ]
                }
            )
        raise _deny(_("Anda tidak berhak menerbitkan praktik ini."))
    _require_summary(innovation, _("Ringkasan wajib diisi sebelum praktik terbit."))
    _validate(innovation)
    return _set_status(
        innovation, PublicationStatus.PUBLISHED, user=user, published_at=timezone.now()
    )


@transaction.atomic
def innovation_unpublish(*, user: Any, innovation: Innovation) -> Innovation:
    if not innovation_policy.can_edit(user, innovation):
        raise _deny(_("Anda tidak berhak menarik praktik ini dari terbitan."))
    if innovation.status != PublicationStatus.PUBLISHED:
        return innovation
    return _set_status(innovation, PublicationStatus.DRAFT, user=user, published_at=None)


@transaction.atomic
def innovation_delete(*, user: Any, innovation: Innovation) -> None:
    if not innovation_policy.can_delete(user, innovation):
        raise _deny(
            _("Anda tidak berhak menghapus praktik ini; praktik terbit hanya dihapus kurator.")
        )
    before = snapshot(innovation)
    pk = innovation.pk
    innovation.delete()
    record_change(
        actor=user,
        model=Innovation._meta.label_lower,
        object_id=pk,
        object_repr=innovation.title,
        action=ChangeAction.DELETE,
        before=before,
    )


@transaction.atomic
def innovation_upsert_from_import(
    *,
    user: Any | None,
    source: str,
    external_id: str,
    region: Region,
    title: str,
    summary: str = "",
    year: int | None = None,
    sector: str = "",
    themes: Iterable[Theme] = (),
    urusan: Iterable[Urusan] = (),
    sdgs: Iterable[SdgGoal] = (),
    source_urls: Iterable[str] = (),
    published_on: datetime.datetime | None = None,
    classification: dict[str, str] | None = None,
) -> UpsertResult:
    """Create or update the practice (source, external_id) from an imported row.

    `user=None` is the system (the command line, the demo); a person importing through the web
    or API must pass the `can_import` policy. New records are published because import sources
    are public and sourced; a re-import never republishes a record a curator took down, and only
    adds themes, urusan and links, so curated additions survive. `classification` sets the
    columns a data set gives (stage, jenis, bentuk, inisiator); the others stay as they are.
    """
    if user is not None and not innovation_policy.can_import(user):
        raise _deny(_("Hanya kurator yang boleh mengimpor data praktik."))
    if not source or not external_id:
        raise ValidationError({"external_id": [_("Sumber dan ID di sumber wajib diisi.")]})
    values: dict[str, Any] = {
        "title": (title or "").strip(),
        "summary": (summary or "").strip(),
        "year": year,
        "sector": sector or "",
        "region": region,
    }
    for name, value in (classification or {}).items():
        if name not in IMPORT_CLASSIFICATION_FIELDS:
            raise TypeError(f"Innovation field {name!r} is not set by imports")
        values[name] = value or ""
    innovation = (
        Innovation.objects.select_for_update()
        .filter(source=source, external_id=external_id)
        .first()
    )
    changed = False
    before = snapshot(innovation) if innovation is not None else {}
    if innovation is None:
        innovation = Innovation(
            source=source,
            external_id=external_id,
            status=PublicationStatus.PUBLISHED,
            published_at=published_on or timezone.now(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
            **values,
        )
        innovation.slug = unique_slug(innovation.title)
        action: ImportAction = "created"
    else:
        for name, value in values.items():
            current = innovation.region_id if name == "region" else getattr(innovation, name)
            new = value.pk if name == "region" else value
            if current != new:
                setattr(innovation, name, value)
                changed = True
        action = "updated"
    if action == "created" or changed:
        _validate(innovation)
        innovation.save()
    for name, wanted in (("themes", themes), ("urusan", urusan), ("sdgs", sdgs)):
        manager = getattr(innovation, name)
        have = set(manager.values_list("pk", flat=True))
        missing = [obj for obj in wanted if obj.pk not in have]
        if missing:
            manager.add(*missing)
            changed = True
    if _add_links(innovation, source_urls):
        changed = True
    if action == "updated" and not changed:
        action = "unchanged"
    if action != "unchanged":
        record_change(
            actor=user,
            instance=innovation,
            action=ChangeAction.CREATE if action == "created" else ChangeAction.UPDATE,
            before=before,
            after=snapshot(innovation),
            note=_("Impor dari %(source)s") % {"source": source},
        )
    return UpsertResult(innovation=innovation, action=action)


@transaction.atomic
def innovation_merge_from_import(
    *,
    user: Any | None,
    innovation: Innovation,
    summary: str = "",
    year: int | None = None,
    sector: str = "",
    classification: dict[str, str] | None = None,
    themes: Iterable[Theme] = (),
    urusan: Iterable[Urusan] = (),
    source_urls: Iterable[str] = (),
) -> UpsertResult:
    """Fold an imported row into a practice already stored (a likely duplicate).

    Only fills what the practice lacks (an empty summary, year, sector or classification) and
    adds themes, urusan and source links; the practice's own title and text win.
    """
    if user is not None and not innovation_policy.can_import(user):
        raise _deny(_("Hanya kurator yang boleh mengimpor data praktik."))
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    filled = False
    blanks: dict[str, Any] = {"summary": (summary or "").strip(), "year": year, "sector": sector}
    for name, value in (classification or {}).items():
        if name in IMPORT_CLASSIFICATION_FIELDS:
            blanks[name] = value
    for name, value in blanks.items():
        if value not in (None, "") and getattr(innovation, name) in (None, ""):
            setattr(innovation, name, value)
            filled = True
    if filled:
        _validate(innovation)
        innovation.save()
    changed = filled
    for name, wanted in (("themes", themes), ("urusan", urusan)):
        manager = getattr(innovation, name)
        have = set(manager.values_list("pk", flat=True))
        missing = [obj for obj in wanted if obj.pk not in have]
        if missing:
            manager.add(*missing)
            changed = True
    if _add_links(innovation, source_urls):
        changed = True
    return UpsertResult(innovation=innovation, action="updated" if changed else "unchanged")


def _add_links(innovation: Innovation, urls: Iterable[str], kind: str = LinkKind.SOURCE) -> bool:
    """Add the links not yet attached; never remove any (curators may have added their own)."""
    existing = set(innovation.links.values_list("url", flat=True))
    position = innovation.links.count()
    added = False
    for url in urls:
        if not url or url in existing:
            continue
        link = Link(innovation=innovation, kind=kind, url=url, position=position)
        link.full_clean(exclude=["innovation"])
        link.save()
        existing.add(url)
        position += 1
        added = True
    return added


@dataclass(frozen=True)
class RecheckReminders:
    due: int  # practices due for the check
    emails: int  # messages sent (one per editor with an address, listing their practices)


def send_recheck_reminders(*, today: datetime.date | None = None) -> RecheckReminders:
    """Ask the editors of practices due for the yearly check whether they still run.

    One message per editor or org admin with an e-mail address, listing their organisations'
    due practices with the page where they answer. Practices without an organisation wait on
    the curators' list (`sebaya recheck`, /praktik/periksa/).
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    from sebaya.accounts.models import Membership
    from sebaya.innovations.policies import EDITING_ROLES
    from sebaya.innovations.selectors import practices_due_for_recheck

    due = list(practices_due_for_recheck(today=today).filter(organisation__isnull=False))
    by_org: dict[int, list[Innovation]] = {}
    for innovation in due:
        by_org.setdefault(innovation.organisation_id or 0, []).append(innovation)
    per_user: dict[str, list[Innovation]] = {}
    for email, org_id in (
        Membership.objects.filter(organisation_id__in=by_org, role__in=EDITING_ROLES)
        .exclude(user__email="")
        .filter(user__is_active=True)
        .values_list("user__email", "organisation_id")
    ):
        per_user.setdefault(email, []).extend(by_org[org_id])
    base = settings.SEBAYA_SITE_URL.rstrip("/")
    sent = 0
    for email, practices in sorted(per_user.items()):
        lines = [
            f"- {p.title}: {base}{reverse('innovations:recheck', kwargs={'slug': p.slug})}"
            for p in practices
        ]
        body = (
            _(
                "Apakah praktik berikut masih berjalan? Tandai berlanjut atau vakum, dengan "
                "tanggal pemeriksaannya:"
            )
            + "\n\n"
            + "\n".join(lines)
        )
        sent += send_mail(
            _("Sebaya: pemeriksaan tahunan praktik"),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
            fail_silently=True,
        )
    return RecheckReminders(due=len(due), emails=sent)


# --- Bulk creation from imports -----------------------------------------------------------------


@dataclass(frozen=True)
class NewPractice:
    """One imported row that creates a practice: the arguments of innovation_upsert_from_import."""

    source: str
    external_id: str
    region: Region
    title: str
    summary: str = ""
    year: int | None = None
    sector: str = ""
    themes: tuple[Theme, ...] = ()
    urusan: tuple[Urusan, ...] = ()
    sdgs: tuple[SdgGoal, ...] = ()
    source_urls: tuple[str, ...] = ()
    published_on: datetime.datetime | None = None
    classification: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WriteFact:
    """What one write did to one record: the material of a change-history entry.

    `fields` holds the values written (for many-to-many fields, the ids added; for links, the
    URLs added). Created records have no "before".
    """

    action: Literal["created", "updated"]
    model: str
    object_id: int
    fields: dict[str, Any]


@dataclass
class BulkCreateResult:
    """`innovations[i]` is the practice made from `practices[i]`, or None when it failed with
    `errors[i]`. `facts` has one "created" entry per practice written, in input order."""

    innovations: list[Innovation | None]
    errors: dict[int, ValidationError]
    facts: list[WriteFact]


def bulk_unique_slugs(titles: Sequence[str]) -> list[str]:
    """Slugs for new practices with these titles, by the rules of `unique_slug`.

    As if the practices were created one after the other: a slug taken in the database, by an
    earlier title of the list or reserved gets -2, -3, ... The taken slugs are read in one query
    per chunk of titles (plus one for the numbered forms of bases already taken).
    """
    max_length = Innovation._meta.get_field("slug").max_length or 50
    bases = [slugify(title)[: max_length - 6].strip("-") or "praktik" for title in titles]
    distinct = sorted(set(bases))
    taken: set[str] = set(RESERVED_SLUGS)
    for start in range(0, len(distinct), 500):
        taken.update(
            Innovation.objects.filter(slug__in=distinct[start : start + 500]).values_list(
                "slug", flat=True
            )
        )
    crowded = sorted(base for base in distinct if base in taken)
    for start in range(0, len(crowded), 100):
        numbered = Q()
        for base in crowded[start : start + 100]:
            numbered |= Q(slug__startswith=f"{base}-")
        taken.update(Innovation.objects.filter(numbered).values_list("slug", flat=True))
    slugs: list[str] = []
    for base in bases:
        slug = base
        n = 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


@transaction.atomic
def innovations_bulk_create_from_import(
    *,
    user: Any | None,
    practices: Sequence[NewPractice],
    progress: Callable[[int], None] | None = None,
) -> BulkCreateResult:
    """Create many imported practices at once: what innovation_upsert_from_import does for a new
    (source, external_id), with a constant number of queries per BULK_BATCH rows.

    The caller guarantees that no practice has these (source, external_id) pairs yet and that
    they are distinct. Each practice is validated in memory; one that fails is left out and its
    error returned (the caller decides whether to roll back). `bulk_create` sends no signals, so
    the search index is brought up to date here, once for the batch after the commit.
    `progress(done)` is called after each batch is written.
    """
    if user is not None and not innovation_policy.can_import(user):
        raise _deny(_("Hanya kurator yang boleh mengimpor data praktik."))
    now = timezone.now()
    created_by = user if getattr(user, "is_authenticated", False) else None
    errors: dict[int, ValidationError] = {}
    built: list[tuple[int, Innovation, list[Link]]] = []
    for i, practice in enumerate(practices):
        try:
            innovation, links = _build_new(practice, now=now, created_by=created_by)
        except ValidationError as exc:
            errors[i] = exc
            continue
        built.append((i, innovation, links))
    for slug, (_i, innovation, _links) in zip(
        bulk_unique_slugs([innovation.title for _i, innovation, _links in built]),
        built,
        strict=True,
    ):
        innovation.slug = slug

    through = {name: getattr(Innovation, name).through for name in ("themes", "urusan", "sdgs")}
    columns = {"themes": "theme_id", "urusan": "urusan_id", "sdgs": "sdggoal_id"}
    for start in range(0, len(built), BULK_BATCH):
        chunk = built[start : start + BULK_BATCH]
        Innovation.objects.bulk_create([innovation for _i, innovation, _links in chunk])
        for name, model in through.items():
            model.objects.bulk_create(
                [
                    model(innovation_id=innovation.pk, **{columns[name]: pk})
                    for i, innovation, _links in chunk
                    for pk in dict.fromkeys(obj.pk for obj in getattr(practices[i], name))
                ]
            )
        links = []
        for _i, innovation, innovation_links in chunk:
            for link in innovation_links:
                link.innovation = innovation
                links.append(link)
        Link.objects.bulk_create(links)
        if progress is not None:
            progress(start + len(chunk))

    from sebaya.search.indexing import Related, schedule_index_new

    schedule_index_new(
        [
            (
                innovation,
                Related(
                    themes=sorted(
                        {t.pk: t for t in practices[i].themes}.values(),
                        key=lambda t: (t.display_order, t.slug),
                    ),
                    urusan=sorted({u.pk: u for u in practices[i].urusan}.values(), key=_code),
                    sdgs=sorted({g.pk: g for g in practices[i].sdgs}.values(), key=_number),
                    awards=(),
                ),
            )
            for i, innovation, _links in built
        ]
    )
    innovations: list[Innovation | None] = [None] * len(practices)
    facts: list[WriteFact] = []
    for i, innovation, links in built:
        innovations[i] = innovation
        practice = practices[i]
        fields: dict[str, Any] = {
            name: getattr(innovation, "region_id" if name == "region" else name)
            for name in ("slug", "source", "external_id", "status", *IMPORT_OWNED_FIELDS)
        }
        fields.update(dict(practice.classification))
        for name in ("themes", "urusan", "sdgs"):
            if getattr(practice, name):
                fields[name] = list(dict.fromkeys(obj.pk for obj in getattr(practice, name)))
        fields["links"] = [link.url for link in links]
        facts.append(WriteFact("created", "innovations.innovation", innovation.pk, fields))
    # The change history of every practice created here, in one insert per 500 (the per-row
    # path records its own); inside the import's transaction, so undone with it.
    record_changes(
        build_change(
            actor=user,
            action=ChangeAction.CREATE,
            model=fact.model,
            object_id=fact.object_id,
            object_repr=str(fact.fields.get("title", "")),
            after=json_value(fact.fields),
            note="import",
        )
        for fact in facts
    )
    if built:
        versioning.bump()  # bulk writes send no signals: cached public pages must not go stale
    return BulkCreateResult(innovations=innovations, errors=errors, facts=facts)


def _code(urusan: Urusan) -> str:
    return urusan.code


def _number(goal: SdgGoal) -> int:
    return goal.number


def _build_new(
    practice: NewPractice, *, now: datetime.datetime, created_by: Any
) -> tuple[Innovation, list[Link]]:
    """The unsaved practice and links of a new imported row, validated without queries."""
    if not practice.source or not practice.external_id:
        raise ValidationError({"external_id": [_("Sumber dan ID di sumber wajib diisi.")]})
    values: dict[str, Any] = {}
    for name, value in practice.classification:
        if name not in IMPORT_CLASSIFICATION_FIELDS:
            raise TypeError(f"Innovation field {name!r} is not set by imports")
        values[name] = value or ""
    innovation = Innovation(
        source=practice.source,
        external_id=practice.external_id,
        status=PublicationStatus.PUBLISHED,
        published_at=practice.published_on or now,
        created_by=created_by,
        title=(practice.title or "").strip(),
        summary=(practice.summary or "").strip(),
        year=practice.year,
        sector=practice.sector or "",
        region=practice.region,
        **values,
    )
    # The slug is made later for the whole batch; a placeholder passes the field's validation.
    innovation.slug = "praktik"
    _validate(innovation, in_memory=True)
    links: list[Link] = []
    for url in dict.fromkeys(practice.source_urls):
        if not url:
            continue
        link = Link(kind=LinkKind.SOURCE, url=url, position=len(links))
        link.clean_fields(exclude=["innovation"])
        links.append(link)
    return innovation, links
