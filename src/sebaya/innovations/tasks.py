"""Periodic work of practices: the yearly "still running?" reminders."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sebaya.innovations.services import send_recheck_reminders

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(day="1", hour="7", minute="0"))
def recheck_reminders_task() -> int:
    """On the first of each month: remind editors of practices a year or more unchecked."""
    result = send_recheck_reminders()
    logger.info("recheck reminders: %s practices due, %s e-mails", result.due, result.emails)
    return result.emails
