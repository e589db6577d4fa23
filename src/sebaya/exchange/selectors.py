"""Reads of the exchange app: the import jobs a curator may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sebaya.exchange.models import ImportJob
from sebaya.exchange.policies import exchange_policy


def import_jobs(*, user: Any) -> QuerySet[ImportJob]:
    if not exchange_policy.can_import(user):
        return ImportJob.objects.none()
    return ImportJob.objects.select_related("created_by").defer(
        "preview", "report", "errors", "mapping", "decisions"
    )
