"""`sebaya load_regions`: load the vendored Kemendagri region codes (idn-area-data)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sebaya.regions.loader import IDN_AREA_DATA_VERSION, load_regions


class Command(BaseCommand):
    help = "Load Indonesia, its provinces and kabupaten/kota (optionally kecamatan and desa)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-districts", action="store_true", help="Also load the 7,285 kecamatan."
        )
        parser.add_argument(
            "--with-villages",
            action="store_true",
            help="Also load the 83,762 desa/kelurahan (implies --with-districts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_regions(
            with_districts=options["with_districts"], with_villages=options["with_villages"]
        )
        self.stdout.write(
            _("idn-area-data %(version)s: %(total)s wilayah dalam %(seconds).2f detik")
            % {"version": IDN_AREA_DATA_VERSION, "total": report.total, "seconds": report.seconds}
        )
        for level, counts in report.levels.items():
            self.stdout.write(
                _("  %(level)s: %(created)s baru, %(updated)s diperbarui, %(unchanged)s tetap")
                % {
                    "level": level,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
