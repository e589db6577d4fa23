"""`sebaya restore PATH [--force]`: put a backup back (atomic where the engine allows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sebaya.exchange.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `sebaya backup`. Refuses a database that holds data unless "
        "--force; a backup is restored only into the engine it came from."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="Overwrite a database that holds data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(options["path"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Dipulihkan dari %(path)s (%(engine)s).")
            % {"path": result.path, "engine": result.engine}
        )
