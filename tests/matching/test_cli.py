"""`sebaya recommend --region CODE --problem TEXT [--json]`: the contract other tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from sebaya.matching.selectors import recommend
from sebaya.regions.models import Region

pytestmark = pytest.mark.django_db

COMPONENTS = {"relevance", "transferability", "evidence", "track_record", "feasibility"}


def run(*args: str) -> str:
    out = StringIO()
    call_command("recommend", *args, stdout=out)
    return out.getvalue()


def test_json_is_a_list_with_the_contract_fields_and_explanations(demo):
    rows = json.loads(
        run("--region", "61.01", "--problem", "data warga miskin tidak tepat sasaran", "--json")
    )
    assert isinstance(rows, list) and len(rows) == 10
    for row in rows:
        assert {"external_id", "slug", "title", "score"} <= set(row)
        assert isinstance(row["score"], float)
        assert set(row["components"]) == COMPONENTS
        for component in row["components"].values():
            assert {"score", "weight", "contribution", "confidence", "reasons"} <= set(component)
        assert row["score"] == pytest.approx(
            sum(c["contribution"] for c in row["components"].values()), abs=1e-3
        )
    # The same ranking as the service (and so the page and the API).
    service = recommend(
        user=AnonymousUser(),
        region=Region.objects.get(code="61.01"),
        problem="data warga miskin tidak tepat sasaran",
    )
    assert [r["slug"] for r in rows] == [r.innovation.slug for r in service.items]


def test_options_limit_theme_weights_and_explain(demo):
    rows = json.loads(
        run("--region", "61", "--problem", "", "--theme", "kesehatan", "--limit", "3", "--json")
    )
    assert len(rows) == 3
    assert rows[0]["components"]["relevance"]["score"] is None  # no problem: not weighed
    heavy = json.loads(
        run("--region", "61", "--problem", "kemiskinan", "--weights", "evidence=5", "--json")
    )
    assert heavy[0]["components"]["evidence"]["weight"] > 0.5
    text = run("--region", "61.01", "--problem", "stunting", "--explain", "--limit", "2")
    assert "Weights: relevance=" in text and "transferability" in text
    assert text.count("relevance ") >= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "99.99", "--problem", "x"], "Unknown region code"),
        (["--region", "61", "--problem", "x", "--limit", "0"], "--limit"),
        (["--region", "61", "--problem", "x", "--weights", "fame=1"], "--weights"),
        (["--region", "61", "--problem", "x", "--theme", "nope"], "unknown theme"),
        (["--region", "61", "--problem", "x", "--as-of", "2022-13"], "unknown as-of"),
    ],
)
def test_bad_input_is_a_clear_error(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_console_command_accepts_the_contract(tmp_path):
    """`sebaya recommend --help` through the real console entry point."""
    done = subprocess.run(
        [sys.executable, "-m", "sebaya", "recommend", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"SEBAYA_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "--region" in done.stdout and "--problem" in done.stdout and "--json" in done.stdout
