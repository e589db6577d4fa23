"""gunicorn settings for Sebaya (`gunicorn -c deploy/gunicorn.conf.py sebaya.wsgi`).

Every value can be overridden from the environment (SEBAYA_GUNICORN_*), so the systemd unit
and a container use the same file.
"""

import multiprocessing
import os


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SEBAYA_GUNICORN_{name}", default)


bind = _env("BIND", "127.0.0.1:8000")
# Sebaya's requests are short and CPU-bound (templates, ranking): one process per core, plus
# one, with a few threads each to overlap database waits.
workers = int(_env("WORKERS", str(multiprocessing.cpu_count() + 1)))
threads = int(_env("THREADS", "4"))
worker_class = "gthread"
timeout = int(_env("TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then: bounded memory growth, no restarts needed.
max_requests = int(_env("MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the app (and numpy, the text analysers) before forking: workers share those pages.
preload_app = True
# An empty SEBAYA_GUNICORN_ACCESSLOG turns the access log off (load tests).
accesslog = _env("ACCESSLOG", "-") or None
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s, "agent": "%(a)s"}'
)
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker: object) -> None:
    """Warm the worker's search state in a background thread (sebaya/search/warmup.py), so the
    first visitors after a start or a max_requests restart do not wait for it."""
    from sebaya.search.warmup import warm_in_background

    warm_in_background()
