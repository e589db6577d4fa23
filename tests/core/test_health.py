"""/healthz answers 200 when the database and the task queue answer, 503 when one does not."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["database"]["detail"] in {
        "sqlite",
        "postgresql",
    }
    assert body["checks"]["queue"]["ok"] and "pending" in body["checks"]["queue"]["detail"]
    assert "no-cache" in response["Cache-Control"]


def test_health_says_503_when_the_queue_is_unreachable(client):
    from huey import RedisHuey
    from huey.contrib import djhuey

    original = djhuey.HUEY
    # Nothing listens on loopback port 1: the queue is down, the database is not.
    djhuey.HUEY = RedisHuey("broken", url="redis://127.0.0.1:1/0")
    try:
        response = client.get("/healthz")
    finally:
        djhuey.HUEY = original
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["queue"] == {
        "ok": False,
        "ms": body["checks"]["queue"]["ms"],
        "detail": "ConnectionError",
    }
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["detail"] == connection.vendor


def test_health_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
