"""The national benchmark data set: Indonesia's innovation index at its real scale, synthetic.

    python bench/national.py [--practices 250000] [--adoptions 50000] [--years 20]
                             [--var-dir DIR] [--database-url postgres://...] [--force]

Generates, reproducibly (seeded), into a var dir (SQLite) or a PostgreSQL database:
- the real regions (all 546 pemda: 38 provinces, 416 kabupaten, 98 kota; `sebaya demo` loads
  them with the demo's real, sourced practices, indicators and learning records);
- N SYNTHETIC practices written by bench/corpus.py's generator (words and phrases of the demo's
  real texts in their real proportions), spread over the pemda unevenly as the real index is
  (big provinces with many kabupaten/kota submit more; a few pemda submit almost nothing),
  with themes, urusan, stage, jenis, bentuk on a share and awards on a few;
- their search index (the app's own indexer) and RANDOM UNIT VECTORS as their embeddings
  (computing 250,000 real ones would take hours; latency does not depend on the values);
- 50,000 SYNTHETIC adoption records between practices and pemda, each with its stage history
  (dated in the past, a plausible funnel: many at "minat", few institutionalised), a tenth of
  them in one synthetic learning programme (its dashboard is one of the measured pages);
- 20 years of SYNTHETIC indicator observations for every pemda (the poverty indicators), marked
  "synthetic benchmark data" in their note and source address.

This database is a benchmark artefact, never the demo: nothing here is a real figure. Generated
once per database: with --var-dir, a marker (national.json) that matches the asked sizes means
the data set is there and is reused (--force generates again). Everything is written in one
transaction with bulk_create; the time of each stage is printed and kept in the marker.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py, the synthetic catalogue)

SEED = 20261128
MARKER = "national.json"
FORMAT = 1  # raise when what is generated changes: old data sets are then made again
SYNTHETIC_NOTE = "synthetic benchmark data (bench/national.py): not a real figure"
SYNTHETIC_URL = "https://bench.invalid/synthetic-benchmark-data"
PROGRAMME_SLUG = "bench-program-nasional-sintetis"
# Adoption records are dated up to this day (in the past, fixed so the data set is reproducible).
LAST_DAY = datetime.date(2025, 12, 31)
# Where adoptions stop along the path (share of records): a funnel, as replication goes.
STAGE_SHARES = {
    "minat": 0.30,
    "studi_tiru": 0.20,
    "kesepakatan": 0.12,
    "adaptasi": 0.10,
    "uji_coba": 0.08,
    "penerapan": 0.08,
    "pelembagaan": 0.05,
    "evaluasi": 0.02,
    "berhenti": 0.05,
}


def configure(var_dir: Path, database_url: str) -> None:
    """Django settings for a benchmark run on that var dir / database (before django.setup)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["SEBAYA_VAR_DIR"] = str(var_dir)
    os.environ["SEBAYA_DEBUG"] = "false"
    os.environ["SEBAYA_HUEY_IMMEDIATE"] = "false"
    if database_url:
        os.environ["SEBAYA_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")


def wanted(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "seed": SEED,
        "practices": args.practices,
        "adoptions": args.adoptions,
        "years": args.years,
        "database": args.database_url.rsplit("@", 1)[-1] if args.database_url else "sqlite",
    }


