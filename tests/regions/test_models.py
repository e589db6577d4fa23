"""Region model rules: pemda, island groups, short names."""

import pytest

from sebaya.regions.loader import load_regions
from sebaya.regions.models import Region, RegionLevel


@pytest.mark.django_db
def test_546_pemda_among_the_514_kabupaten_kota_and_38_provinces():
    """Kemendagri counts 546 pemda: DKI Jakarta's six administrative areas are not pemda."""
    load_regions()
    regions = Region.objects.exclude(level=RegionLevel.COUNTRY)
    assert regions.count() == 38 + 514
    pemda = [r for r in regions if r.is_pemda]
    assert len(pemda) == 546
    assert sum(r.level == RegionLevel.REGENCY for r in pemda) == 415
    assert sum(r.level == RegionLevel.CITY for r in pemda) == 93


@pytest.mark.django_db
def test_island_group_and_short_name():
    load_regions()
    kalbar = Region.objects.get(code="61")
    assert kalbar.island_group == "Kalimantan"
    assert Region.objects.get(code="21").island_group == "Sumatera"  # Kepulauan Riau
    assert Region.objects.get(code="94").island_group == "Papua"
    assert Region.objects.get(code="ID").island_group == ""
    assert Region.objects.get(code="33.26").short_name == "Pekalongan"
    assert Region.objects.get(code="31.71").short_name == "Jakarta Pusat"
