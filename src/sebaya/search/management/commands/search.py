"""`sebaya search QUERY [--json] [--limit N] [--mode M]`: the ranked practices for a query."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sebaya.search.api import results_payload
from sebaya.search.selectors import MODES, search_practices


class Command(BaseCommand):
    help = (
        "Search published practices as an anonymous reader would, with the same ranking as the "
        "search page and GET /api/v1/search."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="+", help="the question; several words need no quotes")
        parser.add_argument("--json", action="store_true", help="print a JSON list of results")
        parser.add_argument("--limit", type=int, default=10, help="how many results (1-100)")
        parser.add_argument("--offset", type=int, default=0, help="results to skip")
        parser.add_argument("--mode", choices=MODES, default="hybrid")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if not 1 <= limit <= 100:
            raise CommandError("--limit must be between 1 and 100")
        if options["offset"] < 0:
            raise CommandError("--offset must not be negative")
        results = search_practices(
            user=AnonymousUser(),
            query=" ".join(options["query"]),
            limit=limit,
            offset=options["offset"],
            mode=options["mode"],
        )
        # Paths unless the site's address is configured: a command has no request to ask.
        base = str(getattr(settings, "SEBAYA_SITE_URL", "")).rstrip("/")
        rows = results_payload(results, absolute=lambda path: f"{base}{path}")
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if results.empty_query:
            self.stdout.write("No searchable word in the query: try other words.")
            return
        if results.corrected_query:
            self.stdout.write(f"Did you mean: {results.corrected_query} (results use it)")
        self.stdout.write(
            f"{results.total} practices for {results.corrected_query or results.query!r} "
            f"({results.mode}, {results.timings['total']:.0f} ms)"
        )
        if not rows:
            return
        title_width = min(60, max(len(r["title"]) for r in rows))
        self.stdout.write(
            f"{'#':>3}  {'score':>7}  {'title':<{title_width}}  region  [external_id]"
        )
        for rank, row in enumerate(rows, start=results.offset + 1):
            title = row["title"]
            if len(title) > title_width:
                title = title[: title_width - 1] + "…"
            self.stdout.write(
                f"{rank:>3}  {row['score']:7.4f}  {title:<{title_width}}  "
                f"{row['region']['name']}  [{row['external_id'] or row['slug']}]"
            )
