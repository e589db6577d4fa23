"""`sebaya recheck`: the yearly "still running?" check of published practices."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sebaya.innovations.models import Innovation
from sebaya.innovations.selectors import practices_due_for_recheck
from sebaya.innovations.services import innovation_mark_running, send_recheck_reminders


class Command(BaseCommand):
    help = (
        "List published practices not checked for a year (or never); mark one berlanjut or "
        "vakum with --mark; e-mail their editors with --remind."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the list as JSON.")
        parser.add_argument(
            "--mark",
            nargs=2,
            metavar=("SLUG", "STATUS"),
            help="Mark one practice: STATUS is berlanjut (berjalan) or vakum (berhenti).",
        )
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Date of the check (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--remind", action="store_true", help="E-mail the editors of the due practices."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["mark"]:
            slug, status = options["mark"]
            innovation = Innovation.objects.filter(slug=slug).first()
            if innovation is None:
                raise CommandError(f"practice not found: {slug}")
            try:
                innovation_mark_running(
                    user=None,
                    innovation=innovation,
                    running_status=status,
                    checked_on=options["date"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            when = innovation.status_checked_on.isoformat() if innovation.status_checked_on else ""
            self.stdout.write(f"{innovation.slug}: {innovation.running_status} ({when})")
            return
        if options["remind"]:
            result = send_recheck_reminders()
            self.stdout.write(f"{result.due} practices due, {result.emails} e-mails sent")
            return
        rows = [
            {
                "slug": p.slug,
                "title": p.title,
                "organisation": p.organisation.name if p.organisation else None,
                "running_status": p.running_status,
                "status_checked_on": (
                    p.status_checked_on.isoformat() if p.status_checked_on else None
                ),
            }
            for p in practices_due_for_recheck()
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['slug']}\t{row['status_checked_on'] or 'never'}\t{row['title']}"
            )
        self.stdout.write(f"{len(rows)} practices due for the yearly check")
