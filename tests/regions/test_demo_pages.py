"""The issue's acceptance figures, on the real demo data: Kalimantan Barat's extreme poverty."""

import re

import pytest
from django.core.management import call_command

from sebaya.core.templatetags.sebaya_tags import period_label

EN = {"HTTP_COOKIE": "django_language=en"}


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_kalimantan_barat_shows_its_sourced_extreme_poverty_figures(client, demo):
    text = _text(client.get("/wilayah/61/"))
    assert "Maret 2021 1,08%" in text
    assert "Maret 2022 1,41%" in text
    assert "https://www.sonora.id/read/423811528" in text
    assert "kalbar.prokal.co/read/news/6820" in text
    # The national figure for March 2022 (2.04%) stands beside Kalimantan Barat's.
    assert "2,04" in text


def test_kalimantan_barat_in_english(client, demo):
    text = _text(client.get("/wilayah/61/", **EN))
    assert "March 2021 1.08%" in text
    assert "March 2022 1.41%" in text
    assert "Extreme poverty rate" in text


def test_series_break_note_is_shown_on_the_national_page(client, demo):
    text = _text(client.get("/wilayah/ID/"))
    assert "US$2.15 (2017 PPP)" in text


@pytest.mark.parametrize(
    ("period", "language", "expected"),
    [("2022-03", "id", "Maret 2022"), ("2022-03", "en", "March 2022"), ("2021", "id", "2021")],
)
def test_period_label(period, language, expected):
    from django.utils import translation

    with translation.override(language):
        assert period_label(period) == expected
