"""`sebaya import indicators PATH`: import sourced indicator observations from a CSV file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sebaya.regions.indicators import import_indicators_file


class Command(BaseCommand):
    help = (
        "Import indicator observations (columns region_name, region_level, indicator, period, "
        "value_percent or value+unit, source_url, note, series) from a CSV file. Nothing is "
        "written if any row is invalid, unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV file (UTF-8, with a header row).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and report the invalid ones instead of writing nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            report = import_indicators_file(
                path=path, dry_run=options["dry_run"], skip_invalid=options["skip_invalid"]
            )
        except OSError as exc:
            raise CommandError(
                _("Berkas %(path)s tidak dapat dibaca: %(error)s")
                % {"path": path, "error": exc.strerror or exc}
            ) from exc

        for error in report.errors:
            self.stderr.write(str(error))
        counts = {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": report.skipped,
        }
        if report.errors and not options["skip_invalid"]:
            raise CommandError(
                _(
                    "%(n)s kesalahan dalam %(rows)s baris; tidak ada yang disimpan. Perbaiki "
                    "berkasnya, atau pakai --skip-invalid untuk menyimpan baris yang sah saja."
                )
                % {"n": len(report.errors), "rows": report.rows}
            )
        summary = (
            _(
                "%(rows)s baris: %(created)s baru, %(updated)s diperbarui, %(unchanged)s tetap, "
                "%(skipped)s dilewati."
            )
            % counts
        )
        if report.dry_run:
            summary = _("Uji coba (--dry-run), tidak ada yang disimpan. %(summary)s") % {
                "summary": summary
            }
        self.stdout.write(summary)
