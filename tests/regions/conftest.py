"""Fixtures for the regions tests: the real Kemendagri regions, loaded per test (about 50 ms)."""

import pytest

from sebaya.regions.loader import LoadReport, load_regions
from sebaya.regions.resolver import RegionResolver, reset_resolver_cache


@pytest.fixture(autouse=True)
def _fresh_resolver_cache():
    """No test sees a resolver cached by another."""
    reset_resolver_cache()
    yield
    reset_resolver_cache()


@pytest.fixture
def regions(db) -> LoadReport:
    """Indonesia, its 38 provinces and 514 kabupaten/kota."""
    return load_regions()


@pytest.fixture
def resolver(regions) -> RegionResolver:
    return RegionResolver.from_db()
