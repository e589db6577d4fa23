"""HTTP load test of the production stack on loopback: gunicorn (deploy/gunicorn.conf.py,
production settings) under N concurrent users who browse and search, beside a reference.

    python bench/load.py [--users 50] [--seconds 60] [--database-url URL] [--var-dir DIR]

Without --var-dir it prepares a throw-away SQLite database with the demo data (`sebaya demo`);
with --var-dir/--database-url it serves an existing prepared database (e.g. the national data
set of bench/national.py). Every user repeats: pick a page by the mix below, fetch it, wait a
think time (exponential, mean --think seconds; 0 = closed loop, as fast as answers come).

The reference, measured in the same run under the same load: /healthz, which goes through
gunicorn, the middleware and one database query but renders nothing. The ratio of a page's
latency to it is what holds on a noisy machine. Targets (issue 7): p95 at most 300 ms over all
requests, zero errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUERIES_FILE = ROOT / "eval" / "search_queries.json"
# What a browsing and searching officer does, by share of requests.
MIX = (
    ("home", 8),
    ("catalogue", 18),
    ("catalogue_filtered", 10),
    ("practice", 24),
    ("region", 12),
    ("search_page", 16),
    ("search_api", 6),
    ("healthz", 6),  # the reference
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    retries: int = 0

    def count_retry(self) -> None:
        with self.lock:
            self.retries += 1

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies[kind].append(ms)
            else:
                self.errors[kind].append(error)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Site:
    """The URLs users visit, read from the running site's own API."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.slugs = self._collect("/api/v1/practices?page_size=100&page={}", "slug", pages=5)
        self.regions = self._collect("/api/v1/regions?page_size=100&page={}", "code", pages=6)
        self.provinces = sorted({c.split(".")[0] for c in self.regions if c != "ID"})
        queries = json.loads(QUERIES_FILE.read_text(encoding="utf-8"))
        items = queries["queries"] if isinstance(queries, dict) else queries
        self.queries = [q["q"] for q in items]

    def _collect(self, pattern: str, key: str, pages: int) -> list[str]:
        found: list[str] = []
        for page in range(1, pages + 1):
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            conn.request("GET", pattern.format(page), headers=HEADERS)
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status != 200:
                break
            found.extend(item[key] for item in json.loads(body)["results"])
        if not found:
            raise SystemExit(f"the site answered no {key}s at {pattern}")
        return found

    def path(self, kind: str, rng: random.Random) -> str:
        quote = urllib.parse.quote_plus
        if kind == "home":
            return "/"
        if kind == "catalogue":
            return f"/praktik/?page={rng.randint(1, 5)}"
        if kind == "catalogue_filtered":
            return f"/praktik/?province={rng.choice(self.provinces)}&sort=-year"
        if kind == "practice":
            return f"/praktik/{rng.choice(self.slugs)}/"
        if kind == "region":
            return f"/wilayah/{rng.choice(self.regions)}/"
        if kind == "search_page":
            return f"/cari/?q={quote(rng.choice(self.queries))}"
        if kind == "search_api":
            return f"/api/v1/search?q={quote(rng.choice(self.queries))}"
        return "/healthz"


# Behind nginx every request is HTTPS: production settings would redirect plain HTTP.
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "identity"}


