"""Catalogue facet counts from the practice selectors."""

import pytest

from sebaya.innovations.models import PublicationStatus
from sebaya.innovations.selectors import CatalogueFilters, catalogue_facets
from tests.innovations.factories import InnovationFactory, ThemeFactory
from tests.regions.factories import ProvinceFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_facets_count_visible_practices_per_theme_and_province():
    """Counts ignore drafts, and each facet ignores its own filter but keeps the others."""
    from django.contrib.auth.models import AnonymousUser

    jateng = ProvinceFactory(code="33", name="Jawa Tengah")
    jatim = ProvinceFactory(code="35", name="Jawa Timur")
    data, sosial = ThemeFactory(slug="data"), ThemeFactory(slug="sosial")
    a = InnovationFactory.create(region=RegionFactory(code="33.01", parent=jateng))
    a.themes.add(data, sosial)
    b = InnovationFactory.create(region=jatim)
    b.themes.add(data)
    draft = InnovationFactory.create(region=jatim, status=PublicationStatus.DRAFT)
    draft.themes.add(data)

    facets = catalogue_facets(user=AnonymousUser(), filters=CatalogueFilters())
    assert facets.themes == {"data": 2, "sosial": 1}
    assert facets.provinces == {"33": 1, "35": 1}

    filtered = catalogue_facets(user=AnonymousUser(), filters=CatalogueFilters(theme="sosial"))
    assert filtered.themes == {"data": 2, "sosial": 1}
    assert filtered.provinces == {"33": 1}

    by_province = catalogue_facets(user=AnonymousUser(), filters=CatalogueFilters(province="35"))
    assert by_province.themes == {"data": 1}
    assert by_province.provinces == {"33": 1, "35": 1}
