"""One row per change of a tracked record: who, when, what it was before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Dibuat")
    UPDATE = "update", _("Diubah")
    DELETE = "delete", _("Dihapus")
    STATUS = "status", _("Status berubah")


class ChangeRecord(models.Model):
    """A change to any tracked record, written by the service that made it.

    `model` is the Django label ("innovations.innovation"); `object_id` is the record's primary
    key as text, so the row survives the record's deletion. `before` and `after` hold the
    tracked fields as JSON (empty for a creation or a deletion respectively).
    """

    model = models.CharField(_("model"), max_length=100)
    object_id = models.CharField(_("ID rekaman"), max_length=64)
    object_repr = models.CharField(_("rekaman"), max_length=300)
    action = models.CharField(_("tindakan"), max_length=8, choices=ChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Kosong bila perubahan dibuat oleh sistem (impor, perintah, demo)."),
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    before = models.JSONField(_("sebelum"), default=dict, blank=True)
    after = models.JSONField(_("sesudah"), default=dict, blank=True)
    changed_fields = models.JSONField(_("isian yang berubah"), default=list, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("catatan perubahan")
        verbose_name_plural = _("catatan perubahan")
        indexes = [models.Index(fields=["model", "object_id", "at"], name="history_object_idx")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
