"""Structured logs: one JSON object per line with level, logger, message and extras."""

import json
import logging
import sys

from django.test import RequestFactory

from sebaya.core.logging import JsonFormatter


def test_json_formatter_writes_one_parseable_object_per_record():
    record = logging.makeLogRecord(
        {
            "name": "django.request",
            "levelname": "WARNING",
            "levelno": logging.WARNING,
            "msg": "Not Found: %s",
            "args": ("/wilayah/99/",),
            "request": RequestFactory().get("/wilayah/99/"),
            "status_code": 404,
            "duration_ms": 12.5,
        }
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /wilayah/99/"
    assert entry["path"] == "/wilayah/99/" and entry["method"] == "GET"
    assert entry["status"] == 404 and entry["duration_ms"] == 12.5
    assert entry["time"].endswith("+00:00")


def test_json_formatter_keeps_the_traceback():
    try:
        raise ValueError("rusak")
    except ValueError:
        record = logging.makeLogRecord(
            {"msg": "gagal", "levelname": "ERROR", "exc_info": sys.exc_info()}
        )
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: rusak" in entry["exception"]
