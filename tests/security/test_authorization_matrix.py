"""Every role against every write page and write endpoint: allowed or denied exactly as designed.

Roles: anonymous, a signed-in user of no organisation, a member (read-only role), an editor and
an org admin of the owning organisation, an editor of another organisation, a curator (staff).
Expected answers: the exact status code; "login" is a redirect to the sign-in page. Allowed
writes must leave a change record (docs/history.md) and denied ones must leave none, so the
table checks what happened to the data, not only the status code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from sebaya.history.models import ChangeRecord
from sebaya.innovations.models import Innovation
from tests.security.world import ROLES, World, build_world

pytestmark = pytest.mark.django_db

LOGIN = "login"


@dataclass(frozen=True)
class Case:
    name: str
    method: str  # GET or POST (pages), or an HTTP method (API)
    target: str  # URL name (pages) or API path, with {slug} for the practice
    practice: str | None  # status of the practice acted on
    expected: dict[str, int | str]
    data: Any = None
    writes: bool = True  # an allowed call writes (a change record or a new practice)
    api: bool = False


def roles(**codes: int | str) -> dict[str, int | str]:
    assert set(codes) == set(ROLES), sorted(set(ROLES) ^ set(codes))
    return codes


EDITORS_ALLOWED_POST = dict(editor=302, org_admin=302, curator=302)
FORM = {
    "title": "Judul baru",
    "summary": "Ringkasan.",
    "region": "",
    "running_status": "unknown",
}

PAGE_CASES = [
    Case(
        "create form",
        "GET",
        "innovations:create",
        None,
        roles(
            anonymous=LOGIN,
            user=403,
            member=403,
            other_org=403,
            **dict.fromkeys(("editor", "org_admin", "curator"), 200),
        ),
        writes=False,
    ),
    Case(
        "create",
        "POST",
        "innovations:create",
        None,
        roles(anonymous=LOGIN, user=403, member=403, other_org=403, **EDITORS_ALLOWED_POST),
        data="create",
    ),
    Case(
        "edit draft (form)",
        "GET",
        "innovations:edit",
        "draft",
        roles(
            anonymous=LOGIN,
            user=404,
            other_org=404,
            member=403,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        writes=False,
    ),
    Case(
        "edit draft",
        "POST",
        "innovations:edit",
        "draft",
        roles(anonymous=LOGIN, user=404, other_org=404, member=403, **EDITORS_ALLOWED_POST),
        data="edit",
    ),
    Case(
        "edit published",
        "POST",
        "innovations:edit",
        "published",
        roles(anonymous=LOGIN, user=403, other_org=403, member=403, **EDITORS_ALLOWED_POST),
        data="edit",
    ),
    Case(
        "submit draft",
        "POST",
        "innovations:submit",
        "draft",
        roles(anonymous=LOGIN, user=404, other_org=404, member=403, **EDITORS_ALLOWED_POST),
    ),
    Case(
        "submit revision",
        "POST",
        "innovations:submit",
        "revision",
        roles(anonymous=LOGIN, user=404, other_org=404, member=403, **EDITORS_ALLOWED_POST),
    ),
    Case(
        "review page",
        "GET",
        "innovations:review",
        "submitted",
        roles(
            anonymous=LOGIN,
            user=404,
            other_org=404,
            member=403,
            editor=403,
            org_admin=403,
            curator=200,
        ),
        writes=False,
    ),
    Case(
        "verify",
        "POST",
        "innovations:review",
        "submitted",
        roles(
            anonymous=LOGIN,
            user=404,
            other_org=404,
            member=403,
            editor=403,
            org_admin=403,
            curator=302,
        ),
        data={"decision": "verify"},
    ),
    Case(
        "request revision",
        "POST",
        "innovations:review",
        "submitted",
        roles(
            anonymous=LOGIN,
            user=404,
            other_org=404,
            member=403,
            editor=403,
            org_admin=403,
            curator=302,
        ),
        data={"decision": "revise", "note_summary": "Tambahkan angka."},
    ),
    Case(
        "publish verified",
        "POST",
        "innovations:publish",
        "verified",
        roles(anonymous=LOGIN, user=404, other_org=404, member=403, **EDITORS_ALLOWED_POST),
    ),
    Case(
        "unpublish",
        "POST",
        "innovations:unpublish",
        "published",
        roles(anonymous=LOGIN, user=403, other_org=403, member=403, **EDITORS_ALLOWED_POST),
    ),
    Case(
        "delete draft",
        "POST",
        "innovations:delete",
        "draft",
        roles(anonymous=LOGIN, user=404, other_org=404, member=403, **EDITORS_ALLOWED_POST),
    ),
    Case(
        "delete published",
        "POST",
        "innovations:delete",
        "published",
        roles(
            anonymous=LOGIN,
            user=403,
            other_org=403,
            member=403,
            editor=403,
            org_admin=403,
            curator=302,
        ),
    ),
    Case(
        "recheck",
        "POST",
        "innovations:recheck",
        "published",
        roles(anonymous=LOGIN, user=403, other_org=403, member=403, **EDITORS_ALLOWED_POST),
        data={"running_status": "berhenti"},
    ),
    Case(
        "history of a draft",
        "GET",
        "innovations:history",
        "draft",
        roles(
            anonymous=LOGIN,
            user=404,
            other_org=404,
            member=200,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        writes=False,
    ),
    Case(
        "history of a published practice",
        "GET",
        "innovations:history",
        "published",
        roles(
            anonymous=LOGIN,
            user=403,
            other_org=403,
            member=200,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        writes=False,
    ),
    Case(
        "review queue",
        "GET",
        "innovations:review_queue",
        None,
        roles(
            anonymous=LOGIN,
            user=403,
            other_org=403,
            member=403,
            editor=403,
            org_admin=403,
            curator=200,
        ),
        writes=False,
    ),
    Case(
        "generic history",
        "GET",
        "history",
        "published",
        roles(
            anonymous=LOGIN,
            user=403,
            other_org=403,
            member=403,
            editor=403,
            org_admin=403,
            curator=200,
        ),
        writes=False,
    ),
    Case(
        "token page",
        "GET",
        "accounts:tokens",
        None,
        roles(anonymous=LOGIN, **dict.fromkeys(ROLES[1:], 200)),
        writes=False,
    ),
    Case(
        "password page",
        "GET",
        "accounts:password_change",
        None,
        roles(anonymous=LOGIN, **dict.fromkeys(ROLES[1:], 200)),
        writes=False,
    ),
]

API_CASES = [
    Case(
        "API create",
        "POST",
        "/practices",
        None,
        roles(
            anonymous=401,
            user=403,
            member=403,
            other_org=403,
            editor=201,
            org_admin=201,
            curator=201,
        ),
        data={"title": "Lewat API", "organisation": "bappeda-pontianak"},
        api=True,
    ),
    Case(
        "API update draft",
        "PATCH",
        "/practices/{slug}",
        "draft",
        roles(
            anonymous=401,
            user=404,
            other_org=404,
            member=403,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        data={"summary": "Diubah lewat API."},
        api=True,
    ),
    Case(
        "API update published",
        "PATCH",
        "/practices/{slug}",
        "published",
        roles(
            anonymous=401,
            user=403,
            other_org=403,
            member=403,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        data={"summary": "Diubah lewat API."},
        api=True,
    ),
    Case(
        "API submit",
        "POST",
        "/practices/{slug}/submit",
        "draft",
        roles(
            anonymous=401,
            user=404,
            other_org=404,
            member=403,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        api=True,
    ),
    Case(
        "API verify",
        "POST",
        "/practices/{slug}/verify",
        "submitted",
        roles(
            anonymous=401,
            user=404,
            other_org=404,
            member=403,
            editor=403,
            org_admin=403,
            curator=200,
        ),
        api=True,
    ),
    Case(
        "API request revision",
        "POST",
        "/practices/{slug}/revision",
        "submitted",
        roles(
            anonymous=401,
            user=404,
            other_org=404,
            member=403,
            editor=403,
            org_admin=403,
            curator=200,
        ),
        data={"notes": {"title": "Terlalu umum."}},
        api=True,
    ),
    Case(
        "API publish verified",
        "POST",
        "/practices/{slug}/publish",
        "verified",
        roles(
            anonymous=401,
            user=404,
            other_org=404,
            member=403,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        api=True,
    ),
    Case(
        "API publish draft",
        "POST",
        "/practices/{slug}/publish",
        "draft",
        roles(
            anonymous=401,
            user=404,
            other_org=404,
            member=403,
            editor=409,
            org_admin=409,
            curator=200,
        ),
        api=True,
    ),
    Case(
        "API unpublish",
        "POST",
        "/practices/{slug}/unpublish",
        "published",
        roles(
            anonymous=401,
            user=403,
            other_org=403,
            member=403,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        api=True,
    ),
    Case(
        "API status check",
        "POST",
        "/practices/{slug}/status-check",
        "published",
        roles(
            anonymous=401,
            user=403,
            other_org=403,
            member=403,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        data={"running_status": "vakum"},
        api=True,
    ),
    Case(
        "API history of a draft",
        "GET",
        "/practices/{slug}/history",
        "draft",
        roles(
            anonymous=401,
            user=404,
            other_org=404,
            member=200,
            editor=200,
            org_admin=200,
            curator=200,
        ),
        writes=False,
        api=True,
    ),
]


def _page_url(world: World, case: Case) -> str:
    practice = world.practices[case.practice] if case.practice else None
    if case.target == "history":
        assert practice is not None
        return reverse(
            "history:object",
            kwargs={"model": "innovations.innovation", "object_id": str(practice.pk)},
        )
    if case.target == "innovations:create":
        return reverse(case.target) + "?org=bappeda-pontianak"
    if practice is not None:
        return reverse(case.target, kwargs={"slug": practice.slug})
    return reverse(case.target)


def _form_data(world: World, case: Case) -> dict[str, Any]:
    if case.data == "create":
        return {**FORM, "organisation": world.org.pk, "region": world.region.pk}
    if case.data == "edit":
        return {**FORM, "region": world.region.pk}
    return dict(case.data or {})


def _written(before_records: int, before_practices: int) -> bool:
    return (
        ChangeRecord.objects.count() > before_records
        or Innovation.objects.count() != before_practices
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda c: c.name)
def test_site_pages(case: Case, role: str) -> None:
    world = build_world()
    records, practices = ChangeRecord.objects.count(), Innovation.objects.count()
    client = world.client(role)
    url = _page_url(world, case)
    if case.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _form_data(world, case))
    expected = case.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, response.content[:500])
        if expected == 302:
            assert not response["Location"].startswith(reverse("login"))
    allowed = expected in (200, 201, 302)
    assert _written(records, practices) == (allowed and case.writes)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API_CASES, ids=lambda c: c.name)
def test_api_endpoints(case: Case, role: str) -> None:
    world = build_world()
    records, practices = ChangeRecord.objects.count(), Innovation.objects.count()
    practice = world.practices[case.practice] if case.practice else None
    path = case.target.format(slug=practice.slug if practice else "")
    response = world.api(role, case.method, path, case.data)
    assert response.status_code == case.expected[role], (response.status_code, response.content)
    assert set(response.json()) == {"detail"} if response.status_code >= 400 else True
    allowed = case.expected[role] in (200, 201)
    assert _written(records, practices) == (allowed and case.writes)


def test_every_write_url_of_the_site_is_in_the_matrix() -> None:
    """A new write page must be added to the table above (or this test says which)."""
    from sebaya.accounts import urls as account_urls
    from sebaya.history import urls as history_urls
    from sebaya.innovations import urls as innovation_urls

    covered = {c.target for c in PAGE_CASES} | {"history"}
    names = (
        {f"innovations:{p.name}" for p in innovation_urls.urlpatterns}
        | {f"accounts:{p.name}" for p in account_urls.urlpatterns}
        | {"history" for _p in history_urls.urlpatterns}
    )
    # Read-only pages, and the token revoke (tested in tests/accounts/test_token_pages.py).
    read_only = {
        "innovations:catalogue",
        "innovations:detail",
        "innovations:manage",
        "innovations:similar",
        "innovations:recheck_list",
        "accounts:account",
        "accounts:token_revoke",
    }
    assert names - read_only <= covered, sorted(names - read_only - covered)
