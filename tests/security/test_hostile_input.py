"""Hostile text in every user field is harmless on the real pages: no script runs, no event
handler or javascript:/data: link reaches the browser."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sebaya.accounts.models import TokenScope
from sebaya.accounts.tokens import token_create
from sebaya.innovations.models import (
    NARRATIVE_SECTIONS,
    Award,
    Contact,
    EvidenceItem,
    Link,
    OutcomeFigure,
    PublicationStatus,
    StageEvent,
)
from sebaya.innovations.services import innovation_request_revision, innovation_update
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(2)">klik</a> [t](javascript:alert(3)) '
    "[d](data:text/html,x)<svg onload=alert(4)>"
    '"><iframe src=//e.x></iframe>'
)
assert len(HOSTILE) < 200
TEXT_FIELDS = [
    "summary",
    "overview",
    "opd_name",
    "collaborators",
    "sdg_targets",
    "year_note",
    *[name for name, _label in NARRATIVE_SECTIONS],
]
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Audit(HTMLParser):
    """Collects what would run or navigate: script elements, event handlers, link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script",):
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"script element {attrs}")
        if tag in ("iframe", "object", "embed", "style", "svg"):
            self.problems.append(f"{tag} element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}={value}")
            link = name in ("href", "src", "action", "formaction") and value
            if link and value.strip().lower().startswith(BAD_SCHEMES):
                self.problems.append(f"{tag} {name}={value}")


def audit(html: str) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    return parser.problems


@pytest.fixture
def hostile_world():
    world = build_world()
    practice = world.practices[PublicationStatus.PUBLISHED]
    curator = world.users["curator"]
    innovation_update(
        user=curator,
        innovation=practice,
        title=f"Judul {HOSTILE[:200]}",
        **{name: HOSTILE for name in TEXT_FIELDS},
    )
    StageEvent.objects.create(innovation=practice, stage="uji_coba", year=2020, note=HOSTILE)
    EvidenceItem.objects.create(
        innovation=practice, kind="sop", title=HOSTILE[:300], reference=HOSTILE[:200], note=HOSTILE
    )
    Award.objects.create(innovation=practice, programme="kipp", title=HOSTILE[:200], year=2020)
    Link.objects.create(innovation=practice, kind="news", title=HOSTILE[:300], url="https://e.org")
    # Stored directly, as an old import could have: the page must still not link them.
    Link.objects.create(innovation=practice, kind="news", title="x", url="javascript:alert(5)")
    Contact.objects.create(
        innovation=practice,
        unit=HOSTILE[:200],
        role=HOSTILE[:200],
        phone="javascript:alert(6)",
        website="data:text/html,x",
    )
    OutcomeFigure.objects.create(
        innovation=practice,
        label=HOSTILE[:300],
        unit="%",
        source_url="javascript:alert(7)",
        note=HOSTILE,
    )
    world.org.name = HOSTILE[:200]
    world.org.website = "javascript:alert(8)"
    world.org.save()
    submitted = world.practices[PublicationStatus.SUBMITTED]
    innovation_update(user=curator, innovation=submitted, summary=HOSTILE)
    innovation_request_revision(
        user=curator, innovation=submitted, notes={"summary": HOSTILE, "": HOSTILE}
    )
    token_create(user=world.users["editor"], name=HOSTILE[:100], scopes=[TokenScope.READ])
    return world


def _pages(world):
    published = world.practices[PublicationStatus.PUBLISHED]
    revision = world.practices[PublicationStatus.SUBMITTED]  # now in revision
    return [
        ("anonymous", published.get_absolute_url()),
        ("anonymous", reverse("innovations:catalogue")),
        ("anonymous", reverse("innovations:catalogue") + "?q=" + "Judul"),
        ("anonymous", reverse("search:results") + "?q=Judul"),
        ("anonymous", reverse("core:home")),
        ("editor", reverse("innovations:manage")),
        ("editor", reverse("innovations:edit", kwargs={"slug": published.slug})),
        ("editor", reverse("innovations:edit", kwargs={"slug": revision.slug})),
        ("editor", reverse("innovations:history", kwargs={"slug": published.slug})),
        ("editor", reverse("innovations:recheck_list")),
        ("editor", reverse("innovations:similar") + "?title=Judul"),
        ("editor", reverse("accounts:tokens")),
        ("editor", reverse("accounts:account")),
        ("curator", reverse("innovations:review", kwargs={"slug": revision.slug})),
        ("curator", reverse("innovations:review_queue")),
        (
            "curator",
            reverse(
                "history:object",
                kwargs={"model": "innovations.innovation", "object_id": str(published.pk)},
            ),
        ),
    ]


def test_hostile_text_is_harmless_on_every_page(hostile_world):
    for role, url in _pages(hostile_world):
        response = hostile_world.client(role).get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        html = response.content.decode()
        assert audit(html) == [], (role, url, audit(html)[:5])
        assert "<script>alert" not in html, url


def test_hostile_text_is_shown_as_text_not_lost(hostile_world):
    published = hostile_world.practices[PublicationStatus.PUBLISHED]
    html = hostile_world.client("anonymous").get(published.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html or (
        "&lt;script&gt;alert(" in html
    )
    assert "klik" in html  # the words survive; only the markup is neutralised


def test_markdown_renders_and_links_keep_only_safe_schemes(hostile_world):
    practice = hostile_world.practices[PublicationStatus.PUBLISHED]
    innovation_update(
        user=hostile_world.users["curator"],
        innovation=practice,
        problem="**Tebal** dan [sumber](https://bps.go.id) dan [jahat](javascript:alert(1))",
    )
    html = hostile_world.client("anonymous").get(practice.get_absolute_url()).content.decode()
    assert "<strong>Tebal</strong>" in html
    assert '<a href="https://bps.go.id" rel="nofollow noopener noreferrer">sumber</a>' in html
    assert audit(html) == []


def test_the_audit_itself_catches_what_it_looks_for():
    assert audit('<a href="javascript:x">a</a>')
    assert audit('<img src="x" onerror="y">')
    assert audit("<script>alert(1)</script>")
    assert audit('<a href=" DATA:text/html,x">a</a>')
    assert audit('<script src="/static/sebaya/x.js"></script><a href="/p">p</a>') == []
