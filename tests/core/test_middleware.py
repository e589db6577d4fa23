"""Pages are Indonesian until the reader picks English; the API follows Accept-Language."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_ignore_an_english_browser(client):
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_wins(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="id")
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_the_api_negotiates_accept_language(client):
    in_english = client.get("/api/v1/practices/tidak-ada", HTTP_ACCEPT_LANGUAGE="en")
    in_indonesian = client.get("/api/v1/practices/tidak-ada")
    assert in_english.status_code == in_indonesian.status_code == 404
    assert in_english.json() != in_indonesian.json()
    assert "tidak ditemukan" in str(in_indonesian.json()).lower()


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_clear_indonesian_page():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/praktik/", "/api/v1/practices", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
