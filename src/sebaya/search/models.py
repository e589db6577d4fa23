"""The search index of practices: analysed text with permission labels, vectors, the glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One practice as the lexical index sees it.

    `title` and `body` hold analysed text (normalised, stemmed, stopwords removed), which the
    SQLite FTS5 table or the PostgreSQL tsvector column index. `is_published` and
    `organisation_id` are permission labels: search filters on them so it can never leak a
    draft (as CKAN does), instead of checking every hit afterwards.
    """

    innovation = models.OneToOneField(
        "innovations.Innovation",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    title = models.TextField()
    body = models.TextField()
    is_published = models.BooleanField(default=False, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Normalised surface words of the practice, each once: the spelling vocabulary (typos of
    # inflected words need the words, not their stems). Not ranked.
    words = models.TextField(blank=True, default="")
    content_hash = models.CharField(max_length=64)
    # Indexed: max(indexed_at) is half of the cheap "has the index changed" check.
    indexed_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("dokumen indeks")
        verbose_name_plural = _("dokumen indeks")

    def __str__(self) -> str:
        return f"search document {self.pk}"


class Embedding(models.Model):
    """A practice's sentence embedding, quantised to int8 (one scale per vector)."""

    innovation = models.OneToOneField(
        "innovations.Innovation",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="embedding",
    )
    model = models.CharField(max_length=64)
    dim = models.PositiveSmallIntegerField()
    vector = models.BinaryField()
    scale = models.FloatField()
    text_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("vektor semantik")
        verbose_name_plural = _("vektor semantik")

    def __str__(self) -> str:
        return f"embedding {self.pk} ({self.model})"


class GlossaryKind(models.TextChoices):
    ACRONYM = "acronym", _("Singkatan")
    SYNONYM = "synonym", _("Sinonim")
    COLLOQUIAL = "colloquial", _("Bahasa sehari-hari")
    TRANSLATION = "translation", _("Padanan bahasa Inggris")


class GlossaryEntry(models.Model):
    """A term of government and social policy and what it also means, for query expansion.

    Seeded from the vendored glossary file; curators add and correct entries in the admin.
    """

    term = models.CharField(_("istilah"), max_length=100, unique=True)
    expansions = models.TextField(
        _("padanan"),
        help_text=_("Satu padanan per baris, bahasa Indonesia atau Inggris."),
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=GlossaryKind.choices)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    from_file = models.BooleanField(
        _("dari berkas bawaan"),
        default=False,
        help_text=_("Entri dari berkas glosarium bawaan; suntingan kurator tetap dipertahankan."),
    )

    class Meta:
        ordering = ["term"]
        verbose_name = _("entri glosarium")
        verbose_name_plural = _("glosarium")

    def __str__(self) -> str:
        return self.term

    def expansion_list(self) -> list[str]:
        return [line.strip() for line in self.expansions.splitlines() if line.strip()]
