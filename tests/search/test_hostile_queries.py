"""Any query is safe: quotes, FTS operators, SQL, 10,000 characters, emoji, NUL, empty. Each
gets a ranked answer or a clear message, never an error, from the service, the page and the API.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sebaya.search.selectors import MAX_QUERY_CHARS, search_practices
from tests.search.demo_index import build_demo_index

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    " ",
    '"',
    '""',
    "'",
    '"kemiskinan',
    'kemiskinan"',
    "kemiskinan*",
    "*",
    "^kemiskinan",
    "title:kemiskinan",
    "body:",
    ":",
    "kemiskinan NEAR stunting",
    "NEAR(kemiskinan stunting, 2)",
    "kemiskinan AND",
    "OR",
    "NOT kemiskinan",
    "kemiskinan AND NOT (stunting OR desa)",
    "((((",
    "))",
    "{desa}",
    "[desa]",
    "a & b | !c <-> d",
    "desa:* & !kota",
    "'; DROP TABLE innovations_innovation; --",
    "1' OR '1'='1",
    "%",
    "_",
    "\\",
    "\\x00",
    "\x00",
    "desa\x00miskin",
    "\t\n\r",
    "🙂",
    "👩‍👩‍👧 bantuan 🏠",
    "é漢字🙂",
    "ﷺ",
    "\u202edesa",
    "٢٠٢٠",
    "kemiskinan " * 2000,  # 22,000 characters
    "x" * 10_000,
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% debug %}",
    "P3KE",
    "-",
    "+desa -kota",
    "NULL",
    "😀" * 500,
]


@pytest.fixture
def demo(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        practices = build_demo_index(monkeypatch)
    return practices


def check_everywhere(client: Client, query: str) -> None:
    results = search_practices(user=AnonymousUser(), query=query, limit=5)
    assert len(results.query) <= MAX_QUERY_CHARS
    assert results.empty_query or results.items or results.total == 0
    scores = [hit.score for hit in results.items]
    assert scores == sorted(scores, reverse=True)

    page = client.get("/cari/", {"q": query})
    assert page.status_code == 200, query[:80]
    html = page.content.decode()
    assert "<script>alert" not in html
    assert 'id="search-results"' in html

    api = client.get("/api/v1/search", {"q": query, "limit": "5"})
    assert api.status_code == 200, (query[:80], api.content[:300])
    body = api.json()
    assert body["total"] >= len(body["results"])
    assert body["message"] or body["results"] or body["total"] == 0


def test_nasty_literals(demo):
    client = Client()
    for query in NASTY:
        check_everywhere(client, query)
    # Every mode and odd paging too.
    for mode in ("lexical", "semantic", "hybrid"):
        for query in NASTY[:25]:
            search_practices(user=AnonymousUser(), query=query, mode=mode, offset=10_000)
    # Bytes that are not UTF-8 at all, as a client may send them.
    assert client.get("/cari/?q=%ED%A0%80%FF").status_code == 200
    assert client.get("/api/v1/search?q=%ED%A0%80%FF").status_code in (200, 400)
    # Structure-breaking keys and repeated parameters.
    assert client.get("/cari/?q=desa&q=kota&page=x&page=-1&province=%00").status_code == 200
    assert client.get("/api/v1/search?q=desa&limit=5&limit=6").status_code in (200, 400)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_any_text(demo, query):
    check_everywhere(Client(), query)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "kemiskinan",
                "desa",
                "NEAR",
                "AND",
                "OR",
                "NOT",
                '"',
                "*",
                "^",
                ":",
                "(",
                ")",
                "-",
                "+",
                "stunting",
                "P3KE",
                "'",
                "--",
                ";",
                "ibu2",
                "gimana",
                "🙂",
            ]
        ),
        max_size=12,
    )
)
def test_operator_soup(demo, words):
    check_everywhere(Client(), " ".join(words))
