"""Import jobs that curators run from the site, and the records merged into other practices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sebaya.core.models import TimeStampedModel


class ImportKind(models.TextChoices):
    PRACTICES = "practices", _("Praktik baik")
    INDICATORS = "indicators", _("Indikator")


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Diunggah")
    CHECKING = "checking", _("Sedang diperiksa")
    CHECKED = "checked", _("Pratinjau siap")
    QUEUED = "queued", _("Menunggu giliran")
    RUNNING = "running", _("Sedang diimpor")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal, tidak ada yang ditulis")


class ImportJob(TimeStampedModel):
    """One uploaded file on its way through mapping, preview (dry run) and the real run."""

    kind = models.CharField(_("jenis data"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    file = models.FileField(_("berkas"), upload_to="exchange/imports/%Y/%m/", max_length=300)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), default=0)
    source = models.CharField(_("kumpulan data"), max_length=64, blank=True)
    default_source_url = models.URLField(
        _("tautan sumber kumpulan data"), max_length=500, blank=True
    )
    # Header as written in the file -> column read ("" leaves the header out).
    mapping = models.JSONField(_("pemetaan kolom"), default=dict, blank=True)
    # Indicator files: shape (long/wide) and the values a wide table leaves to the form.
    options = models.JSONField(_("pilihan"), default=dict, blank=True)
    skip_invalid = models.BooleanField(_("tulis baris yang sah saja"), default=False)
    # Line -> "create", "skip" or "merge:<practice id>", for rows flagged as likely duplicates.
    decisions = models.JSONField(_("keputusan duplikat"), default=dict, blank=True)
    preview = models.JSONField(_("hasil pratinjau"), default=dict, blank=True)
    report = models.JSONField(_("hasil impor"), default=dict, blank=True)
    errors = models.JSONField(_("galat per baris"), default=list, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impor")
        verbose_name_plural = _("impor")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:job", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING)


class MergedRecord(models.Model):
    """An imported record (source, external id) that a curator folded into another practice.

    Re-importing the same file merges it again instead of creating a copy.
    """

    source = models.CharField(_("sumber data"), max_length=64)
    external_id = models.CharField(_("ID di sumber"), max_length=128)
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("digabung ke praktik"),
        on_delete=models.CASCADE,
        related_name="merged_records",
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("rekaman yang digabung")
        verbose_name_plural = _("rekaman yang digabung")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="merged_record_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.external_id} → {self.innovation_id}"
