"""`sebaya backup PATH`: the whole database to one file (SQLite online backup, or pg_dump)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sebaya.exchange.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to PATH (SQLite online backup; pg_dump for PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Cadangan %(engine)s tersimpan: %(path)s (%(size)d bita)")
            % {"engine": result.engine, "path": result.path, "size": result.size}
        )
