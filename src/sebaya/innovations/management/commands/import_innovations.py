"""`sebaya import innovations PATH`: import practices from a JSONL, CSV or XLSX file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sebaya.innovations.importers import ImportFileError, ImportReport, import_innovations


class Command(BaseCommand):
    help = "Import practices from a JSONL, CSV or XLSX file (ids kept as external_id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the good rows even when some rows fail.",
        )
        parser.add_argument(
            "--source", default=None, help="Name of the data set (default: the file name stem)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_innovations(
                path=options["path"],
                source=options["source"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self.print_report(report)
        if report.errors and not report.skip_invalid:
            raise CommandError(
                ngettext(
                    "%(count)d baris gagal; tidak ada yang ditulis. Perbaiki berkasnya, atau pakai "
                    "--skip-invalid untuk menulis baris yang benar saja.",
                    "%(count)d baris gagal; tidak ada yang ditulis. Perbaiki berkasnya, atau pakai "
                    "--skip-invalid untuk menulis baris yang benar saja.",
                    len(report.failed_lines),
                )
                % {"count": len(report.failed_lines)}
            )

    def print_report(self, report: ImportReport) -> None:
        out = self.stdout
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(warning)
        if report.dry_run:
            out.write(_("Uji coba (--dry-run): tidak ada yang ditulis."))
            verb_created, verb_updated = _("akan dibuat"), _("akan diperbarui")
        else:
            verb_created, verb_updated = _("dibuat"), _("diperbarui")
        if report.dry_run or report.written:
            for label, ids in ((verb_created, report.created), (verb_updated, report.updated)):
                if ids:
                    out.write(f"{label}: {', '.join(ids)}")
        out.write(
            _(
                "%(path)s (sumber %(source)s): %(created)d %(v_created)s, %(updated)d "
                "%(v_updated)s, %(unchanged)d tidak berubah, %(failed)d baris gagal; %(secs).2f s"
            )
            % {
                "path": report.path.name,
                "source": report.source,
                "created": len(report.created),
                "v_created": verb_created,
                "updated": len(report.updated),
                "v_updated": verb_updated,
                "unchanged": len(report.unchanged),
                "failed": len(report.failed_lines),
                "secs": report.seconds,
            }
        )
