"""Fixtures of the matcher tests: a fresh profile cache per test, the demo, and a small world."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sebaya.matching.profiles import reset_profile_cache
from sebaya.regions.models import COUNTRY_CODE, RegionLevel
from tests.regions.factories import IndicatorFactory, ObservationFactory, RegionFactory
from tests.search.demo_index import build_demo_index


@pytest.fixture(autouse=True)
def _fresh_profiles():
    """No test sees a profile table built from another test's database."""
    reset_profile_cache()
    yield
    reset_profile_cache()


@pytest.fixture
def demo(django_capture_on_commit_callbacks, monkeypatch):
    """The real demo: regions, sourced indicators, 22 practices, 15 study visits, indexed."""
    with django_capture_on_commit_callbacks(execute=True):
        return build_demo_index(monkeypatch)


def observe(region, slug: str, period: str, value: str, *, series_break: bool = False, **extra):
    """One observation of `slug` for `region` (period "YYYY" or "YYYY-MM")."""
    year, _, month = period.partition("-")
    indicator = IndicatorFactory(slug=slug, name_id=slug, name_en=slug)
    return ObservationFactory(
        region=region,
        indicator=indicator,
        period=period,
        period_start=datetime.date(int(year), int(month or 1), 1),
        period_granularity="month" if month else "year",
        value=Decimal(value),
        series_break=series_break,
        source_url=extra.pop("source_url", f"https://example.org/{slug}/{period}"),
        **extra,
    )


@pytest.fixture
def world(db):
    """Indonesia, two provinces in two island groups, and kabupaten/kota in them."""
    country = RegionFactory(code=COUNTRY_CODE, name="Indonesia", level=RegionLevel.COUNTRY)
    jateng = RegionFactory(code="33", name="Jawa Tengah", level=RegionLevel.PROVINCE)
    kalbar = RegionFactory(code="61", name="Kalimantan Barat", level=RegionLevel.PROVINCE)
    return {
        "ID": country,
        "33": jateng,
        "61": kalbar,
        "33.26": RegionFactory(code="33.26", name="Kabupaten Pekalongan", parent=jateng),
        "33.14": RegionFactory(code="33.14", name="Kabupaten Sragen", parent=jateng),
        "33.74": RegionFactory(
            code="33.74", name="Kota Semarang", level=RegionLevel.CITY, parent=jateng
        ),
        "61.01": RegionFactory(code="61.01", name="Kabupaten Sambas", parent=kalbar),
        "61.02": RegionFactory(code="61.02", name="Kabupaten Mempawah", parent=kalbar),
    }
