"""Page weight and render time of the main pages, each beside a reference measured in the same run.

Run with `make bench`. It builds a throw-away SQLite database with the demo data plus N synthetic
practices (default 2,000; `--practices`), then measures through Django's full request stack
(middleware, templates, i18n). The reference for render time is the bare database work a page
needs (its selector evaluated, no template); the reference for weight is the 60 KB budget for a
first load (HTML + CSS + JS, gzip) set for catalogue and practice pages.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BUDGET_BYTES = 60 * 1024


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), _percentile(samples, 0.95)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practices", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="sebaya-bench-")
    os.environ["SEBAYA_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    os.environ["SEBAYA_DEBUG"] = "false"
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client

    from sebaya.innovations.models import Innovation, PublicationStatus, Theme
    from sebaya.innovations.selectors import CatalogueFilters, innovation_detail, innovation_list
    from sebaya.regions.models import Region, RegionLevel
    from sebaya.regions.selectors import region_indicator_series

    call_command("demo", verbosity=0)
    regions = list(Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.CITY]))
    themes = list(Theme.objects.all())
    synthetic = [
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
        for i in range(args.practices)
    ]
    created = Innovation.objects.bulk_create(synthetic, batch_size=500)
    through = Innovation.themes.through
    through.objects.bulk_create(
        [through(innovation_id=p.pk, theme_id=themes[p.pk % len(themes)].pk) for p in created],
        batch_size=1000,
    )

    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    anonymous = AnonymousUser()
    detail_slug = Innovation.objects.get(external_id="pekalongan-lab-kemiskinan").slug
    kalbar = Region.objects.get(code="61")
    pages: list[tuple[str, str, Callable[[], object]]] = [
        ("home", "/", lambda: list(innovation_list(user=anonymous)[:6])),
        (
            "catalogue",
            "/praktik/",
            lambda: list(innovation_list(user=anonymous, filters=CatalogueFilters())[:20]),
        ),
        (
            "catalogue, filtered",
            "/praktik/?province=33&sort=-year",
            lambda: list(
                innovation_list(
                    user=anonymous, filters=CatalogueFilters(province="33", sort="-year")
                )[:20]
            ),
        ),
        (
            "practice detail",
            f"/praktik/{detail_slug}/",
            lambda: innovation_detail(user=anonymous, slug=detail_slug),
        ),
        ("region 61", "/wilayah/61/", lambda: region_indicator_series(kalbar)),
        ("region list", "/wilayah/", lambda: list(Region.objects.filter(level="province"))),
    ]

    print(f"Sebaya page benchmark: {Innovation.objects.count()} practices, SQLite, {sys.platform}")
    print(
        f"{'page':22} {'p50 ms':>8} {'p95 ms':>8} {'ref p50':>8} {'ratio':>6} "
        f"{'html KB':>8} {'first load gz KB':>17} {'budget':>7}"
    )
    for name, url, reference in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content
        assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
        asset_bytes = b"".join(Path(finders.find(a.decode())).read_bytes() for a in assets)
        first_load_gz = len(gzip.compress(html)) + len(gzip.compress(asset_bytes))
        p50, p95 = _timed(lambda url=url: client.get(url), args.repeat)
        ref50, _ = _timed(reference, args.repeat)
        verdict = "ok" if first_load_gz <= BUDGET_BYTES else "OVER"
        print(
            f"{name:22} {p50:8.1f} {p95:8.1f} {ref50:8.1f} {p50 / max(ref50, 0.001):6.1f} "
            f"{len(html) / 1024:8.1f} {first_load_gz / 1024:17.1f} {verdict:>7}"
        )
    print("ref = the page's database work alone (selector evaluated, no template rendering).")
    print(f"budget = {BUDGET_BYTES // 1024} KB gzip for HTML + CSS + JS on first load.")
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
