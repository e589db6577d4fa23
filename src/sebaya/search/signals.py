"""Signal receivers that keep the search index in step with every write, after commit."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete
from django.dispatch import receiver

from sebaya.accounts.models import Organisation
from sebaya.innovations.models import Award, Innovation, SdgGoal, Theme, Urusan
from sebaya.regions.models import Region
from sebaya.search.indexing import schedule_index


@receiver(post_save, sender=Innovation, dispatch_uid="search_innovation_saved")
def innovation_saved(sender: Any, instance: Innovation, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        schedule_index([instance.pk])


@receiver(post_delete, sender=Innovation, dispatch_uid="search_innovation_deleted")
def innovation_deleted(sender: Any, instance: Innovation, **kwargs: Any) -> None:
    # Indexing an id that no longer exists removes its document (and, on SQLite, its FTS rows,
    # which the database cascade cannot reach).
    schedule_index([instance.pk])


def _m2m_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            schedule_index([instance.pk])
        return
    # Reverse side (theme.innovations.add(...)): pk_set holds practice ids; a clear has none,
    # so its practices are read before they are detached.
    if action in ("post_add", "post_remove") and pk_set:
        schedule_index(pk_set)
    elif action == "pre_clear":
        schedule_index(
            sender.objects.filter(**{_reverse_column(sender, instance): instance.pk}).values_list(
                "innovation_id", flat=True
            )
        )


def _reverse_column(through: Any, instance: Any) -> str:
    for field in through._meta.concrete_fields:
        if field.is_relation and field.related_model is type(instance):
            return str(field.attname)
    raise LookupError(f"{through} has no foreign key to {type(instance)}")


for _field in ("themes", "urusan", "sdgs"):
    m2m_changed.connect(
        _m2m_changed,
        sender=getattr(Innovation, _field).through,
        dispatch_uid=f"search_innovation_{_field}_changed",
    )


@receiver(post_save, sender=Award, dispatch_uid="search_award_saved")
@receiver(post_delete, sender=Award, dispatch_uid="search_award_deleted")
def award_changed(sender: Any, instance: Award, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        schedule_index([instance.innovation_id])


# Names of reference records appear in the index of every practice that uses them. A new record
# has no practices yet; a renamed one re-indexes its practices (unchanged ones cost a hash check).
@receiver(post_save, sender=Theme, dispatch_uid="search_theme_saved")
@receiver(post_save, sender=Urusan, dispatch_uid="search_urusan_saved")
@receiver(post_save, sender=SdgGoal, dispatch_uid="search_sdg_saved")
def reference_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created and not raw:
        schedule_index(instance.innovations.values_list("pk", flat=True))


@receiver(post_save, sender=Organisation, dispatch_uid="search_organisation_saved")
def organisation_saved(
    sender: Any, instance: Organisation, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created and not raw:
        schedule_index(
            Innovation.objects.filter(organisation=instance).values_list("pk", flat=True)
        )


@receiver(pre_delete, sender=Organisation, dispatch_uid="search_organisation_deleted")
def organisation_deleted(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    # Practices survive with organisation = NULL (SET_NULL, an UPDATE without post_save):
    # their permission label must follow.
    schedule_index(Innovation.objects.filter(organisation=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Region, dispatch_uid="search_region_saved")
def region_saved(
    sender: Any, instance: Region, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created and not raw:
        schedule_index(
            Innovation.objects.filter(Q(region=instance) | Q(region__parent=instance)).values_list(
                "pk", flat=True
            )
        )


@receiver(post_migrate, dispatch_uid="search_purge_orphans")
def purge_orphans(sender: Any, **kwargs: Any) -> None:
    """A database flush (the test suite's, `sebaya flush`) empties only the tables Django knows:
    drop the SQLite FTS rows it left behind."""
    if getattr(sender, "label", None) != "search" or connection.vendor != "sqlite":
        return
    from sebaya.search.backends.sqlite import SqliteBackend

    if "search_fts" in connection.introspection.table_names():
        SqliteBackend().purge_orphans()
