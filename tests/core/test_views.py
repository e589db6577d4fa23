"""Home, sources and login pages in both languages."""

import pytest
from django.urls import reverse

from sebaya.innovations.models import PublicationStatus
from tests.innovations.factories import InnovationFactory, ThemeFactory
from tests.regions.factories import ObservationFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_COOKIE": "django_language=en"}


def test_home_shows_figures_themes_and_search(client):
    """The home page counts published practices and lists themes with counts."""
    theme = ThemeFactory(slug="data-sasaran", name_id="Data dan sasaran", name_en="Targeting")
    practice = InnovationFactory.create(title="Laboratorium Kemiskinan")
    practice.themes.add(theme)
    InnovationFactory.create(title="Draf rahasia", status=PublicationStatus.DRAFT)
    ProvinceFactory(code="61", name="Kalimantan Barat")
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert 'name="q"' in html
    assert "Data dan sasaran" in html
    assert f"{reverse('innovations:catalogue')}?theme=data-sasaran" in html
    assert response.context["figures"]["practices"] == 1
    assert response.context["figures"]["provinces"] == 1
    assert "Draf rahasia" not in html


def test_home_lists_workshop_practices_when_present(client):
    """The six Pontianak workshop practices are featured when they exist."""
    InnovationFactory.create(
        title="UPTPK Sragen", external_id="sragen-uptpk", source="sebaya-sample"
    )
    html = client.get(reverse("core:home")).content.decode()
    assert "UPTPK Sragen" in html
    assert "Pontianak" in html


def test_home_in_english(client):
    """Accept-Language: en switches the page language."""
    theme = ThemeFactory(slug="data-sasaran", name_id="Data dan sasaran", name_en="Targeting")
    InnovationFactory.create().themes.add(theme)
    response = client.get(reverse("core:home"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Targeting" in html


def test_language_switch_by_post_sets_cookie(client):
    """The set_language form stores English and later pages use it."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).content.decode().count('<html lang="en">') == 1


def test_sources_lists_indicator_sources_and_licences(client):
    """Distinct observation sources are listed with counts, with the licences we rely on."""
    ObservationFactory(source_url="https://bps.go.id/a")
    ObservationFactory(source_url="https://bps.go.id/a", period="2021-03")
    ObservationFactory(source_url="https://example.org/b")
    for headers in ({}, EN):
        response = client.get(reverse("core:sources"), **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "https://bps.go.id/a" in html
        assert "https://example.org/b" in html
        assert "idn-area-data" in html
        assert "Fityan Nugroho" in html
        assert "ODbL" in html
        assert "0BSD" in html
    rows = {r["source_url"]: r["n"] for r in response.context["indicator_sources"]}
    assert rows == {"https://bps.go.id/a": 2, "https://example.org/b": 1}


def test_login_page_renders_labelled_form(client):
    """The login page has labelled username and password fields."""
    for headers in ({}, EN):
        response = client.get(reverse("login"), **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'for="id_username"' in html
        assert 'for="id_password"' in html


def test_login_with_wrong_password_shows_error(client):
    """A failed login shows a polite error, not a crash."""
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_never_stored(client):
    from tests.accounts.factories import UserFactory

    anonymous = client.get("/praktik/")
    assert "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(UserFactory())
    signed_in = client.get("/praktik/")
    assert "no-store" in signed_in["Cache-Control"] and "private" in signed_in["Cache-Control"]


@pytest.mark.django_db
def test_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'const OFFLINE_URL = "/luring/";' in body
    assert "/static/sebaya/css/sebaya.css" in body
