"""Background work of search: compute a practice's vector after the write that changed it."""

from __future__ import annotations

import logging

from django.db import transaction
from huey.contrib.djhuey import db_task

from sebaya.search.semantic import update_embedding

logger = logging.getLogger(__name__)


@db_task()
def embed_innovation_task(innovation_id: int) -> bool:
    """(Re)compute one practice's vector; True when it was computed.

    Never raises: a missing vector only means the practice is found lexically until the next
    write or `sebaya reindex`, whereas an exception would make Huey log a traceback per retry.
    """
    try:
        return update_embedding(innovation_id)
    except Exception:
        logger.exception("embedding of practice %s failed", innovation_id)
        return False


def schedule_embedding(innovation_id: int) -> None:
    """Queue the practice's vector for computation once the current transaction commits.

    After commit, so the worker reads the committed text (and nothing for a rolled-back
    write). A queue that cannot be reached must not undo or break the write: log it.
    """

    def enqueue() -> None:
        try:
            embed_innovation_task(innovation_id)
        except Exception:
            logger.exception("could not queue the embedding of practice %s", innovation_id)

    transaction.on_commit(enqueue)
