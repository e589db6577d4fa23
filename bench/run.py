"""`make bench`: the national-scale benchmark suite, one table, written to docs/benchmarks.md.

    python bench/run.py [--scale national|small] [--databases sqlite,postgresql] [--steps ...]

Runs every benchmark against the national data set of bench/national.py, generated once per
database and reused by every step (and by the next run): 250,000 practices, all pemda, 50,000
adoption records, 20 years of indicators (`BENCH_SCALE=small`: 10,000 / 2,000, a quick run).
SQLite first (var/bench/national-sqlite-N), then PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/sebaya_national; skipped with a note when it does not answer).

Steps, each a script of bench/ run as a subprocess, each figure beside a reference measured in
the same run: generation (national.py), import throughput (exchange.py, its own database),
search (search.py), recommendations (matching.py), page render time (pages.py) and the HTTP load
test of gunicorn (load.py). Prints ONE table (figure, value, reference, ratio, target, met?) and
writes it with the machine's description between the markers of docs/benchmarks.md (the rest of
that file is written by hand and kept), and its rows to docs/benchmarks-SCALE.json, which the
next partial run (--steps, --databases) merges with its own. Writes nothing else outside var/.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VAR = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- bench/run.py: generated section, begin (do not edit by hand) -->"
END = "<!-- bench/run.py: generated section, end -->"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/sebaya_national"
SCALES = {
    # practices, adoptions, import rows, load seconds, search rounds, page repeats
    "national": (250_000, 50_000, 30_000, 60, 2, 20),
    "small": (10_000, 2_000, 5_000, 20, 1, 10),
}
STEPS = ("generate", "import", "search", "matching", "pages", "load")


@dataclass
class Row:
    section: str  # the database
    figure: str
    value: float | None
    unit: str
    reference: float | None = None
    reference_name: str = ""
    target: str = ""
    met: bool | None = None
    step: str = ""
    earlier: str = ""  # the date of the run it comes from, when not this one

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference:
            return None
        return self.value / self.reference


def run(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> str:
    """Run a step, echo its output as it comes (progress), keep it in `log`; return stdout."""
    print(f"\n$ {' '.join(cmd[1:])}", flush=True)
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            print("  | " + line.rstrip(), flush=True)
    output = "".join(lines)
    log.write_text(output, encoding="utf-8")
    if process.returncode != 0:
        raise StepFailed(f"{cmd[1]} failed ({process.returncode}); see {log}")
    print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
    return output


class StepFailed(RuntimeError):
    pass


def postgres_available(url: str) -> str:
    """'' when the database answers (created if missing), else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(url, connect_timeout=3):
            return ""
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            return str(exc).strip().splitlines()[0]
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=3, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # a name we chose, not user input
        return ""
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def machine(load: tuple[float, float, float]) -> dict[str, str]:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_start": " / ".join(f"{x:.2f}" for x in load),
    }


def postgres_version(url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]).split()[0] if row else ""
    except Exception:
        return ""


def _float(pattern: str, text: str, group: int = 1) -> float | None:
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(group).replace(",", "")) if match else None


def step_generate(db: str, args: argparse.Namespace, ctx: dict[str, object]) -> list[Row]:
    out = VAR / f"national-{db}.json"
    cmd = [sys.executable, "bench/national.py", *ctx["data_args"], "--json", str(out)]  # type: ignore[misc]
    cmd += ["--practices", str(args.practices), "--adoptions", str(args.adoptions)]
    run(cmd, VAR / f"log-generate-{db}.txt")
    marker = json.loads(out.read_text())
    ctx["marker"] = marker
    seconds = float(marker["seconds"])
    note = " (reused; generated " + marker["generated_at"][:10] + ")" if marker["reused"] else ""
    return [
        Row(
            db,
            f"generate national data set: {marker['counts']['practices']:,} practices, "
            f"{marker['counts']['adoptions']:,} adoptions, "
            f"{marker['counts']['observations']:,} observations{note}",
            seconds,
            "s",
            target="minutes, not hours (<= 1,800 s)",
            met=seconds <= 1800,
        )
    ]


