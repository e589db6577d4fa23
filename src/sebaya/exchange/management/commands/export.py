"""`sebaya export practices|adoptions|indicators --format csv|xlsx|json --out DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sebaya.exchange.exports import DATASETS, FORMATS, export_datasets


class Command(BaseCommand):
    help = (
        "Export practices, adoptions and/or indicators as CSV, XLSX or JSON into a folder, "
        "with a datapackage.json (Frictionless) describing fields, licence and sources."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("datasets", nargs="+", choices=DATASETS)
        parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
        parser.add_argument("--out", type=Path, required=True, help="Folder to write into.")

    def handle(self, *args: Any, **options: Any) -> None:
        datasets = list(dict.fromkeys(options["datasets"]))
        result = export_datasets(datasets=datasets, fmt=options["fmt"], out=options["out"])
        for name, count in result.rows.items():
            self.stdout.write(
                _("%(name)s: %(count)d baris -> %(path)s")
                % {
                    "name": name,
                    "count": count,
                    "path": result.directory / f"{name}.{options['fmt']}",
                }
            )
        self.stdout.write(str(result.directory / "datapackage.json"))