def read_marker(var_dir: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads((var_dir / MARKER).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def ready(var_dir: Path, spec: dict[str, Any]) -> dict[str, Any] | None:
    """The marker when the data set of `spec` is there (checked against the database too)."""
    marker = read_marker(var_dir)
    if not marker or any(marker.get(k) != v for k, v in spec.items()):
        return None
    from django.db.utils import OperationalError, ProgrammingError

    from sebaya.innovations.models import Innovation

    try:
        count = Innovation.objects.filter(source="bench").count()
    except (OperationalError, ProgrammingError):
        return None
    return marker if count == spec["practices"] else None


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last = self.started
        self.stages: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = round(now - self.last, 2)
        self.last = now
        print(f"  {stage}: {self.stages[stage]:.1f} s", flush=True)

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 2)


def pemda_weights(rng: random.Random, pemda: list[Any]) -> list[float]:
    """How many practices each pemda submits, relatively: provinces with many kabupaten/kota
    (the big ones: Jawa, Sumatera Utara, Sulawesi Selatan) weigh more, each pemda varies
    log-normally around its province, and one in twenty-five submits almost nothing."""
    children: dict[str, int] = {}
    for region in pemda:
        province = region.code.split(".")[0]
        children[province] = children.get(province, 0) + 1
    weights = []
    for region in pemda:
        size = math.sqrt(children[region.code.split(".")[0]])
        weight = size * rng.lognormvariate(0.0, 0.8)
        if region.level == "province":
            weight *= 2.0  # the provincial government is one big pemda
        if rng.random() < 0.04:
            weight *= 0.01
        weights.append(weight)
    return weights


def generate(args: argparse.Namespace, spec: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction

    from sebaya.innovations.models import (
        Award,
        AwardProgramme,
        Bentuk,
        Innovation,
        Jenis,
        PublicationStatus,
        Stage,
        Theme,
        Urusan,
    )
    from sebaya.learning.models import (
        STAGE_ORDER,
        Adoption,
        AdoptionStageChange,
        LearningProgramme,
    )
    from sebaya.regions.models import Indicator, Observation, Region, RegionLevel
    from sebaya.search.backends.base import get_backend, refresh_planner_statistics
    from sebaya.search.glossary import read_glossary_file
    from sebaya.search.indexing import build_document, innovations_for_index
    from sebaya.search.semantic import DIM, store_vectors

    watch = Stopwatch()
    (var_dir / MARKER).unlink(missing_ok=True)
    if connection.vendor == "postgresql":
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    elif Innovation.objects.filter(source="bench").exists() if _has_tables() else False:
        raise SystemExit(f"{var_dir} holds another data set: remove it or give another --var-dir")
    call_command("demo", verbosity=0)
    watch.lap("demo data (regions, indicators, real practices)")

    rng = random.Random(SEED)
    pemda = list(
        Region.objects.filter(
            level__in=[RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.CITY]
        ).order_by("code")
    )
    demo = list(Innovation.objects.exclude(source="bench"))
    sources = [corpus.Source(d.title, corpus.tokens(" ".join([d.title, *_texts(d)]))) for d in demo]
    glossary = [" ".join([row.term, *row.expansions]) for row in read_glossary_file()]
    generator = corpus.Generator(
        sources, extra_texts=glossary, region_names=[r.short_name for r in pemda], seed=SEED
    )
    weights = pemda_weights(rng, pemda)
    cumulative = list(_cumulative(weights))
    themes = list(Theme.objects.all())
    urusan = list(Urusan.objects.all())
    years = list(range(2005, 2026))
    # The index grew year on year (the IGA from 2017): recent years weigh more.
    year_weights = list(_cumulative(1.0 + max(0, y - 2016) * 1.5 for y in years))
    print(
        f"Generating the national data set ({connection.vendor}): {args.practices:,} practices "
        f"over {len(pemda)} pemda, {args.adoptions:,} adoptions, {args.years} years of indicators",
        flush=True,
    )
    through_themes = Innovation.themes.through
    through_urusan = Innovation.urusan.through
    batch = 5_000
    with transaction.atomic():
        index_seconds = 0.0
        for start in range(0, args.practices, batch):
            rows = []
            for i in range(start, min(args.practices, start + batch)):
                region = rng.choices(pemda, cum_weights=cumulative)[0]
                practice = generator.practice(region.short_name)
                draw = rng.random()
                status = (
                    PublicationStatus.PUBLISHED
                    if draw < 0.92
                    else PublicationStatus.DRAFT
                    if draw < 0.97
                    else PublicationStatus.SUBMITTED
                )
                rows.append(
                    Innovation(
                        slug=f"sintetis-{i}",
                        source="bench",
                        external_id=f"bench-{i}",
                        title=practice.title,
                        summary=practice.summary,
                        overview=practice.overview,
                        problem=practice.problem,
                        how_it_works=practice.how_it_works,
                        results=practice.results,
                        region=region,
                        year=rng.choices(years, cum_weights=year_weights)[0],
                        stage=rng.choice(Stage.values) if rng.random() < 0.8 else "",
                        jenis=rng.choice(Jenis.values) if rng.random() < 0.8 else "",
                        bentuk=rng.choice(Bentuk.values) if rng.random() < 0.7 else "",
                        status=status,
                    )
                )
            created = Innovation.objects.bulk_create(rows)
            theme_rows, urusan_rows, awards = [], [], []
            for p in created:
                if rng.random() < 0.7:
                    for theme in rng.sample(themes, rng.choice((1, 1, 2))):
                        theme_rows.append(through_themes(innovation_id=p.pk, theme_id=theme.pk))
                if rng.random() < 0.6:
                    urusan_rows.append(
                        through_urusan(innovation_id=p.pk, urusan_id=rng.choice(urusan).pk)
                    )
                if rng.random() < 0.03:
                    awards.append(
                        Award(
                            innovation_id=p.pk,
                            programme=rng.choice([AwardProgramme.IGA, AwardProgramme.KIPP]),
                            year=max(2017, p.year or 2017),
                            title="Penghargaan sintetis (data benchmark)",
                        )
                    )
            through_themes.objects.bulk_create(theme_rows)
            through_urusan.objects.bulk_create(urusan_rows)
            Award.objects.bulk_create(awards)
            indexing = time.perf_counter()
            ids = [p.pk for p in created]
            get_backend().upsert(
                [build_document(p) for p in innovations_for_index().filter(pk__in=ids)]
            )
            vectors = np.random.default_rng(SEED + start).standard_normal(
                (len(ids), DIM), dtype=np.float32
            )
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            store_vectors([(pk, v, "bench") for pk, v in zip(ids, vectors, strict=True)])
            index_seconds += time.perf_counter() - indexing
            done = min(args.practices, start + batch)
            if done % 25_000 == 0 or done == args.practices:
                print(
                    f"    {done:,} practices ({time.perf_counter() - watch.last:.0f} s, "
                    f"of which index and vectors {index_seconds:.0f} s)",
                    flush=True,
                )
        watch.lap("practices, their index and random vectors")

        programme = LearningProgramme.objects.create(
            title="Program nasional sintetis (data benchmark, bukan program nyata)",
            slug=PROGRAMME_SLUG,
            theme="Data benchmark",
            description=SYNTHETIC_NOTE,
            source_url=SYNTHETIC_URL,
            source_note=SYNTHETIC_NOTE,
        )
        published = list(
            Innovation.objects.filter(status=PublicationStatus.PUBLISHED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Few practices are copied a lot, most never: adopters pick Zipf-wise among a shuffled
        # fifth of the published practices.
        popular = rng.sample(published, max(1, len(published) // 5))
        popular_weights = list(_cumulative(1.0 / (r + 3) for r in range(len(popular))))
        local = [r for r in pemda if r.level != RegionLevel.PROVINCE]
        local_weights = list(_cumulative(pemda_weights(rng, local)))
        stages = list(STAGE_SHARES)
        stage_weights = list(_cumulative(STAGE_SHARES.values()))
        pairs: set[tuple[int, int]] = set()
        adoptions, histories = [], []
        attempts = 0
        while len(pairs) < args.adoptions and attempts < args.adoptions * 20:
            attempts += 1
            pair = (
                rng.choices(popular, cum_weights=popular_weights)[0],
                rng.choices(local, cum_weights=local_weights)[0].pk,
            )
            if pair in pairs:
                continue
            pairs.add(pair)
            final = rng.choices(stages, cum_weights=stage_weights)[0]
            path = _path(final, STAGE_ORDER, rng)
            day = LAST_DAY - datetime.timedelta(days=rng.randrange(60, 9 * 365))
            dated = []
            for stage in path:
                dated.append((stage, day))
                day = min(LAST_DAY, day + datetime.timedelta(days=rng.randrange(20, 240)))
            adoptions.append(
                Adoption(
                    innovation_id=pair[0],
                    region_id=pair[1],
                    stage=final,
                    stage_changed_on=dated[-1][1],
                    programme=programme if rng.random() < 0.1 else None,
                    source_note=SYNTHETIC_NOTE,
                    version=len(path),
                )
            )
            histories.append(dated)
        created_adoptions = Adoption.objects.bulk_create(adoptions, batch_size=2_000)
        if any(a.pk is None for a in created_adoptions):  # databases that return no ids
            by_pair = {
                (i, r): pk
                for pk, i, r in Adoption.objects.values_list("pk", "innovation_id", "region_id")
            }
            for a in created_adoptions:
                a.pk = by_pair[(a.innovation_id, a.region_id)]
        changes = []
        for adoption, dated in zip(created_adoptions, histories, strict=True):
            previous = ""
            for stage, day in dated:
                changes.append(
                    AdoptionStageChange(
                        adoption_id=adoption.pk,
                        from_stage=previous,
                        to_stage=stage,
                        date=day,
                        note=SYNTHETIC_NOTE if not previous else "",
                    )
                )
                previous = stage
        AdoptionStageChange.objects.bulk_create(changes, batch_size=5_000)
        watch.lap(f"adoptions ({len(adoptions):,}) and stage changes ({len(changes):,})")

        indicators = list(Indicator.objects.all())
        observations = []
        first_year = LAST_DAY.year - args.years + 1
        for region in pemda:
            for indicator in indicators:
                level = rng.lognormvariate(math.log(8.0), 0.6)
                drift = rng.uniform(-0.06, 0.01)
                for year in range(first_year, LAST_DAY.year + 1):
                    level = max(0.05, level * math.exp(drift + rng.gauss(0, 0.05)))
                    observations.append(
                        Observation(
                            region=region,
                            indicator=indicator,
                            period=f"{year}-03",
                            period_start=datetime.date(year, 3, 1),
                            period_granularity="month",
                            value=Decimal(f"{level:.2f}"),
                            unit=indicator.unit,
                            source_url=SYNTHETIC_URL,
                            note=SYNTHETIC_NOTE,
                            series_break=year == 2025 and indicator.slug == "extreme_poverty_rate",
                        )
                    )
        Observation.objects.bulk_create(observations, batch_size=5_000)
        watch.lap(f"indicator observations ({len(observations):,})")

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        refresh_planner_statistics()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    watch.lap("planner statistics (ANALYZE)")
    marker = {
        **spec,
        "seconds": watch.total,
        "stages": watch.stages,
        "counts": {
            "practices": Innovation.objects.count(),
            "pemda": len(pemda),
            "adoptions": Adoption.objects.count(),
            "stage_changes": AdoptionStageChange.objects.count(),
            "observations": Observation.objects.count(),
        },
        "programme": PROGRAMME_SLUG,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    (var_dir / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
    return marker


def _has_tables() -> bool:
    from django.db import connection

    return "innovations_innovation" in connection.introspection.table_names()


def _path(final: str, order: tuple[str, ...], rng: random.Random) -> list[str]:
    """The stages an adoption went through to reach `final` (some steps skipped, as in life)."""
    if final == "berhenti":
        reached = rng.randrange(1, order.index("penerapan") + 1)
        return [*_path(order[reached - 1], order, rng), "berhenti"]
    end = order.index(final)
    steps = [s for s in order[: end + 1] if s == final or s == order[0] or rng.random() < 0.7]
    return steps


def _texts(innovation: Any) -> list[str]:
    return [innovation.summary, innovation.overview, *(t for _f, _l, t in innovation.narrative())]


def _cumulative(values: Any) -> list[float]:
    out, total = [], 0.0
    for value in values:
        total += value
        out.append(total)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=250_000)
    parser.add_argument("--adoptions", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "bench" / "national")
    parser.add_argument("--database-url", default="", help="e.g. postgres://...; default SQLite")
    parser.add_argument("--force", action="store_true", help="generate again even if there")
    parser.add_argument("--json", default="", help="also write the marker to this file")
    args = parser.parse_args()
    var_dir = args.var_dir.resolve()
    configure(var_dir, args.database_url)
    import django

    django.setup()
    spec = wanted(args)
    marker = None if args.force else ready(var_dir, spec)
    if marker:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # indexes added since it was generated
        print(
            f"National data set reused: {var_dir} ({spec['database']}), generated "
            f"{marker['generated_at']} in {marker['seconds']:.0f} s",
            flush=True,
        )
        marker = {**marker, "reused": True}
    else:
        marker = {**generate(args, spec, var_dir), "reused": False}
        print(f"National data set generated in {marker['seconds']:.0f} s: {marker['counts']}")
    if args.json:
        Path(args.json).write_text(json.dumps(marker), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
