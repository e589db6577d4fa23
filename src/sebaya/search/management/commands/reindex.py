"""`sebaya reindex`: rebuild the whole search index, and compute missing vectors."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sebaya.search.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of all practices and compute their vectors. Safe to repeat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-embed",
            action="store_true",
            help="Only the lexical index; leave the semantic vectors as they are.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = reindex_all(embed=not options["no_embed"])
        if options["verbosity"] > 0:
            self.stdout.write(f"{report.documents} praktik diindeks dalam {report.seconds:.2f} s")
            if not options["no_embed"]:
                self.stdout.write(
                    f"{report.embedded} vektor dihitung dalam {report.embed_seconds:.2f} s"
                )
