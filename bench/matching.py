"""Recommendation latency beside the search it builds on, at national scale.

Run with `make bench` (10,000 synthetic practices) or `.venv/bin/python bench/matching.py
--practices 50000`. It builds a throw-away database (SQLite, or PostgreSQL with
--database-url), loads the demo, then adds SYNTHETIC data that exists only in that database:
practices made of the demo's own sentences (seeded), random unit vectors as their embeddings,
adoption records between random kabupaten/kota, and indicator observations for every
kabupaten/kota (random values, five periods, two indicators), so every component of the matcher
has real work to do. None of it is shown anywhere or kept.

Figures, p50 and p95 in milliseconds over the same problems and regions, in the same run:
- reference: `search_practices` as the search page calls it (20 results) and as the matcher
  calls it (its 50 candidates);
- `recommend` (search + profiles + facts + scoring of 50 candidates), with the profile table
  warm, and the table's rebuild after a data change;
- `need_ranking` (the Prioritas page: 20 regions, 3 practices each).
Target: recommendation p95 within a small multiple (3x) of the search p95.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_RATIO = 3.0


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(fn: Callable[[int], object], n: int, rounds: int) -> tuple[float, float]:
    for i in range(min(3, n)):  # warm caches (stemmer, vocabularies, vectors, profile table)
        fn(i)
    samples = []
    for _ in range(rounds):
        for i in range(n):
            start = time.perf_counter()
            fn(i)
            samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--adoptions", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default="", help="e.g. postgres://...; default SQLite")
    parser.add_argument(
        "--var-dir",
        type=Path,
        help="measure the national data set prepared there by bench/national.py (kept)",
    )
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()

    var_dir = str(args.var_dir.resolve()) if args.var_dir else ""
    var_dir = var_dir or tempfile.mkdtemp(prefix="sebaya-bench-matching-")
    os.environ["SEBAYA_VAR_DIR"] = var_dir
    os.environ["SEBAYA_DEBUG"] = "false"
    os.environ["SEBAYA_HUEY_IMMEDIATE"] = "false"
    if args.database_url:
        os.environ["SEBAYA_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from sebaya.innovations.models import Innovation
    from sebaya.matching.profiles import profile_table, reset_profile_cache
    from sebaya.matching.selectors import CANDIDATE_DEPTH, need_ranking, recommend
    from sebaya.regions.models import Observation, Region
    from sebaya.search.selectors import search_practices

    if args.var_dir:
        print(f"Data set: {var_dir} (bench/national.py)", flush=True)
    else:
        _generate(args)

    cases = json.loads((ROOT / "eval" / "matching_cases.json").read_text())["cases"]
    problems = [c["problem"] for c in cases]
    codes = [c["region"] for c in cases]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    anonymous = AnonymousUser()
    n = len(problems)

    results: dict[str, tuple[float, float]] = {}
    results["search, 20 results (search page)"] = measure(
        lambda i: search_practices(user=anonymous, query=problems[i], limit=20), n, args.rounds
    )
    results[f"search, {CANDIDATE_DEPTH} results (matcher's candidates)"] = measure(
        lambda i: search_practices(user=anonymous, query=problems[i], limit=CANDIDATE_DEPTH),
        n,
        args.rounds,
    )
    results["recommend (10 shown)"] = measure(
        lambda i: recommend(user=anonymous, region=regions[codes[i]], problem=problems[i]),
        n,
        args.rounds,
    )

    def rebuild(_i: int) -> object:
        reset_profile_cache()
        return profile_table()

    results["profile table rebuild"] = measure(rebuild, 3, 1)
    results["need ranking (Prioritas page)"] = measure(
        lambda _i: need_ranking(user=anonymous), 3, 1
    )

    print(
        f"\nMatching latency, {Innovation.objects.count():,} practices, "
        f"{Observation.objects.values('region_id').distinct().count()} regions with indicators "
        f"({connection.vendor}), "
        f"{n} problems x {args.rounds} rounds"
    )
    print(f"{'what':48} {'p50 ms':>8} {'p95 ms':>8}")
    for name, (p50, p95) in results.items():
        print(f"{name:48} {p50:8.1f} {p95:8.1f}")
    reference = results[f"search, {CANDIDATE_DEPTH} results (matcher's candidates)"][1]
    ratio = results["recommend (10 shown)"][1] / reference if reference else float("inf")
    page_ratio = results["recommend (10 shown)"][1] / results["search, 20 results (search page)"][1]
    print(
        f"\nrecommend p95 = {ratio:.2f} x the search it builds on "
        f"({page_ratio:.2f} x the search page's), target <= {TARGET_RATIO:.0f} x: "
        + ("target met" if ratio <= TARGET_RATIO else "TARGET MISSED")
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "database": connection.vendor,
                    "practices": Innovation.objects.count(),
                    "figures": {name: list(values) for name, values in results.items()},
                    "ratio": ratio,
                }
            ),
            encoding="utf-8",
        )
    if not args.var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


def _generate(args: argparse.Namespace) -> None:
    """A throw-away data set: the demo plus synthetic practices, adoptions and observations."""
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from sebaya.innovations.models import Innovation, PublicationStatus, Theme
    from sebaya.learning.models import Adoption, AdoptionStage
    from sebaya.regions.models import Indicator, Observation, Region, RegionLevel
    from sebaya.search.backends.base import get_backend, refresh_planner_statistics
    from sebaya.search.indexing import build_document, innovations_for_index
    from sebaya.search.semantic import DIM, store_vectors

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("demo", verbosity=0)
    rng = random.Random(20261128)
    demo = list(Innovation.objects.all())
    sentences = [
        s.strip()
        for d in demo
        for text in [d.summary, d.overview, *(t for _, _, t in d.narrative())]
        for s in re.split(r"(?<=[.!?])\s+", text)
        if len(s.strip()) > 30
    ]
    words = [w for d in demo for w in re.findall(r"\w+", d.title) if len(w) > 3]
    local = list(Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.CITY]))
    themes = list(Theme.objects.all())

    print(f"Synthetic data: {args.practices:,} practices ({connection.vendor})...", flush=True)
    started = time.perf_counter()
    through = Innovation.themes.through
    for start in range(0, args.practices, 5_000):
        rows = [
            Innovation(
                slug=f"sintetis-{i}",
                source="bench",
                external_id=f"bench-{i}",
                title=" ".join(rng.sample(words, 3))[:300],
                summary=" ".join(rng.sample(sentences, 3)),
                overview=" ".join(rng.sample(sentences, 2)),
                how_it_works=rng.choice(sentences) if rng.random() < 0.5 else "",
                region=rng.choice(local),
                year=rng.randrange(2005, 2026),
                status=PublicationStatus.PUBLISHED,
            )
            for i in range(start, min(args.practices, start + 5_000))
        ]
        created = Innovation.objects.bulk_create(rows)
        through.objects.bulk_create(
            [through(innovation_id=p.pk, theme_id=rng.choice(themes).pk) for p in created]
        )
        ids = [p.pk for p in created]
        get_backend().upsert(
            [build_document(p) for p in innovations_for_index().filter(pk__in=ids)]
        )
        vectors = np.asarray(
            [rng.gauss(0.0, 1.0) for _ in range(len(ids) * DIM)], dtype=np.float32
        ).reshape(len(ids), DIM)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store_vectors([(pk, v, "bench") for pk, v in zip(ids, vectors, strict=True)])
    practice_ids = list(Innovation.objects.values_list("pk", flat=True))
    stages = [s for s in AdoptionStage.values]
    pairs = {(rng.choice(practice_ids), rng.choice(local).pk) for _ in range(args.adoptions)}
    Adoption.objects.bulk_create(
        [Adoption(innovation_id=i, region_id=r, stage=rng.choice(stages)) for i, r in pairs],
        ignore_conflicts=True,
    )
    indicators = list(Indicator.objects.all())
    observations = []
    for region in local:
        for indicator in indicators:
            base = rng.uniform(0.5, 20.0)
            for year in range(2019, 2024):
                observations.append(
                    Observation(
                        region=region,
                        indicator=indicator,
                        period=f"{year}-03",
                        period_start=datetime.date(year, 3, 1),
                        period_granularity="month",
                        value=Decimal(f"{max(0.1, base + rng.uniform(-1, 1)):.2f}"),
                        unit="percent",
                        source_url="https://bench.invalid/synthetic",
                    )
                )
    Observation.objects.bulk_create(observations, batch_size=2_000)
    if connection.vendor == "sqlite":
        refresh_planner_statistics()
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"  ready in {time.perf_counter() - started:.0f} s: {Innovation.objects.count():,} "
        f"practices, {Adoption.objects.count():,} adoptions, "
        f"{Observation.objects.count():,} observations",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
