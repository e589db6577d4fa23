"""`sebaya import innovations PATH`: import practices from a JSONL, JSON, CSV or XLSX file."""

from __future__ import annotations

import json
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
        parser.add_argument(
            "--mapping",
            type=Path,
            default=None,
            help='JSON file of header -> column, e.g. {"Nama Inovasi": "title"}.',
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=COLUMN",
            help="Map one header to a column (repeatable); an empty COLUMN leaves it out.",
        )
        parser.add_argument(
            "--source-url",
            default="",
            help="Source page of the whole data set, for rows without their own source_url.",
        )
        parser.add_argument(
            "--duplicates",
            choices=["create", "merge", "skip"],
            default="create",
            help="What to do with likely duplicates of stored practices (default: create).",
        )
        parser.add_argument(
            "--progress", action="store_true", help="Show a progress bar on standard error."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from sebaya.exchange.progress import ProgressBar

        mapping = self.read_mapping(options["mapping"], options["map"])
        bar = ProgressBar(self.stderr) if options["progress"] else None
        try:
            report = import_innovations(
                path=options["path"],
                source=options["source"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                mapping=mapping,
                default_source_url=options["source_url"],
                duplicates=options["duplicates"],
                progress=bar,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
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

    def read_mapping(self, path: Path | None, pairs: list[str]) -> dict[str, str] | None:
        if path is None and not pairs:
            return None
        mapping: dict[str, str] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(
                    _("Berkas pemetaan %(path)s tidak dapat dibaca: %(error)s")
                    % {"path": path, "error": exc}
                ) from exc
            if not isinstance(data, dict):
                raise CommandError(_("Berkas pemetaan harus berisi objek JSON {header: kolom}."))
            mapping.update({str(k): str(v or "") for k, v in data.items()})
        for pair in pairs:
            header, sep, column = pair.partition("=")
            if not sep:
                raise CommandError(_("Tulis --map sebagai HEADER=KOLOM: %(pair)s") % {"pair": pair})
            mapping[header.strip()] = column.strip()
        return mapping

    def print_report(self, report: ImportReport) -> None:
        out = self.stdout
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(warning)
        for duplicate in report.duplicates:
            self.stderr.write(
                _("baris %(line)d (%(id)s): mungkin duplikat dari %(candidates)s")
                % {
                    "line": duplicate.line,
                    "id": duplicate.external_id,
                    "candidates": "; ".join(
                        f"“{c.title}” ({c.slug}, {c.score:.0%})" for c in duplicate.candidates
                    ),
                }
            )
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
                "%(v_updated)s, %(unchanged)d tidak berubah, %(merged)d digabung, %(skipped)d "
                "dilewati, %(failed)d baris gagal; %(secs).2f s"
            )
            % {
                "path": report.path.name,
                "source": report.source,
                "created": len(report.created),
                "v_created": verb_created,
                "updated": len(report.updated),
                "v_updated": verb_updated,
                "unchanged": len(report.unchanged),
                "merged": len(report.merged),
                "skipped": len(report.skipped),
                "failed": len(report.failed_lines),
                "secs": report.seconds,
            }
        )
