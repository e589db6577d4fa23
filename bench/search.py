"""Search latency at national scale: lexical and hybrid, through the service and over HTTP.

Run with `make bench` (10,000 synthetic practices) or `.venv/bin/python bench/search.py
--practices 250000 --var-dir var/bench-250k`. It builds a throw-away database (SQLite, or
PostgreSQL with --database-url), loads the demo, generates a realistic synthetic catalogue
(bench/corpus.py, seeded) and prints how its word frequencies compare with the real practices,
indexes it, and stores RANDOM UNIT VECTORS as its embeddings (computing 250,000 real ones would
take hours; latency does not depend on the values). Each figure stands beside two references
measured in the same run on the same queries: the raw full-text query alone (the floor) and a
naive `icontains` filter (what a typical app does). Lexical and hybrid search are timed through
the service, the API and the results page (gunicorn on loopback), with the mean time of each
stage; a last line tells what leaving costly terms out of the full-text query changes.
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
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py, the synthetic catalogue)


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
        "--var-dir",
        type=Path,
        help="keep the generated SQLite data set here, to reuse (PostgreSQL keeps its own)",
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
    from sebaya.regions.models import Region, RegionLevel
    from sebaya.search.analysis import analyse_query
    from sebaya.search.backends.base import get_backend, refresh_planner_statistics
    from sebaya.search.glossary import read_glossary_file
    from sebaya.search.indexing import build_document, innovations_for_index
    from sebaya.search.models import SearchDocument
    from sebaya.search.selectors import search_practices
    from sebaya.search.semantic import DIM, store_vectors, vector_index

    # A data set of the asked size is reused: in --var-dir (SQLite) or in the PostgreSQL database.
    existing = _bench_practices()
    reuse = existing == args.practices and (bool(args.var_dir) or connection.vendor != "sqlite")
    if not reuse:
        if existing and connection.vendor == "sqlite":
            raise SystemExit(f"{var_dir} holds {existing:,} practices: give another --var-dir")
        if connection.vendor == "postgresql":
            call_command("migrate", verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
        call_command("demo", verbosity=0)
    rng = random.Random(20261128)
    demo = list(Innovation.objects.exclude(source="bench"))
    sources = [corpus.Source(d.title, corpus.tokens(" ".join([d.title, *_texts(d)]))) for d in demo]
    glossary_texts = [" ".join([row.term, *row.expansions]) for row in read_glossary_file()]
    regions = list(Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.CITY]))
    generator = corpus.Generator(
        sources, extra_texts=glossary_texts, region_names=[r.short_name for r in regions]
    )
    themes = list(Theme.objects.all())

    print(f"Generating {args.practices:,} synthetic practices ({connection.vendor})...")
    started = time.perf_counter()
    batch = 5_000
    through = Innovation.themes.through
    for start in range(0, 0 if reuse else args.practices, batch):
        rows = []
        for i in range(start, min(args.practices, start + batch)):
            region = regions[rng.randrange(len(regions))]
            practice = generator.practice(region.short_name)
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
        vectors = np.random.default_rng(start).standard_normal((len(ids), DIM), dtype=np.float32)
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
            cursor.execute("ANALYZE")  # every table: facet and page plans need the counts too
    total = Innovation.objects.count()
    print(f"Index ready: {total:,} practices, {SearchDocument.objects.count():,} documents")
    from django.test import override_settings

    from sebaya.search.backends import tantivy_index

    sync = tantivy_index.index_for_connection().sync()
    print(
        f"tantivy index (decision 0006) synced from the rows: {sync.added:,} added, "
        f"{sync.removed:,} removed in {sync.seconds:.1f} s ({'full' if sync.full else 'changes'})"
    )

    queries = [
        item["q"]
        for item in json.loads((ROOT / "eval" / "search_queries.json").read_text())["queries"]
    ]
    print(
        "\nShare of practices holding each term: the demo's real practices against a sample of "
        "5,000 synthetic ones (their index documents)"
    )
    print(
        corpus.document_frequency_report(
            _document_frequencies(SearchDocument.objects.exclude(innovation__source="bench")),
            _document_frequencies(
                _sample(SearchDocument.objects.filter(innovation__source="bench"))
            ),
            [t for q in queries for t in analyse_query(q).terms],
        )
    )
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

    def raw_tantivy(q: str) -> object:
        analysis = analyse_query(q)
        reader = tantivy_index.current_reader()
        if reader is None:
            raise SystemExit("the tantivy index is not current")
        import tantivy

        schema = reader.index._schema
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.term_query(schema, tantivy_index.FIELD, t))
            for t in analysis.terms
        ]
        if not clauses:
            return []
        query = tantivy.Query.boolean_query(clauses)
        return reader.searcher.search(query, 20, count=False).hits

    rows: list[tuple[str, float, float]] = []
    rows.append(("raw full-text query (floor)", *measure(raw_fts, queries, args.rounds)))
    rows.append(("raw tantivy query", *measure(raw_tantivy, queries, args.rounds)))
    rows.append(("naive icontains", *measure(icontains, queries, args.rounds)))
    stages: dict[str, dict[str, list[float]]] = {}
    for mode in ("lexical", "hybrid"):
        timings = stages.setdefault(mode, {})

        def service(q: str, mode: str = mode, timings: dict[str, list[float]] = timings) -> object:
            results = search_practices(user=anonymous, query=q, limit=20, mode=mode)
            for stage, ms in results.timings.items():
                timings.setdefault(stage, []).append(ms)
            return results

        rows.append((f"{mode}, service", *measure(service, queries, args.rounds)))
    # The database engine alone, as before decision 0006 (SEBAYA_SEARCH_INDEX=database).
    with override_settings(SEBAYA_SEARCH_INDEX="database"):
        for mode in ("lexical", "hybrid"):

            def db_only(q: str, mode: str = mode) -> object:
                return search_practices(user=anonymous, query=q, limit=20, mode=mode)

            # One round: a comparison, and at 1-2 s a query on PostgreSQL the slowest rows.
            rows.append((f"{mode}, service, db only", *measure(db_only, queries, 1)))

    if not args.no_http:
        rows += _http_rows(queries, args.rounds)
    agreement = _agreement_with_all_terms(queries)

    index = vector_index()
    memory_mb = index.memory_bytes() / 1e6
    floor = rows[0][2]
    print(
        f"\nSearch latency, {total:,} practices, {len(queries)} queries x {args.rounds} rounds, "
        f"{connection.vendor}; embeddings are RANDOM UNIT VECTORS (latency does not depend on "
        "their values); query embeddings are real"
    )
    print(f"{'what':32} {'p50 ms':>8} {'p95 ms':>8} {'p95 / floor':>12}")
    for name, p50, p95 in rows:
        print(f"{name:32} {p50:8.1f} {p95:8.1f} {p95 / floor if floor else 0:12.1f}")
    for mode, timings in stages.items():
        parts = ", ".join(
            f"{stage} {statistics.mean(ms):.1f} / {percentiles(ms)[1]:.1f}"
            for stage, ms in timings.items()
            if stage != "total"
        )
        print(f"{mode} stages, mean / p95 ms: {parts}")
    print(agreement)
    print(f"vector index: {len(index):,} vectors, {memory_mb:.1f} MB in memory")
    print(
        "targets at 250,000: lexical p95 <= 50 ms, hybrid p95 <= 100 ms, within 3x the floor; "
        "vectors <= 200 MB"
    )
    if not args.var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


def _http_rows(queries: list[str], rounds: int) -> list[tuple[str, float, float]]:
    """The API and the results page through gunicorn on loopback (one sync worker)."""
    port = free_port()
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
        env={**os.environ},
        cwd=ROOT,
    )
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/api/v1/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        for label, path, extra in (
            ("HTTP API", "/api/v1/search", {"limit": 20}),
            ("HTTP page /cari/", "/cari/", {}),
        ):
            for mode in ("lexical", "hybrid"):

                def fetch(
                    q: str, mode: str = mode, path: str = path, extra: dict = extra
                ) -> object:
                    qs = urllib.parse.urlencode({"q": q, "mode": mode, **extra})
                    with urllib.request.urlopen(f"{base}{path}?{qs}", timeout=60) as response:
                        return response.read()

                rows.append((f"{mode}, {label}", *measure(fetch, queries, rounds)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return rows


def _agreement_with_all_terms(queries: list[str]) -> str:
    """How close each lexical path comes to scoring every term of the query in every document
    (the database engine with no term left out, decision 0005's reference): the share of the
    same practices in the top 20 and the bm25 they add up to, for the tantivy candidates
    (decision 0006) and for the database engine's own cheaper candidate search."""
    from django.db import connection

    from sebaya.search.analysis import analyse_query
    from sebaya.search.backends import base, tantivy_index
    from sebaya.search.backends.base import (
        PUBLIC,
        bm25_scores,
        database_backend,
        get_backend,
        query_terms,
        visible_texts,
    )

    if connection.vendor != "sqlite":
        # PostgreSQL's own engine ranks on idf x ts_rank_cd and the index on bm25: their lists
        # are not comparable, and scoring every term there takes seconds a query.
        return "lexical top 20 against every term in every document: measured on SQLite"
    analyses = [analyse_query(q) for q in queries]

    def top(backend: Any, limits: tuple[float, float, int] | None = None) -> list[list[int]]:
        saved = base.MIN_TYPED_IDF, base.MIN_EXPANSION_IDF, base.EXPANSION_POSTINGS
        if limits:
            base.MIN_TYPED_IDF, base.MIN_EXPANSION_IDF, base.EXPANSION_POSTINGS = limits
        try:
            return [
                [
                    hit.innovation_id
                    for hit in backend.search(a.terms, expansions=a.expansions, visibility=PUBLIC)
                ][:20]
                for a in analyses
            ]
        finally:
            base.MIN_TYPED_IDF, base.MIN_EXPANSION_IDF, base.EXPANSION_POSTINGS = saved

    indexed = top(get_backend())
    database = top(database_backend())
    every = top(database_backend(), (1e-9, 0.0, 10**12))
    reader = tantivy_index.current_reader()
    lines = []
    for name, lists in (("tantivy candidates", indexed), ("database engine", database)):
        same = [len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(lists, every, strict=True)]
        line = f"lexical top 20, {name}: {statistics.mean(same):.0%} the same practices"
        if reader is not None:
            # bm25 with the index's statistics (the same as FTS5's for these rows).
            total = reader.state.count
            average = reader.state.length_total / total
            kept = []
            with connection.cursor() as cursor:
                for analysis, mine, theirs in zip(analyses, lists, every, strict=True):
                    weighted = query_terms(analysis.terms, analysis.expansions)
                    frequencies = {
                        t: reader.index.frequency(reader.searcher, t) for t, _w in weighted
                    }
                    texts = visible_texts(cursor, sorted({*mine, *theirs}), PUBLIC)
                    scores = bm25_scores(texts, weighted, frequencies, total, average)
                    best = sum(scores[i][0] for i in theirs)
                    kept.append(sum(scores[i][0] for i in mine) / best if best else 1.0)
            line += f", {statistics.mean(kept):.1%} of the bm25 (worst query {min(kept):.1%})"
        lines.append(line + " as scoring every term in every document")
    return "\n".join(lines)


def _document_frequencies(documents: Any) -> dict[str, float]:
    """The share of `documents` (SearchDocuments) holding each analysed term."""
    counts: dict[str, int] = {}
    n = 0
    for title, body in documents.values_list("title", "body").iterator():
        n += 1
        for term in set(f"{title} {body}".split()):
            counts[term] = counts.get(term, 0) + 1
    return {term: count / n for term, count in counts.items()} if n else {}


def _sample(documents: Any, size: int = 5_000) -> Any:
    ids = list(documents.values_list("pk", flat=True))
    return documents.filter(pk__in=random.Random(7).sample(ids, min(size, len(ids))))


def _texts(innovation: Any) -> list[str]:
    return [innovation.summary, innovation.overview, *(t for _f, _l, t in innovation.narrative())]


def _bench_practices() -> int:
    from django.db.utils import OperationalError, ProgrammingError

    from sebaya.innovations.models import Innovation

    try:
        return Innovation.objects.filter(source="bench").count()
    except (OperationalError, ProgrammingError):
        return 0


if __name__ == "__main__":
    sys.exit(main())
