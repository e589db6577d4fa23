"""Regions (Kemendagri codes), indicator definitions and their sourced observations."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sebaya.core.models import TimeStampedModel

COUNTRY_CODE = "ID"

# The first digit of a Kemendagri province code names its island group.
ISLAND_GROUPS = {
    "1": _("Sumatera"),
    "2": _("Sumatera"),  # Kepulauan Riau (21): BPS counts it with Sumatera
    "3": _("Jawa"),
    "5": _("Bali dan Nusa Tenggara"),
    "6": _("Kalimantan"),
    "7": _("Sulawesi"),
    "8": _("Maluku"),
    "9": _("Papua"),
}


class RegionLevel(models.TextChoices):
    COUNTRY = "country", _("Negara")
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten")
    CITY = "city", _("Kota")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE = "village", _("Desa/Kelurahan")


class Region(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=16, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:detail", kwargs={"code": self.code})

    @property
    def is_pemda(self) -> bool:
        """Provinces, kabupaten and kota have their own local government (pemda).

        The six administrative kabupaten/kota of DKI Jakarta are run by the province: they are
        regions with codes, but not pemda (hence 38 + 415 + 93 = 546 pemda for 514 codes).
        """
        if self.level == RegionLevel.PROVINCE:
            return True
        return self.level in {RegionLevel.REGENCY, RegionLevel.CITY} and " Administrasi " not in (
            f" {self.name} "
        )

    @property
    def province_code(self) -> str | None:
        if self.level == RegionLevel.COUNTRY:
            return None
        return self.code[:2]

    @property
    def island_group(self) -> str:
        code = self.province_code
        if code is None:
            return ""
        return str(ISLAND_GROUPS.get(code[0], ""))

    @property
    def short_name(self) -> str:
        """The name without its level prefix: "Kabupaten Sambas" -> "Sambas"."""
        for prefix in (
            "Kabupaten Administrasi ",
            "Kota Administrasi ",
            "Kabupaten ",
            "Kota ",
            "Provinsi ",
        ):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


class Indicator(models.Model):
    slug = models.SlugField(_("kode"), max_length=64, unique=True)
    name_id = models.CharField(_("nama (Indonesia)"), max_length=160)
    name_en = models.CharField(_("nama (Inggris)"), max_length=160)
    unit = models.CharField(_("satuan"), max_length=32, default="percent")
    description_id = models.TextField(_("keterangan (Indonesia)"), blank=True)
    description_en = models.TextField(_("keterangan (Inggris)"), blank=True)
    # Whether a lower value is better; charts and need rankings read it.
    lower_is_better = models.BooleanField(_("makin rendah makin baik"), default=True)
    display_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["display_order", "slug"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")

    def __str__(self) -> str:
        return self.name_id

    def localized_name(self, language: str | None) -> str:
        return self.name_en if (language or "").startswith("en") else self.name_id


class PeriodGranularity(models.TextChoices):
    YEAR = "year", _("tahun")
    MONTH = "month", _("bulan")


class Observation(TimeStampedModel):
    """One sourced value of an indicator for a region and a period."""

    region = models.ForeignKey(
        Region, verbose_name=_("wilayah"), on_delete=models.CASCADE, related_name="observations"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    period = models.CharField(_("periode"), max_length=7, help_text="YYYY or YYYY-MM")
    period_start = models.DateField(_("awal periode"))
    period_granularity = models.CharField(max_length=5, choices=PeriodGranularity.choices)
    value = models.DecimalField(_("nilai"), max_digits=14, decimal_places=4)
    unit = models.CharField(_("satuan"), max_length=32, default="percent")
    source_url = models.URLField(_("sumber"), max_length=500)
    note = models.TextField(_("catatan"), blank=True)
    # Set when the note says this value is not comparable with the earlier ones
    # (e.g. BPS moving the extreme-poverty line from US$1.9 to US$2.15 in 2025).
    series_break = models.BooleanField(_("patahan seri"), default=False)

    class Meta:
        ordering = ["region", "indicator", "period_start"]
        verbose_name = _("observasi indikator")
        verbose_name_plural = _("observasi indikator")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "period", "source_url"],
                name="observation_unique_per_source",
            )
        ]
        indexes = [models.Index(fields=["indicator", "region", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator.slug} {self.region.code} {self.period}: {self.value}"
