"""Warm a new worker's search state in the background: the vector matrix, the spelling index and
the tantivy reader, each otherwise built by the first search that needs it (seconds at national
scale on PostgreSQL, which that visitor would wait for). Called by gunicorn's post_worker_init
(deploy/gunicorn.conf.py); SEBAYA_SEARCH_WARMUP=false turns it off."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def warm() -> float:
    """Build what searches need now; the seconds it took."""
    from sebaya.search.backends.tantivy_index import current_reader
    from sebaya.search.semantic import vector_index
    from sebaya.search.spelling import spell_index

    started = time.monotonic()
    current_reader()
    vector_index()
    spell_index()
    return time.monotonic() - started


def warm_in_background() -> threading.Thread | None:
    if not getattr(settings, "SEBAYA_SEARCH_WARMUP", True):
        return None

    def run() -> None:
        try:
            logger.info("search state warmed in %.1f s", warm())
        except Exception:
            logger.exception("warming the search state failed; searches will build it")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="sebaya-search-warmup", daemon=True)
    thread.start()
    return thread
