"""Reading change records and turning them into per-field differences for the diff pages."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet

from sebaya.history.models import ChangeRecord

_TOKEN = re.compile(r"\s+|[^\s]+")


def history_for(*, model: str, object_id: Any) -> QuerySet[ChangeRecord]:
    """Every change of one record, newest first, with the actor read in the same query."""
    return ChangeRecord.objects.filter(model=model, object_id=str(object_id)).select_related(
        "actor"
    )


def history_of(instance: Model) -> QuerySet[ChangeRecord]:
    return history_for(model=instance._meta.label_lower, object_id=instance.pk)


@dataclass(frozen=True)
class Piece:
    """A run of text in a difference: "equal", "delete" or "insert"."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    before: str
    after: str
    pieces: list[Piece]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_label(model: str, field: str) -> str:
    try:
        model_class = apps.get_model(model)
        return str(model_class._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return field


def word_diff(before: str, after: str) -> list[Piece]:
    """The change from `before` to `after` word by word (whitespace kept as written)."""
    a = _TOKEN.findall(before)
    b = _TOKEN.findall(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return [p for p in pieces if p.text]


def diff_of(record: ChangeRecord) -> list[FieldDiff]:
    """One entry per changed field (every field of a creation or deletion), in record order."""
    names = record.changed_fields or list(record.after or record.before)
    rows = []
    for name in names:
        before = _as_text((record.before or {}).get(name))
        after = _as_text((record.after or {}).get(name))
        rows.append(
            FieldDiff(
                field=name,
                label=field_label(record.model, name),
                before=before,
                after=after,
                pieces=word_diff(before, after),
            )
        )
    return rows