def step_import(db: str, args: argparse.Namespace, ctx: dict[str, object]) -> list[Row]:
    cmd = [sys.executable, "bench/exchange.py", "--practices", str(args.import_rows)]
    if db == "postgresql":
        cmd += ["--database-url", str(ctx["url"]) + "_exchange"]
        if postgres_available(str(ctx["url"]) + "_exchange"):
            return [Row(db, "import: no scratch PostgreSQL database", None, "s")]
    text = run(cmd, VAR / f"log-import-{db}.txt")
    full = _float(r"^import, full pipeline\s+([\d.]+)", text)
    reference = _float(r"^reference: raw bulk_create of the same rows\s+([\d.]+)", text)
    again = _float(r"^re-import, all unchanged\s+([\d.]+)", text)
    scaled = args.import_rows >= 30_000
    return [
        Row(
            db,
            f"import {args.import_rows:,} practices (XLSX, full pipeline)",
            full,
            "s",
            reference,
            "raw bulk_create of the same rows",
            "30,000 in < 60 s" if scaled else "(30,000 in < 60 s at full scale)",
            (full is not None and full < 60) if scaled else None,
        ),
        Row(
            db,
            f"re-import {args.import_rows:,} unchanged practices",
            again,
            "s",
            reference,
            "raw bulk_create of the same rows",
        ),
    ]


def step_search(db: str, args: argparse.Namespace, ctx: dict[str, object]) -> list[Row]:
    cmd = [sys.executable, "bench/search.py", "--practices", str(args.practices)]
    cmd += ["--rounds", str(args.rounds), "--no-http", *ctx["data_args"]]  # type: ignore[misc]
    text = run(cmd, VAR / f"log-search-{db}.txt", env={"OMP_NUM_THREADS": "1"})
    number = r"\s+([\d.]+)\s+([\d.]+)"
    floor = _float(r"^raw full-text query \(floor\)" + number, text, 2)
    naive = _float(r"^naive icontains" + number, text, 2)
    rows = []
    for mode, limit in (("lexical", 50), ("hybrid", 100)):
        p95 = _float(rf"^{mode}, service" + number, text, 2)
        ok = p95 is not None and p95 <= limit and floor is not None and p95 <= 3 * floor
        rows.append(
            Row(
                db,
                f"search {mode}, p95 (service, 20 results)",
                p95,
                "ms",
                floor,
                "raw full-text query p95",
                f"<= {limit} ms and <= 3x floor",
                ok if args.practices >= 250_000 else None,
            )
        )
    rows.append(
        Row(db, "naive icontains search, p95 (for comparison)", naive, "ms", floor, "floor")
    )
    tantivy = _float(r"^raw tantivy query" + number, text, 2)
    rows.append(Row(db, "raw tantivy query, p95 (decision 0006)", tantivy, "ms", floor, "floor"))
    for mode in ("lexical", "hybrid"):
        p95 = _float(rf"^{mode}, service, db only" + number, text, 2)
        rows.append(
            Row(
                db,
                f"search {mode}, p95, database engine only (SEBAYA_SEARCH_INDEX=database)",
                p95,
                "ms",
                floor,
                "raw full-text query p95",
            )
        )
    built = re.search(r"tantivy index .* ([\d,]+) added, ([\d,]+) removed in ([\d.]+) s", text)
    if built:
        rows.append(
            Row(
                db,
                f"tantivy index synced from the rows ({built.group(1)} added, "
                f"{built.group(2)} removed; 0 when reused)",
                float(built.group(3)),
                "s",
            )
        )
    return rows


def step_matching(db: str, args: argparse.Namespace, ctx: dict[str, object]) -> list[Row]:
    out = VAR / f"matching-{db}.json"
    cmd = [sys.executable, "bench/matching.py", "--rounds", str(args.rounds), "--json", str(out)]
    run(cmd + list(ctx["data_args"]), VAR / f"log-matching-{db}.txt")  # type: ignore[call-overload]
    figures = json.loads(out.read_text())["figures"]
    search = next(v for k, v in figures.items() if k.startswith("search, 50"))
    recommend = figures["recommend (10 shown)"]
    ranking = figures["need ranking (Prioritas page)"]
    return [
        Row(
            db,
            "recommendations, p95 (recommend, 10 shown)",
            recommend[1],
            "ms",
            search[1],
            "search of its 50 candidates p95",
            "<= 3x reference",
            recommend[1] <= 3 * search[1],
        ),
        Row(
            db,
            "need ranking computed (20 regions x 3), p95",
            ranking[1],
            "ms",
            search[1],
            "search of 50 candidates p95",
            "(the page keeps it per data version)",
        ),
        Row(
            db,
            "profile table rebuild after a data change, p50",
            figures["profile table rebuild"][0],
            "ms",
        ),
    ]


