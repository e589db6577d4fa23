"""Health of the parts a request or a task needs: the database and the task queue."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    ms: float
    detail: str = ""


def _timed(name: str, probe: object) -> Check:
    start = time.perf_counter()
    try:
        detail = probe()  # type: ignore[operator]
    except Exception as exc:
        return Check(name, False, (time.perf_counter() - start) * 1000, type(exc).__name__)
    return Check(name, True, (time.perf_counter() - start) * 1000, str(detail or ""))


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _queue() -> str:
    from huey.contrib.djhuey import HUEY

    # A read of the queue's storage (Redis or the SQLite file) proves the worker can be fed.
    pending = HUEY.pending_count()
    return f"{type(HUEY).__name__}, {pending} pending"


def health_checks() -> list[Check]:
    return [_timed("database", _database), _timed("queue", _queue)]
