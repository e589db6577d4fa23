"""`sebaya recommend --region CODE --problem TEXT [--json]`: practices for a region's problem."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sebaya.matching.profiles import profile_table
from sebaya.matching.schemas import recommendations_payload
from sebaya.matching.scoring import LEVELS
from sebaya.matching.selectors import MAX_LIMIT, invalid_choices, recommend
from sebaya.matching.weights import COMPONENTS, WeightsError, resolve_weights


class Command(BaseCommand):
    help = (
        "Recommend practices for a region and its problem, as an anonymous reader would see "
        "them, with the same ranking as the recommendations page and "
        "GET /api/v1/regions/{code}/recommendations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="Kemendagri code, e.g. 61.01")
        parser.add_argument(
            "--problem", default="", help="the problem in your words (empty: from the need)"
        )
        parser.add_argument("--json", action="store_true", help="print a JSON list of results")
        parser.add_argument("--limit", type=int, default=10, help=f"how many (1-{MAX_LIMIT})")
        parser.add_argument("--theme", default="", help="only practices of this theme (slug)")
        parser.add_argument("--budget", default="", choices=("", *LEVELS))
        parser.add_argument("--digital", default="", choices=("", *LEVELS))
        parser.add_argument("--as-of", default="", help="profiles as of a period (YYYY-MM)")
        parser.add_argument(
            "--weights",
            default="",
            help=f"override weights, e.g. relevance=0.6,evidence=0.2 ({', '.join(COMPONENTS)})",
        )
        parser.add_argument(
            "--explain", action="store_true", help="print every component and the weights"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if not 1 <= limit <= MAX_LIMIT:
            raise CommandError(f"--limit must be between 1 and {MAX_LIMIT}")
        code = options["region"].strip()
        region = profile_table().region(code)
        if region is None:
            raise CommandError(f"Unknown region code {code!r} (Kemendagri codes, e.g. 61.01)")
        errors = invalid_choices(theme=options["theme"], as_of=options["as_of"])
        if errors:
            raise CommandError(
                "; ".join(
                    f"unknown {name.replace('_', '-')} {value!r}" for name, value in errors.items()
                )
            )
        try:
            weights = resolve_weights(options["weights"])
        except WeightsError as exc:
            raise CommandError(f"--weights: {exc}") from None
        result = recommend(
            user=AnonymousUser(),
            region=region,
            problem=options["problem"],
            theme=options["theme"],
            budget=options["budget"],
            digital=options["digital"],
            weights=weights,
            limit=limit,
            as_of=options["as_of"] or None,
        )
        base = str(getattr(settings, "SEBAYA_SITE_URL", "")).rstrip("/")
        payload = recommendations_payload(result, absolute=lambda path: f"{base}{path}")
        if options["json"]:
            self.stdout.write(json.dumps(payload["results"], ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{region.name} ({region.code})")
        for message in result.messages:
            self.stdout.write(f"  {message}")
        if result.query:
            self.stdout.write(f"Searched: {result.query!r} ({result.query_source})")
        if options["explain"]:
            self.stdout.write(
                "Weights: "
                + ", ".join(f"{k}={v:.2f}" for k, v in result.normalised_weights.items())
            )
        if not result.items:
            self.stdout.write("No practice to recommend.")
            return
        for rank, (rec, row) in enumerate(zip(result.items, payload["results"], strict=True), 1):
            self.stdout.write(
                f"{rank:>3}  {rec.score:.3f}  {rec.innovation.title}  "
                f"({rec.innovation.region.name})  [{row['external_id'] or row['slug']}]  "
                f"confidence {rec.confidence:.2f}"
            )
            if options["explain"]:
                for name, component in row["components"].items():
                    score = "-" if component["score"] is None else f"{component['score']:.2f}"
                    self.stdout.write(
                        f"       {name:15} {score:>5} x {component['weight']:.2f} "
                        f"-> {component['contribution']:.3f}  {'; '.join(component['reasons'])}"
                    )
                for p in rec.nearby:
                    stage = f", {p.stage_label}" if p.stage else ""
                    self.stdout.write(f"       nearby: {p.region.name} ({p.role}{stage})")
