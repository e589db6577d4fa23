"""The innovation (good practice) record and its parts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sebaya.core.models import TimeStampedModel

StrOrPromise = str | Promise


class Theme(models.Model):
    """A theme of poverty work (targeting and data, social protection, ...)."""

    slug = models.SlugField(_("kode"), max_length=64, unique=True)
    name_id = models.CharField(_("nama (Indonesia)"), max_length=120)
    name_en = models.CharField(_("nama (Inggris)"), max_length=120)
    description_id = models.TextField(_("keterangan (Indonesia)"), blank=True)
    description_en = models.TextField(_("keterangan (Inggris)"), blank=True)
    display_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["display_order", "slug"]
        verbose_name = _("tema")
        verbose_name_plural = _("tema")

    def __str__(self) -> str:
        return self.name_id

    def localized_name(self, language: str | None) -> str:
        return self.name_en if (language or "").startswith("en") else self.name_id


class UrusanCategory(models.TextChoices):
    WAJIB_DASAR = "wajib_dasar", _("Wajib, pelayanan dasar")
    WAJIB_NON_DASAR = "wajib_non_dasar", _("Wajib, bukan pelayanan dasar")
    PILIHAN = "pilihan", _("Pilihan")


class Urusan(models.Model):
    """An urusan pemerintahan konkuren (UU 23/2014), coded as in Permendagri 90/2019."""

    code = models.CharField(_("kode"), max_length=8, unique=True)
    name_id = models.CharField(_("nama (Indonesia)"), max_length=160)
    name_en = models.CharField(_("nama (Inggris)"), max_length=160)
    category = models.CharField(_("kategori"), max_length=16, choices=UrusanCategory.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("urusan pemerintahan")
        verbose_name_plural = _("urusan pemerintahan")

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"

    @property
    def is_basic_service(self) -> bool:
        """One of the six urusan wajib pelayanan dasar."""
        return self.category == UrusanCategory.WAJIB_DASAR

    def localized_name(self, language: str | None) -> str:
        return self.name_en if (language or "").startswith("en") else self.name_id


class SdgGoal(models.Model):
    number = models.PositiveSmallIntegerField(_("nomor"), unique=True)
    name_id = models.CharField(_("nama (Indonesia)"), max_length=160)
    name_en = models.CharField(_("nama (Inggris)"), max_length=160)

    class Meta:
        ordering = ["number"]
        verbose_name = _("tujuan SDG")
        verbose_name_plural = _("tujuan SDG")

    def __str__(self) -> str:
        return f"SDG {self.number}"

    def localized_name(self, language: str | None) -> str:
        return self.name_en if (language or "").startswith("en") else self.name_id


class Bentuk(models.TextChoices):
    TATA_KELOLA = "tata_kelola", _("Tata kelola pemerintahan")
    PELAYANAN_PUBLIK = "pelayanan_publik", _("Pelayanan publik")
    LAINNYA = "lainnya", _("Lainnya")


class Jenis(models.TextChoices):
    DIGITAL = "digital", _("Digital")
    NON_DIGITAL = "non_digital", _("Non-digital")


class Inisiator(models.TextChoices):
    KEPALA_DAERAH = "kepala_daerah", _("Kepala daerah")
    DPRD = "dprd", _("DPRD")
    OPD = "opd", _("OPD")
    ASN = "asn", _("ASN")
    MASYARAKAT = "masyarakat", _("Masyarakat")


class Stage(models.TextChoices):
    INISIATIF = "inisiatif", _("Inisiatif")
    UJI_COBA = "uji_coba", _("Uji coba")
    PENERAPAN = "penerapan", _("Penerapan")


class RunningStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Belum diperiksa")
    RUNNING = "berjalan", _("Masih berjalan")
    STOPPED = "berhenti", _("Berhenti")


class PublicationStatus(models.TextChoices):
    """The review workflow: draft -> submitted -> (revision -> submitted ...) -> verified ->
    published. Only published practices are public (catalogue, search, API)."""

    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan untuk ditinjau")
    REVISION = "revision", _("Perlu revisi")
    VERIFIED = "verified", _("Terverifikasi")
    PUBLISHED = "published", _("Terbit")


# The narrative sections of a practice, in reading order: (field name, label).
NARRATIVE_SECTIONS: list[tuple[str, StrOrPromise]] = [
    ("problem", _("Masalah yang dijawab")),
    ("novelty", _("Kebaruan")),
    ("how_it_works", _("Cara kerja")),
    ("legal_basis", _("Dasar hukum")),
    ("goals", _("Tujuan")),
    ("benefits", _("Manfaat")),
    ("results", _("Hasil")),
    ("partners", _("Mitra")),
    ("beneficiaries", _("Penerima manfaat")),
    ("challenges", _("Tantangan dan kegagalan")),
    ("success_conditions", _("Syarat keberhasilan")),
    ("replication_notes", _("Catatan replikasi")),
    ("lessons", _("Pelajaran")),
]


class Innovation(TimeStampedModel):
    # Identity
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    source = models.CharField(
        _("sumber data"),
        max_length=64,
        blank=True,
        help_text=_("Kumpulan data asal rekaman, mis. 'sebaya-sample'."),
    )
    external_id = models.CharField(_("ID di sumber"), max_length=128, blank=True)
    title = models.CharField(_("judul"), max_length=300)
    summary = models.TextField(_("ringkasan"), blank=True)
    overview = models.TextField(_("gambaran umum"), blank=True)
    website = models.URLField(_("situs web"), max_length=500, blank=True)
    video_url = models.URLField(_("video"), max_length=500, blank=True)

    # Owner
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah asal"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi pemilik"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="innovations",
    )
    opd_name = models.CharField(_("OPD pelaksana"), max_length=200, blank=True)
    collaborators = models.TextField(_("kolaborator"), blank=True)

    # Classification
    themes = models.ManyToManyField(
        Theme, verbose_name=_("tema"), blank=True, related_name="innovations"
    )
    urusan = models.ManyToManyField(
        Urusan, verbose_name=_("urusan pemerintahan"), blank=True, related_name="innovations"
    )
    sdgs = models.ManyToManyField(
        SdgGoal, verbose_name=_("SDG"), blank=True, related_name="innovations"
    )
    sdg_targets = models.CharField(
        _("target SDG"), max_length=200, blank=True, help_text=_("Mis. 1.1, 1.3, 5.a")
    )
    bentuk = models.CharField(_("bentuk"), max_length=20, choices=Bentuk.choices, blank=True)
    jenis = models.CharField(_("jenis"), max_length=12, choices=Jenis.choices, blank=True)
    inisiator = models.CharField(
        _("inisiator"), max_length=16, choices=Inisiator.choices, blank=True
    )
    sector = models.CharField(_("sektor di sumber"), max_length=64, blank=True)

    # Stage and life
    year = models.PositiveSmallIntegerField(
        _("tahun"), null=True, blank=True, help_text=_("Tahun mulai atau tahun penghargaan.")
    )
    year_note = models.CharField(_("catatan tahun"), max_length=300, blank=True)
    stage = models.CharField(_("tahapan"), max_length=12, choices=Stage.choices, blank=True)
    running_status = models.CharField(
        _("status berjalan"),
        max_length=10,
        choices=RunningStatus.choices,
        default=RunningStatus.UNKNOWN,
    )
    status_checked_on = models.DateField(_("status diperiksa pada"), null=True, blank=True)

    # Narrative
    problem = models.TextField(_("masalah"), blank=True)
    novelty = models.TextField(_("kebaruan"), blank=True)
    how_it_works = models.TextField(_("cara kerja"), blank=True)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    goals = models.TextField(_("tujuan"), blank=True)
    benefits = models.TextField(_("manfaat"), blank=True)
    results = models.TextField(_("hasil"), blank=True)
    partners = models.TextField(_("mitra"), blank=True)
    beneficiaries = models.TextField(_("penerima manfaat"), blank=True)
    challenges = models.TextField(_("tantangan dan kegagalan"), blank=True)
    success_conditions = models.TextField(_("syarat keberhasilan"), blank=True)
    replication_notes = models.TextField(_("catatan replikasi"), blank=True)
    lessons = models.TextField(_("pelajaran"), blank=True)

    # Publication
    status = models.CharField(
        _("status terbit"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    published_at = models.DateTimeField(_("terbit pada"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("inovasi")
        verbose_name_plural = _("inovasi")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="innovation_unique_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["status", "year"]),
            models.Index(fields=["status", "title"]),
            # The catalogue's "newest" and "recently updated" sorts read the first page from
            # these instead of sorting every published practice (bench/run.py, EXPLAIN).
            models.Index(fields=["status", "-year", "title"], name="innovation_status_newest"),
            models.Index(fields=["status", "-updated_at"], name="innovation_status_updated"),
            # Looking a practice up by its id at the source alone (the home page's workshop
            # practices): the unique constraint's index starts with the source.
            models.Index(fields=["external_id"], name="innovation_external_id"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("innovations:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    def narrative(self) -> list[tuple[str, str, str]]:
        """The filled narrative sections as (field, label, text), in reading order."""
        return [
            (field, str(label), getattr(self, field))
            for field, label in NARRATIVE_SECTIONS
            if getattr(self, field)
        ]


class StageEvent(models.Model):
    """A dated step in the practice's life: started, piloted, applied, stopped, re-checked."""

    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="stage_events"
    )
    stage = models.CharField(_("tahapan"), max_length=12, choices=Stage.choices)
    date = models.DateField(_("tanggal"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("tahun"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    source_url = models.URLField(_("sumber"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "date", "pk"]
        verbose_name = _("riwayat tahapan")
        verbose_name_plural = _("riwayat tahapan")

    def __str__(self) -> str:
        return f"{self.innovation} {self.stage} {self.date or self.year or ''}"


class EvidenceKind(models.TextChoices):
    REGULATION = "regulation", _("Regulasi (SK/Perkada/Perda)")
    BUDGET = "budget", _("Anggaran (DPA/RKA)")
    RKPD = "rkpd", _("RKPD")
    SOP = "sop", _("SOP")
    MOU = "mou", _("MoU/kerja sama")
    COMPLAINTS = "complaints", _("Penanganan pengaduan")
    SERVICE_SPEED = "service_speed", _("Kecepatan layanan")
    COVERAGE = "coverage", _("Cakupan")
    MONITORING = "monitoring", _("Pemantauan dan evaluasi")
    REPORT = "report", _("Laporan")
    OTHER = "other", _("Lainnya")


class EvidenceItem(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("jenis bukti"), max_length=16, choices=EvidenceKind.choices)
    title = models.CharField(_("judul"), max_length=300)
    reference = models.CharField(_("nomor/rujukan"), max_length=200, blank=True)
    date = models.DateField(_("tanggal"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("tahun"), null=True, blank=True)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["kind", "year", "pk"]
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")

    def __str__(self) -> str:
        return self.title


class AwardProgramme(models.TextChoices):
    IGA = "iga", _("Innovative Government Award (IGA)")
    KIPP = "kipp", _("Kompetisi Inovasi Pelayanan Publik (KIPP)")
    SINOVIK = "sinovik", _("Sinovik (pendahulu KIPP)")
    PPD = "ppd", _("Penghargaan Pembangunan Daerah (PPD)")
    UNPSA = "unpsa", _("UN Public Service Award")
    OTHER = "other", _("Lainnya")


class Award(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="awards")
    programme = models.CharField(_("penghargaan"), max_length=8, choices=AwardProgramme.choices)
    title = models.CharField(_("predikat"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    awarded_on = models.DateField(_("tanggal"), null=True, blank=True)
    source_url = models.URLField(_("sumber"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "programme"]
        verbose_name = _("penghargaan")
        verbose_name_plural = _("penghargaan")

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.year}"


class LinkKind(models.TextChoices):
    SOURCE = "source", _("Sumber")
    NEWS = "news", _("Berita")
    DOCUMENT = "document", _("Dokumen")
    VIDEO = "video", _("Video")
    WEBSITE = "website", _("Situs")


class Link(models.Model):
    """A source, document or page about the practice."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("jenis"), max_length=10, choices=LinkKind.choices)
    title = models.CharField(_("judul"), max_length=300, blank=True)
    url = models.URLField(_("tautan"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("tautan")
        verbose_name_plural = _("tautan")
        constraints = [
            models.UniqueConstraint(fields=["innovation", "url"], name="link_unique_url")
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Contact(models.Model):
    """An office to ask about the practice: a unit and its public channels, not a private person."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="contacts")
    unit = models.CharField(_("unit"), max_length=200)
    role = models.CharField(_("peran"), max_length=200, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    website = models.URLField(_("situs"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kontak")
        verbose_name_plural = _("kontak")

    def __str__(self) -> str:
        return self.unit


class OutcomeFigure(models.Model):
    """A result in figures, before and after, always with its source."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="outcomes")
    label = models.CharField(_("indikator hasil"), max_length=300)
    value_before = models.DecimalField(
        _("nilai sebelum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    period_before = models.CharField(_("periode sebelum"), max_length=20, blank=True)
    value_after = models.DecimalField(
        _("nilai sesudah"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    period_after = models.CharField(_("periode sesudah"), max_length=20, blank=True)
    unit = models.CharField(_("satuan"), max_length=40, blank=True)
    source_url = models.URLField(_("sumber"), max_length=500)
    note = models.TextField(_("catatan"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("angka hasil")
        verbose_name_plural = _("angka hasil")

    def __str__(self) -> str:
        return self.label


class ReviewNote(models.Model):
    """A curator's note on one field of a submitted practice, asking for a revision.

    Open while the practice waits for its revision; resolved (with the editor's optional answer)
    when the practice is submitted again.
    """

    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="review_notes"
    )
    field = models.CharField(
        _("isian"), max_length=64, blank=True, help_text=_("Kosong: catatan umum.")
    )
    message = models.TextField(_("catatan"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("peninjau"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    response = models.TextField(_("jawaban"), blank=True)
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("catatan tinjauan")
        verbose_name_plural = _("catatan tinjauan")

    def __str__(self) -> str:
        return f"{self.innovation}: {self.field or '-'}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
