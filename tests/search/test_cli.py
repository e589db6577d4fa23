"""`sebaya search QUERY [--json] [--limit N] [--mode M]`: the contract other tools rely on."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.search.demo_index import build_demo_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        practices = build_demo_index(monkeypatch)
    return practices


def run(*args: str) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_json_output_keeps_the_contract(demo):
    rows = json.loads(run("how do villages earn their own income", "--json", "--limit", "5"))
    assert isinstance(rows, list) and len(rows) == 5
    for row in rows:
        assert {"external_id", "slug", "title", "score"} <= set(row)
        assert isinstance(row["score"], float)
    assert "klaten-bumdes-ponggok" in [row["external_id"] for row in rows]
    # Words need no quotes: several arguments are one query.
    assert json.loads(run("anak", "gizi", "buruk", "--json")) == json.loads(
        run("anak gizi buruk", "--json")
    )
    assert json.loads(run("", "--json")) == []


def test_text_output_is_a_ranked_table(demo):
    out = run("kemiskian", "--limit", "3")
    lines = out.splitlines()
    assert lines[0] == "Did you mean: kemiskinan (results use it)"
    assert "practices for 'kemiskinan'" in lines[1]
    assert lines[2].split()[:3] == ["#", "score", "title"]
    assert [line.split()[0] for line in lines[3:]] == ["1", "2", "3"]
    assert "No searchable word" in run("yang", "dan")


def test_drafts_never_show_and_bad_options_fail_clearly(demo):
    from sebaya.innovations.models import Innovation, PublicationStatus

    Innovation.objects.filter(external_id="jatim-puspa").update(status=PublicationStatus.DRAFT)
    ids = [r["external_id"] for r in json.loads(run("Jatim Puspa", "--json", "--limit", "50"))]
    assert "jatim-puspa" not in ids
    with pytest.raises(CommandError):
        run("x", "--limit", "0")
    with pytest.raises(CommandError):
        run("x", "--mode", "fuzzy")