def step_pages(db: str, args: argparse.Namespace, ctx: dict[str, object]) -> list[Row]:
    out = VAR / f"pages-{db}.json"
    cmd = [sys.executable, "bench/pages.py", "--repeat", str(args.repeat), "--json", str(out)]
    run(cmd + list(ctx["data_args"]), VAR / f"log-pages-{db}.txt")  # type: ignore[call-overload]
    rows = []
    for page in json.loads(out.read_text())["pages"]:
        rows.append(
            Row(
                db,
                f"page {page['page']}, rendered p95 ({page['queries']} queries, "
                f"{page['first_load_gz_kb']:.0f} KB gz first load; nothing kept p95 "
                f"{fmt(page['cold_p95'], 'ms')}; kept page p50 {fmt(page['kept_p50'], 'ms')}; "
                f"304 p50 {fmt(page['not_modified_p50'], 'ms')})",
                page["p95"],
                "ms",
                page["ref_p95"],
                "its selector alone p95",
                "<= 300 ms",
                page["p95"] <= 300,
            )
        )
    return rows


def step_load(db: str, args: argparse.Namespace, ctx: dict[str, object]) -> list[Row]:
    out = VAR / f"load-{db}.json"
    cmd = [sys.executable, "bench/load.py", "--seconds", str(args.load_seconds)]
    cmd += ["--users", "50", "--json", str(out), *ctx["data_args"]]  # type: ignore[misc]
    run(cmd, VAR / f"log-load-{db}.txt")
    f = json.loads(out.read_text())
    return [
        Row(
            db,
            f"HTTP load, 50 users, {args.load_seconds} s: p50 ({f['requests']:,} requests)",
            f["p50"],
            "ms",
            f.get("ref_p50"),
            "/healthz p50 under the same load",
        ),
        Row(
            db,
            "HTTP load, 50 users: p95",
            f["p95"],
            "ms",
            f["ref_p95"],
            "/healthz p95 under the same load",
            "<= 300 ms",
            f["p95"] <= 300,
        ),
        Row(
            db,
            "HTTP load, 50 users: errors",
            f["errors"],
            "",
            target="0",
            met=f["errors"] == 0,
        ),
    ]


RUNNERS = {
    "generate": step_generate,
    "import": step_import,
    "search": step_search,
    "matching": step_matching,
    "pages": step_pages,
    "load": step_load,
}


def merge_with_last_run(rows: list[Row], scale: str, date: str) -> list[Row]:
    """This run's rows, and the last run's for the (database, step) pairs not run this time
    (marked with their date), so a partial run (--steps, --databases) keeps a whole table."""
    # Beside the document, committed: a fresh checkout's partial run keeps the whole table (in
    # var/, lost with the checkout, a partial run once wrote a table of its own rows only).
    path = DOC.parent / f"benchmarks-{scale}.json"
    done = {(r.section, r.step) for r in rows}
    kept: list[Row] = []
    if path.exists():
        for item in json.loads(path.read_text(encoding="utf-8")):
            date_of_run = item.pop("date", "")
            row = Row(**item)
            if (row.section, row.step) not in done:
                row.earlier = row.earlier or date_of_run
                kept.append(row)
    order = {db: i for i, db in enumerate(("sqlite", "postgresql"))}
    merged = sorted(
        [*rows, *kept],
        key=lambda r: (order.get(r.section, 9), STEPS.index(r.step) if r.step in STEPS else 9),
    )
    path.write_text(
        json.dumps([{**r.__dict__, "date": r.earlier or date} for r in merged], indent=1) + "\n",
        encoding="utf-8",
    )
    return merged


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    return f"{text} {unit}".strip()


def table(rows: list[Row]) -> list[list[str]]:
    out = []
    for r in rows:
        ratio = r.ratio
        out.append(
            [
                r.section,
                r.figure + (f" [run of {r.earlier}]" if r.earlier else ""),
                fmt(r.value, r.unit),
                f"{fmt(r.reference, r.unit)} ({r.reference_name})" if r.reference_name else "",
                f"{ratio:.1f}x" if ratio is not None else "",
                r.target,
                {True: "yes", False: "NO", None: ""}[r.met],
            ]
        )
    return out


