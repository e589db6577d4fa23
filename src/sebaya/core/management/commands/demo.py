"""`sebaya demo`: migrate, then load regions, indicators, reference lists and the demo practices."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sebaya.innovations.demo import DemoError, demo_load
from sebaya.learning.demo import LearningDemoError, load_study_visits, load_workshop
from sebaya.search.glossary import load_glossary_file
from sebaya.search.indexing import reindex_all


class Command(BaseCommand):
    help = "Migrate and load the demo data set (real, sourced records). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        try:
            summary = demo_load()
            visits = load_study_visits()
            workshop = load_workshop()
        except (DemoError, LearningDemoError) as exc:
            raise CommandError(str(exc)) from exc
        created, updated = load_glossary_file()
        # The site may run without a task worker (`make run`): build the index and the vectors
        # here, synchronously, so search is complete as soon as the demo is served.
        index = reindex_all()
        if options["verbosity"] > 0:
            for line in summary.lines():
                self.stdout.write(line)
            self.stdout.write(f"Studi tiru terdokumentasi: {visits}")
            self.stdout.write(f"Lokakarya Pontianak 13 Juni 2023: {workshop}")
            self.stdout.write(f"Glosarium: {created} baru, {updated} diperbarui")
            self.stdout.write(
                f"Indeks pencarian: {index.documents} dokumen, {index.embedded} vektor baru, "
                f"{index.seconds + index.embed_seconds:.1f} s"
            )
