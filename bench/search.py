"""Search latency at national scale: lexical and hybrid, through the service and over HTTP.

Run with `make bench` (10,000 synthetic practices) or `.venv/bin/python bench/search.py
--practices 250000`. It builds a throw-away database (SQLite, or PostgreSQL with
--database-url), loads the demo, generates synthetic practices from the demo corpus's own
sentences and words (reproducibly, seeded), indexes them, and stores RANDOM UNIT VECTORS as their
embeddings (computing 250,000 real ones would take hours; latency does not depend on the values).
Each figure stands beside two references measured in the same run on the same queries: the raw
full-text query alone (the floor) and a naive `icontains` filter (what a typical app does).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(fn: Callable[[str], object], queries: list[str], rounds: int) -> tuple[float, float]:
    for q in queries[:5]:  # warm caches (stemmer, vocabularies, vector matrix)
        fn(q)
    samples = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="", help="e.g. postgres://...; default SQLite")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--var-dir", type=Path, help="keep the generated SQLite data set here and reuse it"
    )
    args = parser.parse_args()

    var_dir = str(args.var_dir or tempfile.mkdtemp(prefix="sebaya-bench-search-"))
    os.environ["SEBAYA_VAR_DIR"] = var_dir
    os.environ["SEBAYA_DEBUG"] = "false"
    os.environ["SEBAYA_HUEY_IMMEDIATE"] = "false"
    if args.database_url:
        os.environ["SEBAYA_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    import django

    django.setup()
    import json

    import numpy as np
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from sebaya.innovations.models import Innovation, PublicationStatus, Theme
    from sebaya.search.analysis import analyse_query
    from sebaya.search.backends.base import get_backend, refresh_planner_statistics
    from sebaya.search.indexing import build_document, innovations_for_index
    from sebaya.search.models import SearchDocument
    from sebaya.search.selectors import search_practices
    from sebaya.search.semantic import DIM, store_vectors, vector_index

    reuse = bool(args.var_dir) and connection.vendor == "sqlite" and _has_bench_data()
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    if not reuse:
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
    title_words = [w for d in demo for w in re.findall(r"\w+", d.title) if len(w) > 3]
    regions = list({d.region for d in demo})
    from sebaya.regions.models import Region, RegionLevel

    regions = list(Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.CITY]))
    themes = list(Theme.objects.all())

    print(f"Generating {args.practices:,} synthetic practices ({connection.vendor})...")
    started = time.perf_counter()
    batch = 5_000
    through = Innovation.themes.through
    for start in range(0, 0 if reuse else args.practices, batch):
        rows = []
        for i in range(start, min(args.practices, start + batch)):
            region = regions[rng.randrange(len(regions))]
            title = " ".join(rng.sample(title_words, 3)) + f" {region.short_name}"
            rows.append(
                Innovation(
                    slug=f"sintetis-{i}",
                    source="bench",
                    external_id=f"bench-{i}",
                    title=title[:300],
                    summary=" ".join(rng.sample(sentences, 3)),
                    overview=" ".join(rng.sample(sentences, 2)),
                    region=region,
                    year=rng.randrange(2005, 2026),
                    status=PublicationStatus.PUBLISHED
                    if rng.random() > 0.05
                    else PublicationStatus.DRAFT,
                )
            )
        created = Innovation.objects.bulk_create(rows)
        through.objects.bulk_create(
            [through(innovation_id=p.pk, theme_id=rng.choice(themes).pk) for p in created]
        )
        ids = [p.pk for p in created]
        docs = [build_document(p) for p in innovations_for_index().filter(pk__in=ids)]
        get_backend().upsert(docs)
        vectors = np.asarray(
            [rng.gauss(0.0, 1.0) for _ in range(len(ids) * DIM)], dtype=np.float32
        ).reshape(len(ids), DIM)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store_vectors([(pk, vector, "bench") for pk, vector in zip(ids, vectors, strict=True)])
        done = min(args.practices, start + batch)
        print(f"  {done:,} indexed ({time.perf_counter() - started:.0f} s)", flush=True)
    if connection.vendor == "sqlite":
        if not reuse:
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        refresh_planner_statistics()  # as `reindex` does; PostgreSQL's is the VACUUM ANALYZE
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    total = Innovation.objects.count()
    print(f"Index ready: {total:,} practices, {SearchDocument.objects.count():,} documents")

    queries = [
        item["q"]
        for item in json.loads((ROOT / "eval" / "search_queries.json").read_text())["queries"]
    ]
    anonymous = AnonymousUser()

    def raw_fts(q: str) -> object:
        terms = analyse_query(q).terms
        if not terms:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                match = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
                cursor.execute(
                    "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                    "ORDER BY bm25(search_fts) LIMIT 20",
                    [match],
                )
            else:
                cursor.execute(
                    "SELECT innovation_id FROM search_searchdocument, "
                    "to_tsquery('simple', %s) query WHERE vector @@ query "
                    "ORDER BY ts_rank_cd(vector, query) DESC LIMIT 20",
                    [" | ".join(re.sub(r"\W", "", t) or "x" for t in terms)],
                )
            return cursor.fetchall()

    def icontains(q: str) -> object:
        condition = Q()
        for word in q.split()[:8]:
            condition |= Q(title__icontains=word) | Q(summary__icontains=word)
        return list(
            Innovation.objects.filter(condition, status=PublicationStatus.PUBLISHED)
            .order_by("-year")
            .values_list("pk", flat=True)[:20]
        )

    rows: list[tuple[str, float, float]] = []
    rows.append(("raw full-text query (floor)", *measure(raw_fts, queries, args.rounds)))
    rows.append(("naive icontains", *measure(icontains, queries, args.rounds)))
    for mode in ("lexical", "hybrid"):
        p50, p95 = measure(
            lambda q, mode=mode: search_practices(user=anonymous, query=q, limit=20, mode=mode),
            queries,
            args.rounds,
        )
        rows.append((f"{mode}, service", p50, p95))

    server = None
    if not args.no_http:
        port = free_port()
        env = {**os.environ}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sebaya.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/api/v1/", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            for mode in ("lexical", "hybrid"):

                def fetch(q: str, mode: str = mode) -> object:
                    qs = urllib.parse.urlencode({"q": q, "mode": mode, "limit": 20})
                    with urllib.request.urlopen(f"{base}/api/v1/search?{qs}", timeout=30) as r:
                        return r.read()

                rows.append((f"{mode}, HTTP API", *measure(fetch, queries, args.rounds)))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    index = vector_index()
    memory_mb = index.memory_bytes() / 1e6
    floor = rows[0][2]
    print(
        f"\nSearch latency, {total:,} practices, {len(queries)} queries x {args.rounds} rounds, "
        f"{connection.vendor}; embeddings are random unit vectors"
    )
    print(f"{'what':30} {'p50 ms':>8} {'p95 ms':>8} {'p95 / floor':>12}")
    for name, p50, p95 in rows:
        print(f"{name:30} {p50:8.1f} {p95:8.1f} {p95 / floor if floor else 0:12.1f}")
    print(f"vector index: {len(index):,} vectors, {memory_mb:.1f} MB in memory")
    print(
        "targets at 250,000: lexical p95 <= 50 ms, hybrid p95 <= 100 ms, within 3x the floor; "
        "vectors <= 200 MB"
    )
    if not args.var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


def _has_bench_data() -> bool:
    from django.db.utils import OperationalError

    from sebaya.innovations.models import Innovation

    try:
        return Innovation.objects.filter(source="bench").exists()
    except OperationalError:
        return False


if __name__ == "__main__":
    sys.exit(main())
