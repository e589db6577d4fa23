"""Notifications of peer learning: rows in the site, then e-mail through Django's mail framework.

Services call `notify()` inside their transaction; the e-mails go out from a Huey task once the
transaction commits, so a rolled-back change never mails anyone and a slow mail server never
slows a page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sebaya.accounts.models import Membership, User
from sebaya.learning.models import Follow, Notification

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    base = str(getattr(settings, "SEBAYA_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path


def followers_of(*, innovation_id: int | None = None, adoption_id: int | None = None) -> set[int]:
    """Ids of the users following the practice and/or the adoption."""
    ids: set[int] = set()
    if innovation_id is not None:
        ids |= set(
            Follow.objects.filter(innovation_id=innovation_id).values_list("user_id", flat=True)
        )
    if adoption_id is not None:
        ids |= set(Follow.objects.filter(adoption_id=adoption_id).values_list("user_id", flat=True))
    return ids


def members_of(organisation_ids: Iterable[int | None]) -> set[int]:
    ids = [pk for pk in organisation_ids if pk is not None]
    if not ids:
        return set()
    return set(
        Membership.objects.filter(organisation_id__in=ids, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def notify(
    user_ids: Iterable[int], *, kind: str, text: str, url: str = "", actor: Any = None
) -> list[Notification]:
    """Create one notification per recipient (never the actor) and e-mail them after commit."""
    recipients = set(user_ids)
    if actor is not None and getattr(actor, "pk", None) is not None:
        recipients.discard(actor.pk)
    if not recipients:
        return []
    active = User.objects.filter(pk__in=recipients, is_active=True).values_list("pk", flat=True)
    rows = Notification.objects.bulk_create(
        [Notification(user_id=pk, kind=kind, text=text[:500], url=url[:300]) for pk in active]
    )
    ids = [n.pk for n in rows if n.pk is not None]
    if not ids:
        # Some databases do not return ids from bulk_create: read them back.
        ids = list(
            Notification.objects.filter(user_id__in=list(active), kind=kind, text=text[:500])
            .filter(emailed_at=None)
            .values_list("pk", flat=True)
        )
    transaction.on_commit(lambda: _queue_emails(ids))
    return rows


def _queue_emails(ids: list[int]) -> None:
    from sebaya.learning.tasks import send_notification_emails_task

    try:
        send_notification_emails_task(ids)
    except Exception:
        logger.exception("could not queue %d notification e-mails", len(ids))


def send_notification_emails(ids: Iterable[int]) -> int:
    """E-mail the given notifications that have not gone out yet; returns how many were sent."""
    pending = list(
        Notification.objects.filter(pk__in=list(ids), emailed_at=None)
        .exclude(user__email="")
        .select_related("user")
    )
    if not pending:
        return 0
    sent_ids = []
    with get_connection() as connection, translation.override(settings.LANGUAGE_CODE):
        for note in pending:
            body = "\n\n".join(
                part
                for part in (
                    note.text,
                    site_url(note.url) if note.url else "",
                    _(
                        "Anda menerima surel ini karena mengikuti praktik atau adopsi ini di "
                        "Sebaya, atau karena organisasi Anda terlibat. Semua notifikasi: %(url)s"
                    )
                    % {"url": site_url("/belajar/notifikasi/")},
                )
                if part
            )
            message = EmailMessage(
                subject=f"[Sebaya] {note.get_kind_display()}",
                body=body,
                to=[note.user.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception:
                logger.exception("notification %s could not be e-mailed", note.pk)
                continue
            sent_ids.append(note.pk)
    Notification.objects.filter(pk__in=sent_ids).update(emailed_at=timezone.now())
    return len(sent_ids)


def send_email(*, to: list[str], subject: str, body: str) -> None:
    """One plain e-mail (reminders, digests) through the configured backend."""
    EmailMessage(subject=subject, body=body, to=to).send()
