"""Page render time, query count and weight of the main pages, each beside a reference measured
in the same run.

    python bench/pages.py [--var-dir DIR] [--database-url URL] [--repeat 20] [--json FILE]

With --var-dir (and --database-url for PostgreSQL) it measures the national data set prepared by
bench/national.py; without, a throw-away SQLite database with the demo data plus --practices
synthetic ones. Every page goes through Django's full request stack (the test client: middleware,
sessions, i18n, templates) as an anonymous reader. The reference for render time is the bare
database work the page needs (its selector evaluated, no template), in the same run; the
reference for weight is the 60 KB budget for a first load (HTML + CSS + JS, gzip).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BUDGET_BYTES = 60 * 1024
TARGET_P95_MS = 300.0  # a page must fit within the HTTP target (issue 7)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm (profile table, vocabularies, template loaders)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), _percentile(samples, 0.95)


def _small_data_set(practices: int) -> None:
    from django.core.management import call_command

    from sebaya.innovations.models import Innovation, PublicationStatus, Theme
    from sebaya.regions.models import Region, RegionLevel

    call_command("demo", verbosity=0)
    regions = list(Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.CITY]))
    themes = list(Theme.objects.all())
    created = Innovation.objects.bulk_create(
        [
            Innovation(
                slug=f"bench-{i}",
                title=f"Praktik sintetis {i} untuk pengukuran",
                summary="Teks ringkasan sintetis untuk pengukuran halaman. " * 3,
                region=regions[i % len(regions)],
                year=2010 + i % 15,
                status=PublicationStatus.PUBLISHED,
                source="bench",
                external_id=f"bench-{i}",
            )
            for i in range(practices)
        ],
        batch_size=500,
    )
    through = Innovation.themes.through
    through.objects.bulk_create(
        [through(innovation_id=p.pk, theme_id=themes[p.pk % len(themes)].pk) for p in created],
        batch_size=1000,
    )


def pages(anonymous: Any) -> list[tuple[str, str, Callable[[], object]]]:
    """(name, url, reference) of every measured page, chosen in the data set at hand."""
    from django.db.models import Count

    from sebaya.innovations.models import Innovation, PublicationStatus
    from sebaya.innovations.selectors import (
        CatalogueFilters,
        catalogue_facets,
        innovation_detail,
        innovation_list,
    )
    from sebaya.learning.models import Adoption, LearningProgramme
    from sebaya.learning.selectors import programme_report
    from sebaya.matching.selectors import need_ranking, recommend
    from sebaya.regions.models import Region
    from sebaya.regions.selectors import region_indicator_series

    # The practice most replicated (its page lists adopters), the biggest province and one of
    # its kabupaten/kota, the programme with the most adoptions.
    top = (
        Adoption.objects.values("innovation_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "innovation_id")
        .first()
    )
    practice = (
        Innovation.objects.get(pk=top["innovation_id"])
        if top
        else Innovation.objects.filter(status=PublicationStatus.PUBLISHED).first()
    )
    assert practice is not None
    slug = practice.slug
    province = Region.objects.get(code="35")  # Jawa Timur: 38 kabupaten/kota
    kabupaten = Region.objects.get(code=practice.region.code)
    programme = (
        LearningProgramme.objects.annotate(n=Count("adoptions")).order_by("-n", "pk").first()
    )
    problem = "anak tidak sekolah di desa terpencil"

    def catalogue_ref(filters: Any) -> Callable[[], object]:
        def ref() -> object:
            rows = list(innovation_list(user=anonymous, filters=filters)[:20])
            return rows, catalogue_facets(user=anonymous, filters=filters)

        return ref

    rows: list[tuple[str, str, Callable[[], object]]] = [
        ("home", "/", lambda: list(innovation_list(user=anonymous)[:6])),
        ("catalogue", "/praktik/", catalogue_ref(CatalogueFilters())),
        (
            "catalogue, province + sort",
            "/praktik/?province=33&sort=-year",
            catalogue_ref(CatalogueFilters(province="33", sort="-year")),
        ),
        (
            "catalogue, theme, page 50",
            "/praktik/?theme=perlindungan-sosial&page=50",
            catalogue_ref(CatalogueFilters(theme="perlindungan-sosial")),
        ),
        (
            "practice detail",
            f"/praktik/{slug}/",
            lambda: innovation_detail(user=anonymous, slug=slug),
        ),
        (
            "region: province 35",
            "/wilayah/35/",
            lambda: (
                region_indicator_series(province),
                list(innovation_list(user=anonymous, filters=CatalogueFilters(province="35"))[:10]),
            ),
        ),
        (
            f"region: {kabupaten.code}",
            f"/wilayah/{kabupaten.code}/",
            lambda: (
                region_indicator_series(kabupaten),
                list(
                    innovation_list(
                        user=anonymous, filters=CatalogueFilters(region=kabupaten.code)
                    )[:10]
                ),
            ),
        ),
        (
            "recommendations",
            f"/wilayah/{kabupaten.code}/rekomendasi/?problem=" + problem.replace(" ", "+"),
            lambda: recommend(user=anonymous, region=kabupaten, problem=problem),
        ),
        ("need ranking (prioritas)", "/prioritas/", lambda: need_ranking(user=anonymous)),
    ]
    if programme is not None:
        rows.append(
            (
                "programme dashboard",
                f"/belajar/program/{programme.slug}/dasbor/",
                lambda: programme_report(programme, stalled_days=60),
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", type=Path, help="a prepared data set (bench/national.py)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--practices", type=int, default=2000, help="without --var-dir")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()

    var_dir = str(args.var_dir.resolve()) if args.var_dir else tempfile.mkdtemp(prefix="sebaya-")
    os.environ["SEBAYA_VAR_DIR"] = var_dir
    os.environ["SEBAYA_DEBUG"] = "false"
    os.environ["SEBAYA_HUEY_IMMEDIATE"] = "false"
    if args.database_url:
        os.environ["SEBAYA_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.staticfiles import finders
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sebaya.core import versioning
    from sebaya.core.caching import clear_pages
    from sebaya.innovations.models import Innovation

    if not args.var_dir:
        _small_data_set(args.practices)
    client = Client()
    anonymous = AnonymousUser()
    total = Innovation.objects.count()
    print(
        f"Page render time: {total:,} practices, {connection.vendor}, "
        f"{args.repeat} requests a page, anonymous reader, Django test client (full stack)",
        flush=True,
    )
    print(
        f"{'page':30} {'p50 ms':>8} {'p95 ms':>8} {'ref p50':>8} {'ratio':>6} {'queries':>8} "
        f"{'html KB':>8} {'first load gz KB':>17} {'cold p95':>8} {'kept p50':>8} {'304 p50':>8}"
    )
    figures: list[dict[str, Any]] = []
    for name, url, reference in pages(anonymous):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries)  # now: the next request clears the log
        assert response.status_code == 200, (url, response.status_code)
        html = response.content
        assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
        asset_bytes = b"".join(
            Path(str(finders.find(a.decode()))).read_bytes()
            for a in assets
            if finders.find(a.decode())
        )
        first_load_gz = len(gzip.compress(html)) + len(gzip.compress(asset_bytes))
        # Rendered: the page itself not kept (a first visit to this address), the expensive
        # values it needs kept per data version (core.versioning): the usual case of a page.
        p50, p95 = _timed(lambda url=url: (clear_pages(), client.get(url)), args.repeat)
        ref50, ref95 = _timed(reference, args.repeat)
        # Cold: nothing kept, as right after a write (what every request cost before caching).
        cold50, cold95 = _timed(
            lambda url=url: (clear_pages(), versioning.clear_memo(), client.get(url)), args.repeat
        )
        # Kept: the next anonymous visitor of the same address (the page served again with
        # their own CSRF token).
        kept50, kept95 = _timed(lambda url=url: client.get(url), args.repeat)
        etag = client.get(url).get("ETag", "")
        # A browser revalidating its copy: 304 without rendering while nothing changed.
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        r50, _r95 = _timed(
            lambda url=url, etag=etag: client.get(url, HTTP_IF_NONE_MATCH=etag), args.repeat
        )
        print(
            f"{name:30} {p50:8.1f} {p95:8.1f} {ref50:8.1f} {p50 / max(ref50, 0.001):6.1f} "
            f"{query_count:8} {len(html) / 1024:8.1f} {first_load_gz / 1024:17.1f} "
            f"{cold95:8.1f} {kept50:8.1f} {r50 if not_modified else float('nan'):8.1f}",
            flush=True,
        )
        figures.append(
            {
                "page": name,
                "url": url,
                "p50": p50,
                "p95": p95,
                "ref_p50": ref50,
                "ref_p95": ref95,
                "queries": query_count,
                "cold_p50": cold50,
                "cold_p95": cold95,
                "kept_p50": kept50,
                "kept_p95": kept95,
                "not_modified_p50": r50 if not_modified else None,
                "html_kb": len(html) / 1024,
                "first_load_gz_kb": first_load_gz / 1024,
            }
        )
    print("ref = the page's database work alone (selector evaluated, no template rendering).")
    print(
        "p50/p95 = rendered (page not kept, its values kept); cold = nothing kept (right after a "
        "write); kept = the page kept for the next visitor; 304 = revalidation with its ETag."
    )
    print(f"budget = {BUDGET_BYTES // 1024} KB gzip for HTML + CSS + JS on first load.")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"database": connection.vendor, "practices": total, "pages": figures}),
            encoding="utf-8",
        )
    if not args.var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
