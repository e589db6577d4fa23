"""The account pages: API tokens (shown once, listed, revoked) and the password change."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sebaya.accounts.models import PersonalAccessToken
from sebaya.accounts.tokens import token_authenticate
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_token_is_shown_once_listed_and_revoked():
    user = UserFactory()
    client = _client(user)
    response = client.post(
        reverse("accounts:tokens"),
        {"name": "Skrip impor", "scopes": ["read", "practices:write"], "expires_in_days": "30"},
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'value="(sby_[^"]+)"', response.content.decode()).group(1)
    token = token_authenticate(secret)
    assert token is not None and token.user == user
    assert token.scopes == ["read", "practices:write"]
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "Skrip impor" in listing and secret not in listing
    other = _client(UserFactory())
    assert other.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert token_authenticate(secret) is None


def test_bad_token_requests_are_refused_with_messages():
    client = _client(UserFactory())
    response = client.post(reverse("accounts:tokens"), {"name": "", "expires_in_days": "9999"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nama token" in html and "Cakupan" in html
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("pendek1", "terlalu pendek"),
        ("83920174650", "seluruhnya terdiri dari angka"),
        ("password123", "terlalu umum"),
    ],
)
def test_password_change_applies_the_validators(password, message):
    user = UserFactory(username="pejabatdaerah")
    client = _client(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "sandi-rahasia-123", "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode().lower()
    user.refresh_from_db()
    assert user.check_password("sandi-rahasia-123")


def test_password_change_works_with_a_strong_password():
    user = UserFactory()
    client = _client(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "sandi-rahasia-123",
            "new_password1": "Kali-Kapuas-mengalir-2024",
            "new_password2": "Kali-Kapuas-mengalir-2024",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kali-Kapuas-mengalir-2024")
