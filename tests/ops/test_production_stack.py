"""The production stack as deployed (docs/deployment.md): gunicorn with deploy/gunicorn.conf.py,
production settings, Redis for the queue and the cache, and a `sebaya run_huey` worker.

Started as real processes on loopback; a write made by a command is picked up by the worker
through Redis, and /healthz reports both the database and the queue.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS = ("127.0.0.1", 6379)

pytestmark = pytest.mark.ops


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    assert _redis_reachable(), "these tests need Redis on 127.0.0.1:6379 (see .ci/run)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEBAYA_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sebaya.settings.production",
            "SEBAYA_SECRET_KEY": "ops-test-" + "x" * 60,
            "SEBAYA_ALLOWED_HOSTS": "127.0.0.1",
            "SEBAYA_VAR_DIR": str(tmp_path / "var"),
            "SEBAYA_DATABASE_URL": f"sqlite:///{tmp_path / 'sebaya.sqlite3'}",
            # A database of its own on the local Redis, so parallel runs do not meet.
            "SEBAYA_REDIS_URL": f"redis://127.0.0.1:6379/{random.randint(1, 15)}",
            "SEBAYA_GUNICORN_WORKERS": "2",
            "SEBAYA_GUNICORN_BIND": f"127.0.0.1:{_free_port()}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    (tmp_path / "var").mkdir()
    return env


def _sebaya(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "sebaya"), *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _get(url: str) -> tuple[int, dict]:
    # Behind nginx every request arrives with X-Forwarded-Proto: https.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_gunicorn_redis_and_worker_run_together(production_env):
    env = production_env
    _sebaya(env, "migrate", "--verbosity", "0")
    _sebaya(env, "load_regions")

    url = f"http://{env['SEBAYA_GUNICORN_BIND']}"
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "sebaya.wsgi"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = subprocess.Popen(
        [str(BIN / "sebaya"), "run_huey", "--workers", "1", "--worker-type", "thread"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, health = _get(url + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.5)
        assert status == 200, health
        assert health["checks"]["queue"]["detail"].startswith("RedisHuey")

        # A write outside the web process: the vector is computed by the worker, via Redis.
        _sebaya(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from sebaya.innovations.models import Innovation; "
            "from sebaya.regions.models import Region; "
            "Innovation.objects.create(slug='uji-antrean', title='Gerakan Tengok Bawah', "
            "summary='Pos terpadu pengaduan warga miskin.', "
            "region=Region.objects.get(code='35.03'), status='published')",
        )
        check = (
            "from sebaya.search.models import Embedding; "
            "print(Embedding.objects.filter(innovation__slug='uji-antrean').count())"
        )
        deadline = time.monotonic() + 180
        while _sebaya(env, "shell", "--no-imports", "-c", check).strip() != "1":
            assert worker.poll() is None, worker.communicate()[0]
            assert time.monotonic() < deadline, "the worker did not compute the vector"
            time.sleep(2)

        status, body = _get(url + "/api/v1/practices?q=Tengok")
        assert status == 200 and [p["slug"] for p in body["results"]] == ["uji-antrean"]
    finally:
        for process in (web, worker):
            process.terminate()
        logs = web.communicate(timeout=30)[0]
        worker_logs = worker.communicate(timeout=30)[0]
    # The worker logs structured lines, each once.
    executed = [
        json.loads(line)
        for line in worker_logs.splitlines()
        if line.startswith("{") and "embed_innovation_task" in line and "executed" in line
    ]
    assert len(executed) == 1, worker_logs[-2000:]
    assert not [line for line in worker_logs.splitlines() if line.startswith("[")], worker_logs
    # gunicorn's access log is one JSON object per request (deploy/gunicorn.conf.py).
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith('{"time"')]
    access = [e for e in lines if "path" in e and "method" in e]
    assert any(e["path"] == "/healthz" and e["status"] == 200 for e in access), logs[-2000:]
    # Each worker warmed its search state in the background (post_worker_init).
    assert any("search state warmed" in str(e.get("message", "")) for e in lines), logs[-2000:]
