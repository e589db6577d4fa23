"""Peer learning: programmes and their events, action plans, adoption records and their history.

A learning programme (organised by one or more organisations) holds events (workshops, study
visits, webinars) where originating regions present practices; participating organisations
commit to adapt a practice in an action plan (rencana tindak lanjut), which opens an adoption
record. An adoption record says that one region (through one organisation, when known) is
replicating one practice, and how far it has got. Its stages follow the lifecycle in
docs/glossary.md: minat -> studi tiru -> kesepakatan -> adaptasi -> uji coba -> penerapan ->
pelembagaan -> evaluasi, or berhenti with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sebaya.core.models import TimeStampedModel


class AdoptionStage(models.TextChoices):
    MINAT = "minat", _("Minat")
    STUDI_TIRU = "studi_tiru", _("Studi tiru")
    KESEPAKATAN = "kesepakatan", _("Kesepakatan")
    ADAPTASI = "adaptasi", _("Adaptasi")
    UJI_COBA = "uji_coba", _("Uji coba")
    PENERAPAN = "penerapan", _("Penerapan")
    PELEMBAGAAN = "pelembagaan", _("Pelembagaan")
    EVALUASI = "evaluasi", _("Evaluasi")
    BERHENTI = "berhenti", _("Berhenti")


#: The forward path of an adoption; `berhenti` stands outside it.
STAGE_ORDER: tuple[str, ...] = (
    AdoptionStage.MINAT,
    AdoptionStage.STUDI_TIRU,
    AdoptionStage.KESEPAKATAN,
    AdoptionStage.ADAPTASI,
    AdoptionStage.UJI_COBA,
    AdoptionStage.PENERAPAN,
    AdoptionStage.PELEMBAGAAN,
    AdoptionStage.EVALUASI,
)


def stage_rank(stage: str) -> int:
    """Position of a stage on the forward path (0 = minat); -1 for berhenti or unknown."""
    try:
        return STAGE_ORDER.index(stage)
    except ValueError:
        return -1


class Adoption(TimeStampedModel):
    """One region replicating one practice."""

    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("praktik"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah pengadopsi"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi pengadopsi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
    )
    programme = models.ForeignKey(
        "learning.LearningProgramme",
        verbose_name=_("program pembelajaran"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
        help_text=_("Program yang memulai adopsi ini, bila ada."),
    )
    stage = models.CharField(_("tahap"), max_length=12, choices=AdoptionStage.choices)
    stage_changed_on = models.DateField(_("tahap berubah pada"), null=True, blank=True)
    stopped_reason = models.TextField(_("alasan berhenti"), blank=True)
    source_url = models.URLField(_("sumber"), max_length=500, blank=True)
    source_note = models.CharField(_("catatan sumber"), max_length=300, blank=True)
    #: Raised by every stage change; a writer that read an older version loses the race cleanly.
    version = models.PositiveIntegerField(_("versi"), default=1)

    class Meta:
        ordering = ["innovation_id", "region__code"]
        verbose_name = _("adopsi")
        verbose_name_plural = _("adopsi")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "region"], name="adoption_one_per_region_and_practice"
            )
        ]
        indexes = [models.Index(fields=["stage"], name="adoption_stage_idx")]

    def __str__(self) -> str:
        return f"{self.innovation} → {self.region} ({self.get_stage_display()})"

    def get_absolute_url(self) -> str:
        return reverse("learning:adoption", kwargs={"pk": self.pk})

    @property
    def stage_rank(self) -> int:
        return stage_rank(self.stage)

    @property
    def is_stopped(self) -> bool:
        return self.stage == AdoptionStage.BERHENTI


class AdoptionStageChange(models.Model):
    """One dated step in the story of an adoption (the first one opens it)."""

    adoption = models.ForeignKey(
        Adoption,
        verbose_name=_("adopsi"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    from_stage = models.CharField(
        _("dari tahap"), max_length=12, choices=AdoptionStage.choices, blank=True
    )
    to_stage = models.CharField(_("ke tahap"), max_length=12, choices=AdoptionStage.choices)
    #: When it happened; empty only for historical records whose source gives no date.
    date = models.DateField(_("tanggal"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    source_url = models.URLField(_("sumber"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The organisation on whose behalf the change was recorded (shown instead of the person).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("atas nama organisasi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: A move back down the path, recorded on purpose with its reason (never silently).
    is_backwards = models.BooleanField(_("mundur tahap"), default=False)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["adoption_id", "created_at", "id"]
        verbose_name = _("perubahan tahap adopsi")
        verbose_name_plural = _("perubahan tahap adopsi")

    def __str__(self) -> str:
        return f"{self.adoption_id}: {self.from_stage or '-'} → {self.to_stage}"


class EvidenceKind(models.TextChoices):
    """What proves a step: the documents regions actually produce along the way."""

    LETTER_OF_INTEREST = "surat_minat", _("Surat minat replikasi")
    MOU = "mou", _("MoU/perjanjian kerja sama")
    REGULATION = "regulasi", _("Regulasi (Perda/Perkada/SK)")
    BUDGET = "anggaran", _("Dokumen anggaran (DPA/RKA/APBD)")
    RKPD = "rkpd", _("RKPD/renja")
    REPORT = "laporan", _("Laporan")
    LINK = "tautan", _("Tautan lain")
    OTHER = "lainnya", _("Lainnya")


#: Stages that need proof, and the kinds of proof each accepts.
EVIDENCE_REQUIRED: dict[str, frozenset[str]] = {
    AdoptionStage.KESEPAKATAN: frozenset({EvidenceKind.LETTER_OF_INTEREST, EvidenceKind.MOU}),
    AdoptionStage.PELEMBAGAAN: frozenset(
        {EvidenceKind.REGULATION, EvidenceKind.BUDGET, EvidenceKind.RKPD}
    ),
}


class AdoptionEvidence(models.Model):
    """A document behind one stage change: a regulation, a budget line, a report, a letter."""

    stage_change = models.ForeignKey(
        AdoptionStageChange,
        verbose_name=_("perubahan tahap"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    kind = models.CharField(_("jenis bukti"), max_length=12, choices=EvidenceKind.choices)
    title = models.CharField(_("judul"), max_length=300, blank=True)
    reference = models.CharField(_("nomor/rujukan"), max_length=200, blank=True)
    date = models.DateField(_("tanggal dokumen"), null=True, blank=True)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    file = models.FileField(_("berkas"), upload_to="learning/evidence/%Y/%m/", blank=True)
    content_type = models.CharField(_("jenis berkas"), max_length=100, blank=True)

    class Meta:
        ordering = ["stage_change_id", "pk"]
        verbose_name = _("bukti adopsi")
        verbose_name_plural = _("bukti adopsi")

    def __str__(self) -> str:
        return self.title or self.reference or self.get_kind_display()


class LearningProgramme(TimeStampedModel):
    """A peer-learning programme: organisers, a theme, a region of focus, a period."""

    title = models.CharField(_("judul"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    theme = models.CharField(_("tema"), max_length=200, blank=True)
    description = models.TextField(_("uraian"), blank=True)
    organisers = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("penyelenggara"),
        related_name="organised_programmes",
    )
    focus_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah fokus"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learning_programmes",
    )
    starts_on = models.DateField(_("mulai"), null=True, blank=True)
    ends_on = models.DateField(_("selesai"), null=True, blank=True)
    source_url = models.URLField(_("sumber"), max_length=500, blank=True)
    source_note = models.CharField(_("catatan sumber"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_on", "title", "pk"]
        verbose_name = _("program pembelajaran")
        verbose_name_plural = _("program pembelajaran")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="programme_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:programme", kwargs={"slug": self.slug})


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Lokakarya")
    STUDY_VISIT = "study_visit", _("Studi tiru")
    WEBINAR = "webinar", _("Webinar")


class LearningEvent(TimeStampedModel):
    """One workshop, study visit or webinar of a programme."""

    programme = models.ForeignKey(
        LearningProgramme,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("jenis kegiatan"), max_length=12, choices=EventKind.choices)
    title = models.CharField(_("judul"), max_length=250)
    starts_on = models.DateField(_("tanggal"))
    ends_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    place = models.CharField(_("tempat"), max_length=250, blank=True)
    online_url = models.URLField(_("tautan daring"), max_length=500, blank=True)
    description = models.TextField(_("uraian"), blank=True)
    capacity = models.PositiveIntegerField(
        _("kapasitas"), null=True, blank=True, help_text=_("Kosongkan bila tidak dibatasi.")
    )
    registration_open = models.BooleanField(_("pendaftaran dibuka"), default=False)
    source_url = models.URLField(_("sumber"), max_length=500, blank=True)
    source_note = models.CharField(_("catatan sumber"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("kegiatan pembelajaran")
        verbose_name_plural = _("kegiatan pembelajaran")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="event_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:event", kwargs={"pk": self.pk})


class EventSession(models.Model):
    """One item of an event's agenda."""

    event = models.ForeignKey(
        LearningEvent, verbose_name=_("kegiatan"), on_delete=models.CASCADE, related_name="sessions"
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    starts_at = models.TimeField(_("mulai pukul"), null=True, blank=True)
    ends_at = models.TimeField(_("selesai pukul"), null=True, blank=True)
    title = models.CharField(_("judul sesi"), max_length=250)
    description = models.TextField(_("uraian"), blank=True)

    class Meta:
        ordering = ["event_id", "position", "starts_at", "pk"]
        verbose_name = _("sesi")
        verbose_name_plural = _("sesi")

    def __str__(self) -> str:
        return self.title


class FeaturedPractice(models.Model):
    """A practice presented at an event, with the organisation that presents it."""

    event = models.ForeignKey(
        LearningEvent,
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="featured",
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("praktik"),
        on_delete=models.CASCADE,
        related_name="featured_at",
    )
    presenter = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi penyaji"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["event_id", "position", "pk"]
        verbose_name = _("praktik yang disajikan")
        verbose_name_plural = _("praktik yang disajikan")
        constraints = [
            models.UniqueConstraint(fields=["event", "innovation"], name="featured_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.innovation_id}"


class EventMaterial(models.Model):
    """Slides, handouts or recordings of an event: a link or an uploaded file."""

    event = models.ForeignKey(
        LearningEvent,
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("judul"), max_length=250)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    file = models.FileField(_("berkas"), upload_to="learning/materials/%Y/%m/", blank=True)
    content_type = models.CharField(_("jenis berkas"), max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditambahkan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ditambahkan"), auto_now_add=True)

    class Meta:
        ordering = ["event_id", "pk"]
        verbose_name = _("materi")
        verbose_name_plural = _("materi")

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Terdaftar")
    WAITLISTED = "waitlisted", _("Daftar tunggu")
    CANCELLED = "cancelled", _("Batal")


class Registration(TimeStampedModel):
    """An organisation's (and, when signed up by a person, that person's) place at an event."""

    event = models.ForeignKey(
        LearningEvent,
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("peserta"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    attended = models.BooleanField(_("hadir"), null=True, blank=True)

    class Meta:
        ordering = ["event_id", "organisation__name", "pk"]
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="registration_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "organisation"],
                condition=Q(user__isnull=True),
                name="registration_one_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.organisation_id} ({self.status})"


class ActionPlan(TimeStampedModel):
    """A rencana tindak lanjut: an organisation commits to adapt a practice."""

    programme = models.ForeignKey(
        LearningProgramme,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_plans",
    )
    event = models.ForeignKey(
        LearningEvent,
        verbose_name=_("kegiatan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_plans",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi pengadopsi"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("praktik"),
        on_delete=models.CASCADE,
        related_name="action_plans",
    )
    adoption = models.ForeignKey(
        Adoption,
        verbose_name=_("adopsi"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    modification = models.TextField(
        _("modifikasi"),
        help_text=_("Apa yang akan diubah dari praktik asal agar cocok di daerah Anda."),
    )
    rationale = models.TextField(_("alasan"), help_text=_("Mengapa perubahan itu perlu."))
    responsible_unit = models.CharField(_("unit penanggung jawab"), max_length=250)
    resources_needed = models.TextField(_("sumber daya yang diperlukan"), blank=True)
    target_pilot_on = models.DateField(_("target uji coba"), null=True, blank=True)
    target_operation_on = models.DateField(_("target penerapan"), null=True, blank=True)
    target_institutionalised_on = models.DateField(_("target pelembagaan"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disusun oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_reminded_at = models.DateTimeField(_("terakhir diingatkan"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("rencana tindak lanjut")
        verbose_name_plural = _("rencana tindak lanjut")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.innovation}"

    def get_absolute_url(self) -> str:
        return reverse("learning:action_plan", kwargs={"pk": self.pk})


class Follow(models.Model):
    """A person following a practice or one adoption, to be told of changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="learning_follows",
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("praktik"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    adoption = models.ForeignKey(
        Adoption,
        verbose_name=_("adopsi"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    created_at = models.DateTimeField(_("sejak"), auto_now_add=True)

    class Meta:
        verbose_name = _("ikutan")
        verbose_name_plural = _("ikutan")
        constraints = [
            models.CheckConstraint(
                condition=(Q(innovation__isnull=False) & Q(adoption__isnull=True))
                | (Q(innovation__isnull=True) & Q(adoption__isnull=False)),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "innovation"],
                condition=Q(innovation__isnull=False),
                name="follow_practice_once",
            ),
            models.UniqueConstraint(
                fields=["user", "adoption"],
                condition=Q(adoption__isnull=False),
                name="follow_adoption_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.innovation_id or self.adoption_id}"


class NotificationKind(models.TextChoices):
    STAGE_CHANGED = "stage_changed", _("Tahap adopsi berubah")
    ACTION_PLAN = "action_plan", _("Rencana tindak lanjut baru")
    QUESTION = "question", _("Pertanyaan baru")
    ANSWER = "answer", _("Jawaban baru")
    REMINDER = "reminder", _("Pengingat tindak lanjut")


class Notification(models.Model):
    """A message in the site for one person; also sent by e-mail when they have an address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="learning_notifications",
    )
    kind = models.CharField(_("jenis"), max_length=16, choices=NotificationKind.choices)
    text = models.CharField(_("isi"), max_length=500)
    url = models.CharField(_("alamat"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim lewat surel"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text


class Question(TimeStampedModel):
    """A question on a practice, from an adopter (or anyone signed in) to its originator."""

    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("praktik"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penanya"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi penanya"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("pertanyaan"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pertanyaan")
        verbose_name_plural = _("pertanyaan")

    def __str__(self) -> str:
        return self.body[:60]


class Answer(TimeStampedModel):
    question = models.ForeignKey(
        Question, verbose_name=_("pertanyaan"), on_delete=models.CASCADE, related_name="answers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penjawab"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi penjawab"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("jawaban"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")

    def __str__(self) -> str:
        return self.body[:60]
