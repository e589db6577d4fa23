"""Sign-in: repeated failures are throttled per account and per address, with a clear message."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-rahasia-123"


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_a_correct_password_signs_in_and_clears_earlier_failures(client, settings):
    settings.SEBAYA_LOGIN_FAILURES_PER_ACCOUNT = 3
    user = UserFactory(username="sari")
    for _ in range(2):
        assert _login(client, "sari", "salah").status_code == 200
    assert _login(client, "sari", PASSWORD).status_code == 302
    client.logout()
    # The count started again: two more failures are still allowed.
    for _ in range(2):
        assert _login(client, "sari", "salah").status_code == 200
    assert _login(client, "sari", PASSWORD).wsgi_request.user == user


def test_too_many_failures_block_even_the_right_password_for_a_while(client, settings):
    settings.SEBAYA_LOGIN_FAILURES_PER_ACCOUNT = 3
    UserFactory(username="sari")
    for _ in range(3):
        response = _login(client, "sari", "salah")
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah" in response.content.decode()

    blocked = _login(client, "SARI ", PASSWORD)  # case and spaces do not get round it
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit" in blocked.content.decode()
    assert not blocked.wsgi_request.user.is_authenticated

    # Another account from the same address is not affected by this account's count.
    UserFactory(username="budi")
    assert _login(client, "budi", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_blocked(client, settings):
    settings.SEBAYA_LOGIN_FAILURES_PER_ADDRESS = 4
    UserFactory(username="sari")
    for n in range(4):
        assert _login(client, f"tebakan{n}", "salah").status_code == 200
    assert _login(client, "sari", PASSWORD).status_code == 429
    # A different address is not blocked.
    assert _login(client, "sari", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, settings):
    settings.SEBAYA_LOGIN_FAILURES_PER_ADDRESS = 2
    settings.SEBAYA_PROXY_COUNT = 1
    UserFactory(username="sari")
    for n in range(2):
        _login(client, f"x{n}", "salah", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert _login(client, "sari", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # Everyone arrives from the proxy's address; a different client is still let in.
    assert _login(client, "sari", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


def test_the_message_is_english_for_english_readers(client, settings):
    settings.SEBAYA_LOGIN_FAILURES_PER_ACCOUNT = 1
    UserFactory(username="sari")
    client.cookies["django_language"] = "en"
    _login(client, "sari", "wrong")
    response = _login(client, "sari", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Wait 15 minutes" in response.content.decode()