def user(site: Site, seed: int, deadline: float, think: float, results: Results) -> None:
    rng = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    conn = http.client.HTTPConnection(site.host, site.port, timeout=30)
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        path = site.path(kind, rng)
        start = time.perf_counter()
        error = None
        # A kept-alive connection the server closed while the user was thinking (gunicorn's
        # keepalive is 5 s) fails on its next request before anything was processed; browsers
        # then send the request again on a new connection, once, and so does this user.
        for attempt in (1, 2):
            try:
                conn.request("GET", path, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    error = f"{response.status} {path}"
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                break
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(site.host, site.port, timeout=30)
                stale = isinstance(
                    exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
                )
                if attempt == 1 and stale:
                    results.count_retry()
                    continue
                error = f"{type(exc).__name__} {path}"
                break
        results.add(kind, (time.perf_counter() - start) * 1000, error)
        if think > 0:
            time.sleep(min(rng.expovariate(1 / think), think * 5))
    conn.close()


def run_load(host: str, port: int, users: int, seconds: float, think: float, seed: int) -> Results:
    site = Site(host, port)
    results = Results()
    # Warm every worker (imports, model, vectors) before the clock starts.
    warm = Results()
    warm_deadline = time.monotonic() + min(15.0, seconds / 4)
    warmers = [
        threading.Thread(target=user, args=(site, seed + 10_000 + i, warm_deadline, 0, warm))
        for i in range(4)
    ]
    for t in warmers:
        t.start()
    for t in warmers:
        t.join()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=user, args=(site, seed + i, deadline, think, results))
        for i in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def report(results: Results, seconds: float, label: str) -> dict[str, float]:
    all_ms = [ms for kind, values in results.latencies.items() for ms in values]
    errors = sum(len(v) for v in results.errors.values())
    ref = results.latencies.get("healthz", [])
    ref_p95 = percentile(ref, 0.95)
    print(f"\n{label}")
    print(f"{'request':<20}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'p95/ref':>9}{'errors':>8}")
    for kind, _ in MIX:
        values = results.latencies.get(kind, [])
        p95 = percentile(values, 0.95)
        print(
            f"{kind:<20}{len(values):>7}{percentile(values, 0.5):>10.1f}{p95:>10.1f}"
            f"{p95 / ref_p95:>9.1f}{len(results.errors.get(kind, [])):>8}"
        )
    total = len(all_ms) + errors
    p50, p95 = percentile(all_ms, 0.5), percentile(all_ms, 0.95)
    print(f"{'all':<20}{total:>7}{p50:>10.1f}{p95:>10.1f}{p95 / ref_p95:>9.1f}{errors:>8}")
    print(
        f"requests sent again on a new connection after the server closed an idle one: "
        f"{results.retries}"
    )
    print(
        f"throughput {total / seconds:.1f} requests/s; target p95 <= 300 ms and 0 errors: "
        f"{'met' if p95 <= 300 and errors == 0 else 'NOT met'}"
    )
    for kind, messages in results.errors.items():
        print(f"  errors in {kind}: {messages[:3]}")
    return {
        "requests": total,
        "p50": p50,
        "p95": p95,
        "errors": errors,
        "retries": results.retries,
        "ref_p50": percentile(ref, 0.5),
        "ref_p95": ref_p95,
        "pages": {
            kind: {"n": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95)}
            for kind, v in results.latencies.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, s")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (cores + 1)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--var-dir", default="", help="a prepared var dir (kept)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="the cache and queue of the production stack (a scratch database, emptied first); "
        "'' or unreachable: each worker keeps its own cache",
    )
    args = parser.parse_args()

    var_dir = args.var_dir or tempfile.mkdtemp(prefix="sebaya-load-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEBAYA_", "DJANGO_"))}
    port = free_port()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sebaya.settings.production",
            "SEBAYA_SECRET_KEY": "bench-load-" + "k" * 50,
            "SEBAYA_ALLOWED_HOSTS": "127.0.0.1",
            "SEBAYA_VAR_DIR": var_dir,
            "SEBAYA_HUEY_IMMEDIATE": "true",
            "SEBAYA_LOG_FORMAT": "plain",
            "SEBAYA_LOG_LEVEL": "WARNING",
            "SEBAYA_GUNICORN_BIND": f"127.0.0.1:{port}",
        }
    )
    if args.database_url:
        env["SEBAYA_DATABASE_URL"] = args.database_url
    redis = _scratch_redis(args.redis_url)
    if redis:
        env["SEBAYA_REDIS_URL"] = redis
    if args.workers:
        env["SEBAYA_GUNICORN_WORKERS"] = str(args.workers)
    sebaya = str(BIN / "sebaya")
    if not args.var_dir:
        subprocess.run([sebaya, "demo", "--verbosity", "0"], env=env, check=True)
    subprocess.run([sebaya, "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "sebaya.wsgi"],
        env=env | {"SEBAYA_GUNICORN_ACCESSLOG": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    message = f"gunicorn did not start: {server.stderr.read()[-2000:]}"
                    raise SystemExit(message) from None
                time.sleep(0.3)
        db = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
        cache = f"shared cache in Redis ({redis})" if redis else "no Redis: per-worker caches"
        print(
            f"Load test: {args.users} users for {args.seconds:.0f} s, think time "
            f"{args.think:.1f} s, gunicorn on 127.0.0.1 ({db}, {cache}); reference: /healthz"
        )
        results = run_load("127.0.0.1", port, args.users, args.seconds, args.think, args.seed)
        figures = report(results, args.seconds, f"{db}, {os.cpu_count()} cores")
        if args.json:
            Path(args.json).write_text(json.dumps(figures | {"database": db}), encoding="utf-8")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        # What the server said (warnings and worse): crashes and timeouts show here.
        said = (server.stderr.read() if server.stderr else "").strip()
        if said:
            print("\ngunicorn said (last lines):\n" + "\n".join(said.splitlines()[-15:]))
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)


def _scratch_redis(url: str) -> str:
    """`url` emptied, when a Redis answers there; else ''."""
    if not url:
        return ""
    try:
        import redis
    except ImportError:
        return ""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except redis.RedisError:
        return ""
    return url


if __name__ == "__main__":
    raise SystemExit(main())
