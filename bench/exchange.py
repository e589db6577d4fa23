"""Import throughput: N synthetic practices from one XLSX file through `sebaya import innovations`.

Run with `make bench` (30,000 practices, the issue 7 target: under 60 s) or
`.venv/bin/python bench/exchange.py --practices 5000 [--database-url postgres://...]`. It builds
a throw-away database, loads the regions, writes an XLSX of N practices whose titles are
recombined from the demo corpus's own words (reproducibly, seeded) spread over every kabupaten
and kota, and times:

- the full pipeline (read the XLSX, check every row, resolve regions, flag likely duplicates,
  create the new practices in bulk with their themes, urusan and links, index them for search
  after the commit), split by stage;
- the same file again (every row unchanged: recognised in bulk, nothing written);
- the reference, in the same run: a raw `bulk_create` of the same rows (regions already
  resolved, no checks, no links or index), the floor for any writer.

Embeddings are queued on Huey (one task for the batch, not computed) as in production, so the
figure is the import's. The machine's load average is printed before and after: the benchmark
shares its cores, so compare the ratio to the reference more than the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "src" / "sebaya" / "data" / "innovations-sample.jsonl"
STAGES = ["Inisiatif", "Uji coba", "Penerapan"]
JENIS = ["Digital", "Non Digital"]
BENTUK = ["Inovasi Tata Kelola Pemerintahan Daerah", "Inovasi Pelayanan Publik"]
URUSAN = ["Sosial", "Kesehatan", "Pendidikan", "1.06", "Pemberdayaan Masyarakat dan Desa"]
HEADER = [
    "ID Inovasi",
    "Nama Inovasi",
    "Pemda",
    "Tahun",
    "Tahapan",
    "Jenis",
    "Bentuk",
    "Urusan",
    "Ringkasan",
    "Sumber",
]


def words() -> list[str]:
    found: set[str] = set()
    with SAMPLE.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            for text in (record["title"], record["summary_id"]):
                found.update(w for w in re.findall(r"[A-Za-z]{4,}", text))
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practices", type=int, default=30_000)
    parser.add_argument("--database-url", default="", help="e.g. postgres://...; default SQLite")
    args = parser.parse_args()

    load_start = os.getloadavg()
    var_dir = tempfile.mkdtemp(prefix="sebaya-bench-exchange-")
    os.environ["SEBAYA_VAR_DIR"] = var_dir
    os.environ["SEBAYA_DEBUG"] = "false"
    os.environ["SEBAYA_HUEY_IMMEDIATE"] = "false"
    if args.database_url:
        os.environ["SEBAYA_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from openpyxl import Workbook

    from sebaya.innovations.importers import import_innovations
    from sebaya.innovations.models import Innovation, PublicationStatus
    from sebaya.innovations.reference import load_reference_data
    from sebaya.regions.loader import load_regions
    from sebaya.regions.models import Region, RegionLevel

    try:
        if args.database_url:
            call_command("flush", "--no-input", verbosity=0)
        call_command("migrate", verbosity=0)
        load_regions()
        load_reference_data()
        pemda = list(
            Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.CITY])
            .exclude(name__contains="Administrasi")
            .order_by("code")
        )
        rng = random.Random(7)
        vocabulary = words()
        rows = []
        for n in range(args.practices):
            region = pemda[n % len(pemda)]
            title = " ".join(rng.sample(vocabulary, 4)).title() + f" {n}"
            rows.append(
                [
                    f"bench-{n}",
                    title,
                    region.name,
                    2010 + n % 15,
                    STAGES[n % 3],
                    JENIS[n % 2],
                    BENTUK[n % 2],
                    URUSAN[n % len(URUSAN)],
                    " ".join(rng.sample(vocabulary, 25)).capitalize() + ".",
                    f"https://example.org/bench/{n}",
                ]
            )
        path = Path(var_dir) / "bench.xlsx"
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Data")
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        workbook.save(path)

        # Reference: the same rows written raw, regions already resolved.
        by_name = {r.name: r for r in pemda}
        started = time.perf_counter()
        with transaction.atomic():
            Innovation.objects.bulk_create(
                [
                    Innovation(
                        slug=f"ref-{row[0]}",
                        source="reference",
                        external_id=row[0],
                        title=row[1],
                        region=by_name[row[2]],
                        year=row[3],
                        summary=row[8],
                        status=PublicationStatus.PUBLISHED,
                    )
                    for row in rows
                ],
                batch_size=1000,
            )
        reference = time.perf_counter() - started
        Innovation.objects.filter(source="reference").delete()

        marks: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            marks.setdefault(stage, time.perf_counter())

        started = time.perf_counter()
        report = import_innovations(path=path, source="bench", progress=progress)
        full = time.perf_counter() - started
        assert report.ok and len(report.created) == args.practices, report.errors[:5]
        # The index followed the bulk write: the last practice is found by its own title.
        from django.contrib.auth.models import AnonymousUser

        from sebaya.search.selectors import search_practices

        last = rows[-1][1]
        found = search_practices(user=AnonymousUser(), query=last, mode="lexical", limit=10)
        assert any(hit.innovation.title == last for hit in found.items), last
        started_again = time.perf_counter()
        again = import_innovations(path=path, source="bench")
        repeat = time.perf_counter() - started_again
        assert len(again.unchanged) == args.practices

        n = args.practices
        read = marks["check"] - started
        check = marks["write"] - marks["check"]
        write = full - (marks["write"] - started)
        size = path.stat().st_size / 1e6
        print(f"database: {connection.vendor}; practices: {n:,}; XLSX {size:.1f} MB")
        print("load average (1, 5, 15 min) at start: {:.2f} {:.2f} {:.2f}".format(*load_start))
        print("load average (1, 5, 15 min) at end:   {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print(f"{'step':<44} {'seconds':>9} {'rows/s':>9}")
        for label, seconds in (
            ("import, full pipeline", full),
            ("  read XLSX", read),
            ("  check rows, resolve regions", check),
            ("  write (upserts, links) + index", write),
            ("re-import, all unchanged", repeat),
            ("reference: raw bulk_create of the same rows", reference),
        ):
            print(f"{label:<44} {seconds:>9.2f} {n / seconds:>9,.0f}")
        verdict = ("met" if full < 60 else "not met") if n >= 30_000 else "n/a (N < 30,000)"
        print(f"ratio full / reference: {full / reference:.1f}x; 30,000 in under 60 s: {verdict}")
    finally:
        connection.close()
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
