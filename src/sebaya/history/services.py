"""Writing change records. Services call these after a write, inside their transaction.

    before = snapshot(innovation)
    ... change and save ...
    record_change(actor=user, instance=innovation, action="update", before=before,
                  after=snapshot(innovation))

An update that changed nothing writes nothing. The actor is a user, or None for the system
(imports from the command line, the demo, periodic tasks).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from sebaya.history.models import ChangeAction, ChangeRecord

#: Never tracked: they change on every save and say nothing a reader needs.
UNTRACKED = frozenset({"id", "created_at", "updated_at", "version"})


def json_value(value: Any) -> Any:
    """A value as the history stores it (dates as ISO text, decimals normalised)."""
    return _json_value(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # 4.5000 from the database and 4.5 from a form are the same value.
        return format(value.normalize(), "f")
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def snapshot(
    instance: models.Model,
    *,
    fields: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> dict[str, Any]:
    """The record's tracked fields as JSON values.

    Foreign keys are stored as the related record's name (what a reader recognises), many-to-many
    fields as the sorted names of their records. Timestamps and version counters are left out.
    """
    wanted = set(fields) if fields is not None else None
    skip = UNTRACKED | set(exclude)
    data: dict[str, Any] = {}
    opts = instance._meta
    for field in opts.concrete_fields:
        if field.name in skip or (wanted is not None and field.name not in wanted):
            continue
        if field.is_relation:
            if getattr(instance, field.attname) is None:
                data[field.name] = None
            else:
                data[field.name] = str(getattr(instance, field.name))
        else:
            data[field.name] = _json_value(field.value_from_object(instance))
    if instance.pk is not None:
        for m2m in opts.many_to_many:
            if m2m.name in skip or (wanted is not None and m2m.name not in wanted):
                continue
            data[m2m.name] = sorted(str(obj) for obj in getattr(instance, m2m.name).all())
    return data


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Names whose value differs, in the order of `after` then `before`'s extra names."""
    names = list(after) + [name for name in before if name not in after]
    return [name for name in names if before.get(name) != after.get(name)]


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) and user.pk is not None else None


def build_change(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    model: str = "",
    object_id: Any = None,
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> ChangeRecord | None:
    """An unsaved ChangeRecord, or None for an update (or status change) that changed nothing."""
    if action not in ChangeAction.values:
        raise ValueError(f"unknown history action: {action!r}")
    before = dict(before or {})
    after = dict(after or {})
    if instance is not None:
        model = model or instance._meta.label_lower
        object_id = instance.pk if object_id is None else object_id
        object_repr = object_repr or str(instance)
    if not model or object_id is None:
        raise ValueError("a change record needs the model and the object id")
    changed = changed_fields(before, after)
    if action in (ChangeAction.UPDATE, ChangeAction.STATUS) and not changed:
        return None
    return ChangeRecord(
        model=model,
        object_id=str(object_id),
        object_repr=object_repr[:300],
        action=action,
        actor=_actor(actor),
        before=before,
        after=after,
        changed_fields=changed,
        note=note[:300],
    )


def record_change(**kwargs: Any) -> ChangeRecord | None:
    """Build (see build_change) and save one change record; None when nothing changed."""
    record = build_change(**kwargs)
    if record is not None:
        record.save()
    return record


def record_changes(records: Iterable[ChangeRecord | None]) -> int:
    """Save many change records at once (imports); None entries are skipped."""
    rows = [r for r in records if r is not None]
    ChangeRecord.objects.bulk_create(rows, batch_size=500)
    return len(rows)
