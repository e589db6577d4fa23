"""`sebaya demo`: migrate, then load regions, indicators, reference lists and the demo practices."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sebaya.innovations.demo import DemoError, demo_load


class Command(BaseCommand):
    help = "Migrate and load the demo data set (real, sourced records). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        try:
            summary = demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            for line in summary.lines():
                self.stdout.write(line)
