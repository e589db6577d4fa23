"""Unique, readable slugs for URLs."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Model, QuerySet
from django.utils.text import slugify


def unique_slug(
    text: str,
    *,
    queryset: QuerySet[Model],
    fallback: str,
    field: str = "slug",
    exclude_pk: int | None = None,
    reserved: Collection[str] = (),
) -> str:
    """A slug from the text, with -2, -3, ... appended when the queryset already has it.

    `reserved` slugs count as taken: fixed paths that share the URL space with the records.
    """
    max_length = getattr(queryset.model._meta.get_field(field), "max_length", None) or 50
    base = slugify(text)[: max_length - 6].strip("-") or fallback
    taken_qs = queryset.filter(**{f"{field}__startswith": base})
    if exclude_pk is not None:
        taken_qs = taken_qs.exclude(pk=exclude_pk)
    taken = set(taken_qs.values_list(field, flat=True)) | set(reserved)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
