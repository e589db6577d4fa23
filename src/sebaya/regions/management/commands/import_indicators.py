"""`sebaya import indicators PATH`: import sourced indicator observations, long or wide tables."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = (
        "Import indicator observations (columns region_name, region_level, indicator, period, "
        "value_percent or value+unit, source_url, note, series) from a CSV file. Nothing is "
        "written if any row is invalid, unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV (UTF-8) or XLSX file with a header row.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and report the invalid ones instead of writing nothing.",
        )
        parser.add_argument(
            "--shape",
            choices=["auto", "long", "wide"],
            default="auto",
            help="long: one value per row; wide: regions in rows, periods in columns "
            "(auto: wide when period headers like 2021 or 2022-03 are found).",
        )
        parser.add_argument("--indicator", default="", help="Indicator for rows without one.")
        parser.add_argument("--unit", default="", help="Unit for rows without one.")
        parser.add_argument("--source-url", default="", help="Source for rows without one.")
        parser.add_argument("--level", default="", help="Region level for rows without one.")
        parser.add_argument("--note", default="", help="Note for rows without one.")
        parser.add_argument(
            "--mapping", type=Path, default=None, help="JSON file of header -> column."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=COLUMN",
            help="Map one header to a column (repeatable).",
        )
        parser.add_argument(
            "--progress", action="store_true", help="Show a progress bar on standard error."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from sebaya.exchange.indicators import IndicatorDefaults, import_indicator_file
        from sebaya.exchange.progress import ProgressBar
        from sebaya.innovations.importers import ImportFileError

        path: Path = options["path"]
        mapping: dict[str, str] | None = None
        if options["mapping"] is not None or options["map"]:
            mapping = {}
            if options["mapping"] is not None:
                try:
                    mapping.update(json.loads(options["mapping"].read_text(encoding="utf-8")))
                except (OSError, ValueError) as exc:
                    raise CommandError(str(exc)) from exc
            for pair in options["map"]:
                header, _sep, column = pair.partition("=")
                mapping[header.strip()] = column.strip()
        defaults = IndicatorDefaults(
            indicator=options["indicator"],
            unit=options["unit"],
            source_url=options["source_url"],
            region_level=options["level"],
            note=options["note"],
        )
        bar = ProgressBar(self.stderr) if options["progress"] else None
        try:
            report = import_indicator_file(
                path=path,
                mapping=mapping,
                shape=options["shape"],
                defaults=defaults,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                progress=bar,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(
                _("Berkas %(path)s tidak dapat dibaca: %(error)s")
                % {"path": path, "error": exc.strerror or exc}
            ) from exc
        finally:
            if bar is not None:
                bar.close()

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
