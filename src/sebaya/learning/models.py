"""Peer learning: adoption records of a practice by another region, and their stage history.

An adoption record says that one region (through one organisation, when known) is replicating
one practice, and how far it has got. Its stages follow the lifecycle in docs/glossary.md:
minat -> studi tiru -> kesepakatan -> adaptasi -> uji coba -> penerapan -> pelembagaan ->
evaluasi, or berhenti with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
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

    @property
    def stage_rank(self) -> int:
        return stage_rank(self.stage)


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
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["adoption_id", "created_at", "id"]
        verbose_name = _("perubahan tahap adopsi")
        verbose_name_plural = _("perubahan tahap adopsi")

    def __str__(self) -> str:
        return f"{self.adoption_id}: {self.from_stage or '-'} → {self.to_stage}"
