"""CSRF everywhere: every form that posts carries the token, and every write page refuses a
POST without it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sebaya.history.models import ChangeRecord
from sebaya.innovations.models import Innovation
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "sebaya" / "templates"


def test_every_post_form_in_the_templates_has_the_csrf_token():
    missing = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<form\b[^>]*method=\"post\"[^>]*>", text, re.IGNORECASE):
            end = text.find("</form>", match.end())
            if "{% csrf_token %}" not in text[match.end() : end]:
                missing.append(f"{template.relative_to(TEMPLATES)}:{match.group(0)[:60]}")
    assert missing == []


def test_write_pages_refuse_posts_without_the_token():
    world = build_world()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["curator"])
    draft, published = world.practices["draft"], world.practices["published"]
    submitted = world.practices["submitted"]
    posts = [
        reverse("innovations:create"),
        reverse("innovations:edit", kwargs={"slug": draft.slug}),
        reverse("innovations:submit", kwargs={"slug": draft.slug}),
        reverse("innovations:review", kwargs={"slug": submitted.slug}),
        reverse("innovations:publish", kwargs={"slug": draft.slug}),
        reverse("innovations:unpublish", kwargs={"slug": published.slug}),
        reverse("innovations:delete", kwargs={"slug": draft.slug}),
        reverse("innovations:recheck", kwargs={"slug": published.slug}),
        reverse("accounts:tokens"),
        reverse("accounts:password_change"),
        reverse("logout"),
        reverse("login"),
    ]
    before = (ChangeRecord.objects.count(), Innovation.objects.count())
    for url in posts:
        response = client.post(url, {"decision": "verify", "name": "x", "scopes": ["read"]})
        assert response.status_code == 403, url
    assert (ChangeRecord.objects.count(), Innovation.objects.count()) == before
