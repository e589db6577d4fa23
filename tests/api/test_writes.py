"""The write API: tokens and their scopes, the one error format, rate limits, session + CSRF,
and reads that accept a token."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from sebaya.accounts.models import PersonalAccessToken, TokenScope
from sebaya.accounts.tokens import token_create, token_revoke
from sebaya.history.models import ChangeRecord
from sebaya.innovations.models import Innovation, PublicationStatus, RunningStatus
from tests.innovations.factories import ThemeFactory
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


def _call(method, path, body=None, token=None, client=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client = client or Client()
    if method == "GET":
        return client.get(f"/api/v1{path}", **headers)
    return getattr(client, method.lower())(
        f"/api/v1{path}",
        data=json.dumps(body or {}),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def world():
    return build_world()


def test_editor_writes_a_practice_through_the_whole_workflow(world):
    theme = ThemeFactory(slug="pangan")
    editor = world.token("editor")
    curator = world.token("curator")
    created = _call(
        "POST",
        "/practices",
        {
            "title": "Lumbung Pangan Kelurahan",
            "organisation": "bappeda-pontianak",
            "summary": "Cadangan pangan warga.",
            "themes": ["pangan"],
            "year": 2022,
            "problem": "Warga rawan pangan.",
        },
        token=editor,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["region"]["code"] == "61.71"  # the organisation's region
    assert [t["slug"] for t in body["themes"]] == [theme.slug]
    assert body["narrative"]["problem"] == "Warga rawan pangan."
    slug = body["slug"]
    practice = Innovation.objects.get(slug=slug)
    assert practice.created_by == world.users["editor"]

    changed = _call("PATCH", f"/practices/{slug}", {"stage": "uji_coba", "year": None}, editor)
    assert changed.status_code == 200
    assert changed.json()["stage"] == "uji_coba" and changed.json()["year"] is None
    assert _call("POST", f"/practices/{slug}/submit", token=editor).json()["status"] == (
        "submitted"
    )
    revised = _call(
        "POST", f"/practices/{slug}/revision", {"notes": {"summary": "Tambah angka."}}, curator
    )
    assert revised.json()["status"] == "revision"
    note = practice.review_notes.get()
    resubmitted = _call(
        "POST", f"/practices/{slug}/submit", {"responses": {str(note.pk): "Sudah."}}, editor
    )
    assert resubmitted.json()["status"] == "submitted"
    note.refresh_from_db()
    assert note.response == "Sudah." and note.resolved_at is not None
    assert _call("POST", f"/practices/{slug}/verify", token=curator).json()["status"] == "verified"
    published = _call("POST", f"/practices/{slug}/publish", token=editor)
    assert published.json()["status"] == "published"
    assert Client().get(f"/api/v1/practices/{slug}").status_code == 200

    checked = _call(
        "POST",
        f"/practices/{slug}/status-check",
        {"running_status": "berlanjut", "checked_on": "2025-01-15"},
        editor,
    )
    assert checked.json()["running_status"] == RunningStatus.RUNNING
    assert checked.json()["status_checked_on"] == "2025-01-15"

    history = _call("GET", f"/practices/{slug}/history?page_size=100", token=editor).json()
    actions = [row["action"] for row in history["results"]]
    assert actions[-1] == "create" and actions.count("status") == 5
    stage_change = next(r for r in history["results"] if r["action"] == "update")
    assert stage_change["actor"] is not None


def test_errors_use_the_one_format_with_fields(world):
    token = world.token("editor")
    for body, field in [
        ({"organisation": "bappeda-pontianak"}, "title"),
        ({"title": "x", "organisation": "tidak-ada"}, "organisation"),
        ({"title": "x", "organisation": "bappeda-pontianak", "themes": ["nope"]}, "themes"),
        ({"title": "x", "organisation": "bappeda-pontianak", "website": "bukan url"}, "website"),
        ({"title": "x", "organisation": "bappeda-pontianak", "year": 1800}, "year"),
        ({"title": "x", "organisation": "bappeda-pontianak", "region": "99.99"}, "region"),
        ({"title": "x", "organisation": "bappeda-pontianak", "jenis": "analog"}, "jenis"),
    ]:
        response = _call("POST", "/practices", body, token)
        assert response.status_code == 400, (body, response.content)
        detail = response.json()["detail"]
        assert field in [item["field"] for item in detail], (body, detail)
        assert all(item["message"] for item in detail)
    malformed = Client().post(
        "/api/v1/practices",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert malformed.status_code == 400
    assert set(malformed.json()) == {"detail"}
    assert not Innovation.objects.filter(title="x").exists()


def test_wrong_state_is_a_conflict(world):
    token = world.token("curator")
    slug = world.practices["draft"].slug
    response = _call("POST", f"/practices/{slug}/verify", token=token)
    assert response.status_code == 409
    assert response.json()["detail"][0]["field"] == "status"


def test_scopes_and_token_life(world):
    user = world.users["editor"]
    _t, read_only = token_create(user=user, name="baca", scopes=[TokenScope.READ])
    draft = world.practices["draft"]
    # A read token reads drafts of its user's organisation...
    assert _call("GET", f"/practices/{draft.slug}", token=read_only).status_code == 200
    assert _call("GET", f"/practices/{draft.slug}").status_code == 404
    listed = _call("GET", "/practices?page_size=100", token=read_only).json()
    assert draft.slug in [row["slug"] for row in listed["results"]]
    # ...but may not write.
    refused = _call("PATCH", f"/practices/{draft.slug}", {"summary": "x"}, read_only)
    assert refused.status_code == 403
    assert "practices:write" in refused.json()["detail"][0]["message"]

    token, raw = token_create(user=user, name="tulis", scopes=[TokenScope.PRACTICES_WRITE])
    assert _call("PATCH", f"/practices/{draft.slug}", {"summary": "y"}, raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    token_revoke(user=user, token=token)
    assert _call("PATCH", f"/practices/{draft.slug}", {"summary": "z"}, raw).status_code == 401
    assert _call("GET", "/practices", token=raw).status_code == 401  # no silent anonymous read
    _t2, expired = token_create(user=user, name="lama", scopes=[TokenScope.READ])
    PersonalAccessToken.objects.filter(pk=_t2.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert _call("GET", "/practices", token=expired).status_code == 401
    assert _call("GET", "/practices", token="sby_tebakan").status_code == 401
    user.is_active = False
    user.save()
    assert _call("GET", "/practices", token=read_only).status_code == 401


def test_tokens_are_stored_hashed(world):
    token, raw = token_create(user=world.users["editor"], name="t", scopes=[TokenScope.READ])
    assert raw.startswith("sby_") and len(raw) > 40
    stored = PersonalAccessToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix) and raw[:10] == stored.prefix
    assert all(raw not in json.dumps(v, default=str) for v in stored.__dict__.values())


@override_settings(SEBAYA_API_WRITES_PER_MINUTE=3)
def test_writes_are_rate_limited_per_token(world):
    token = world.token("editor")
    slug = world.practices["draft"].slug
    codes = [
        _call("PATCH", f"/practices/{slug}", {"summary": f"v{i}"}, token).status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    limited = _call("PATCH", f"/practices/{slug}", {"summary": "v9"}, token)
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert set(limited.json()) == {"detail"}
    assert Innovation.objects.get(slug=slug).summary == "v2"
    # Another caller has its own allowance.
    assert (
        _call("PATCH", f"/practices/{slug}", {"summary": "w"}, world.token("curator")).status_code
        == 200
    )


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["editor"])
    slug = world.practices["draft"].slug
    refused = _call("PATCH", f"/practices/{slug}", {"summary": "tanpa csrf"}, client=client)
    assert refused.status_code == 403
    page = client.get("/praktik/kelola/")
    csrf = page.cookies["csrftoken"].value
    allowed = _call(
        "PATCH",
        f"/practices/{slug}",
        {"summary": "dengan csrf"},
        client=client,
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert allowed.status_code == 200
    assert Innovation.objects.get(slug=slug).summary == "dengan csrf"


def test_without_credentials_writes_answer_401_never_5xx(world):
    slug = world.practices["draft"].slug
    for method, path, body in [
        ("POST", "/practices", {"title": "x"}),
        ("POST", "/practices", None),
        ("PATCH", f"/practices/{slug}", {"title": None}),
        ("PATCH", "/practices/tidak-ada", {}),
        ("POST", f"/practices/{slug}/submit", {}),
        ("POST", f"/practices/{slug}/revision", {"notes": {}}),
        ("POST", f"/practices/{slug}/status-check", {"running_status": "x"}),
    ]:
        response = _call(method, path, body)
        assert response.status_code == 401, (method, path, response.content)
        assert set(response.json()) == {"detail"}
    assert ChangeRecord.objects.count() == 0


def test_odd_write_bodies_never_fail(world):
    token = world.token("curator")
    slug = world.practices["submitted"].slug
    for body in [
        {"notes": {"tidak_ada": "x"}},
        {"notes": {"": ""}},
        {"notes": {"title": "\x00"}},
        {"notes": "teks"},
        [],
        {"notes": {"title": "x" * 6000}},
    ]:
        response = _call("POST", f"/practices/{slug}/revision", body, token)
        assert response.status_code == 400, (body, response.content)
    response = _call("POST", f"/practices/{slug}/submit", {"responses": {"abc": "x"}}, token)
    assert response.status_code in (400, 409)
    assert Innovation.objects.get(slug=slug).status == PublicationStatus.SUBMITTED
