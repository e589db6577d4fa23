"""Background work of peer learning: notification e-mails and the weekly follow-up digest."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sebaya.learning.notifications import send_notification_emails

logger = logging.getLogger(__name__)


@db_task()
def send_notification_emails_task(ids: list[int]) -> int:
    return send_notification_emails(ids)


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
def stalled_digest_task() -> int:
    """Every Monday 07:00: each programme's organisers get the list of stalled action plans."""
    from sebaya.learning.services import send_stalled_digests

    sent = send_stalled_digests()
    logger.info("stalled-plan digest sent to %d organisers", sent)
    return sent