HEADER = ["db", "figure", "value", "reference (same run)", "ratio", "target", "met?"]


def print_table(rows: list[Row]) -> None:
    cells = [HEADER, *table(rows)]
    widths = [min(70, max(len(c[i]) for c in cells)) for i in range(len(HEADER))]
    for line in cells:
        print("  ".join(c[: widths[i]].ljust(widths[i]) for i, c in enumerate(line)).rstrip())


def write_doc(rows: list[Row], info: dict[str, str], args: argparse.Namespace) -> None:
    lines = [
        BEGIN,
        "",
        f"## National-scale suite (`make bench`, generated {info['date']})",
        "",
        f"Scale `{args.scale}`: {args.practices:,} practices, {args.adoptions:,} adoption records, "
        "20 years of indicators for every pemda, all SYNTHETIC (bench/national.py; embeddings "
        "are random unit vectors). Machine: "
        f"{info['cores']} cores ({info['cpu']}), {info['memory']}, {info['os']}, Python "
        f"{info['python']}, SQLite {info['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if info.get("postgresql") else "")
        + f". Load average (1/5/15 min) at start {info['load_start']}, at end "
        f"{info['load_end']}. Each figure stands beside a reference measured in the same run; "
        "the ratio is what holds on a noisy machine.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in table(rows)]
    if info.get("notes"):
        lines += ["", *[f"- {n}" for n in info["notes"].split("\n")]]
    lines += ["", END]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        first, _, rest = text.partition("\n## ")
        text = first.rstrip() + "\n\n" + block + "\n\n## " + rest if rest else text + block
    DOC.write_text(text, encoding="utf-8")
    print(f"\nwritten: {DOC.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", choices=SCALES, default=os.environ.get("BENCH_SCALE") or "national"
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--import-rows", type=int, default=0, help="default: by scale")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    parsed_import_rows = args.import_rows
    (
        args.practices,
        args.adoptions,
        args.import_rows,
        args.load_seconds,
        args.rounds,
        args.repeat,
    ) = SCALES[args.scale]
    if parsed_import_rows:
        args.import_rows = parsed_import_rows
    VAR.mkdir(parents=True, exist_ok=True)
    steps = [s for s in args.steps.split(",") if s]
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise SystemExit(f"unknown steps: {', '.join(sorted(unknown))}")
    info = machine(os.getloadavg())
    info["date"] = datetime.date.today().isoformat()
    notes: list[str] = []
    rows: list[Row] = []
    print(
        f"Sebaya benchmark suite, scale {args.scale}: {args.practices:,} practices; "
        f"{info['cores']} cores, load average {info['load_start']}"
    )
    for db in [d for d in args.databases.split(",") if d]:
        ctx: dict[str, object] = {}
        var_dir = VAR / f"national-{db}-{args.practices}"
        ctx["data_args"] = ["--var-dir", str(var_dir)]
        if db == "postgresql":
            url = args.database_url if args.scale == "national" else args.database_url + "_small"
            why = postgres_available(url)
            if why:
                notes.append(f"PostgreSQL skipped: {why}")
                print(f"\nPostgreSQL skipped: {why}")
                continue
            ctx["url"] = url
            ctx["data_args"] = [*ctx["data_args"], "--database-url", url]  # type: ignore[misc]
            info["postgresql"] = postgres_version(url)
        elif db != "sqlite":
            raise SystemExit(f"unknown database {db}")
        order = ["generate", *[s for s in steps if s != "generate"]]
        for step in order:
            print(f"\n=== {db}: {step} ===", flush=True)
            try:
                for row in RUNNERS[step](db, args, ctx):
                    row.step = step
                    rows.append(row)
            except StepFailed as exc:
                notes.append(f"{db} {step}: {exc}")
                print(f"FAILED: {exc}")
                if step == "generate":
                    break
    info["load_end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = merge_with_last_run(rows, args.scale, info["date"])
    info["notes"] = "\n".join(notes)
    print(f"\nLoad average at start {info['load_start']}, at end {info['load_end']}\n")
    print_table(rows)
    if not args.no_doc:
        write_doc(rows, info, args)
    return 1 if any(n for n in notes if "failed" in n) else 0


if __name__ == "__main__":
    sys.exit(main())
