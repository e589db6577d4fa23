"""Users, the organisations they work for, and their roles there."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sebaya.core.models import TimeStampedModel


class User(AbstractUser):
    """A person with an account. Curators are staff users."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("pengguna")  # type: ignore[assignment]
        verbose_name_plural = _("pengguna")  # type: ignore[assignment]

    @property
    def is_curator(self) -> bool:
        return self.is_active and (self.is_staff or self.is_superuser)


class OrganisationKind(models.TextChoices):
    PEMDA = "pemda", _("Pemerintah daerah")
    OPD = "opd", _("Perangkat daerah (OPD)")
    MINISTRY = "ministry", _("Kementerian/lembaga")
    PROGRAMME = "programme", _("Program pembangunan")
    DONOR = "donor", _("Mitra pembangunan/donor")
    NGO = "ngo", _("Organisasi masyarakat sipil")
    UNIVERSITY = "university", _("Perguruan tinggi")
    OTHER = "other", _("Lainnya")


class Organisation(TimeStampedModel):
    name = models.CharField(_("nama"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        help_text=_("Mis. pemda tempat sebuah OPD bernaung."),
    )
    website = models.URLField(_("situs web"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisasi")
        verbose_name_plural = _("organisasi")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin organisasi")
    EDITOR = "editor", _("Editor")
    MEMBER = "member", _("Anggota")


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        User, verbose_name=_("pengguna"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasi"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("peran"), max_length=8, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class TokenScope(models.TextChoices):
    """What a personal access token may do in the API, beyond reading public data."""

    READ = "read", _("Membaca atas nama saya (termasuk draf organisasi saya)")
    PRACTICES_WRITE = "practices:write", _("Menulis praktik (membuat, mengubah, mengajukan)")
    ADOPTIONS_WRITE = "adoptions:write", _("Menulis rencana tindak lanjut dan catatan adopsi")
    PROGRAMMES_WRITE = "programmes:write", _("Menulis program dan acara pembelajaran")


class PersonalAccessToken(models.Model):
    """A secret a user's scripts send as `Authorization: Bearer <token>` to the API.

    Only a SHA-256 digest of the token is stored: the token itself is shown once, when created.
    The token acts as its user, limited to its scopes; the permission policies still decide.
    """

    user = models.ForeignKey(
        User, verbose_name=_("pengguna"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=16, help_text=_("Untuk mengenali token."))
    digest = models.CharField(_("sidik"), max_length=64, unique=True)
    scopes = models.JSONField(_("cakupan akses"), default=list)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("token akses pribadi")
        verbose_name_plural = _("token akses pribadi")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])
