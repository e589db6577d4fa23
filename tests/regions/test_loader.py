"""Loading the vendored idn-area-data files into Region rows."""

import csv
import gzip
import time

import pytest
from django.core.management import call_command

from sebaya.regions.loader import DATA_DIR, IDN_AREA_DATA_VERSION, load_regions
from sebaya.regions.models import Region, RegionLevel


def _count_rows(name: str) -> int:
    opener = gzip.open if name.endswith(".gz") else open
    with opener(DATA_DIR / name, "rt", encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("provinces.csv", 38),
        ("regencies.csv", 514),
        ("districts.csv", 7285),
        ("villages.csv.gz", 83762),
    ],
)
def test_vendored_files_have_the_expected_rows(name, expected):
    """The vendored files are those of idn-area-data 4.0.1, unchanged."""
    assert _count_rows(name) == expected


def test_vendored_readme_names_the_loader_version():
    """README and IDN_AREA_DATA_VERSION agree, so an update cannot forget one of them."""
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert f"idn-area-data {IDN_AREA_DATA_VERSION}" in readme.splitlines()[0]
    assert (DATA_DIR / "LICENSE.md").exists()


@pytest.mark.django_db
def test_load_creates_country_provinces_regencies_and_cities():
    """One country, 38 provinces, 416 kabupaten and 98 kota, each under its parent."""
    started = time.perf_counter()
    report = load_regions()
    elapsed = time.perf_counter() - started

    assert report.created == 1 + 38 + 514
    assert Region.objects.count() == 553
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 38
    assert Region.objects.filter(level=RegionLevel.REGENCY).count() == 416
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 98
    country = Region.objects.get(code="ID")
    assert (country.name, country.level, country.parent) == ("Indonesia", "country", None)
    kalbar = Region.objects.get(code="61")
    assert (kalbar.name, kalbar.parent) == ("Kalimantan Barat", country)
    sragen = Region.objects.get(code="33.14")
    assert (sragen.name, sragen.level, sragen.parent.code) == ("Kabupaten Sragen", "regency", "33")
    assert Region.objects.get(code="33.75").level == RegionLevel.CITY  # Kota Pekalongan
    assert not Region.objects.filter(level=RegionLevel.DISTRICT).exists()
    assert elapsed < 2, elapsed


@pytest.mark.django_db
def test_load_twice_changes_nothing():
    """A second run finds every row unchanged and creates no duplicates."""
    load_regions()
    report = load_regions()

    assert (report.created, report.updated, report.unchanged) == (0, 0, 553)
    assert Region.objects.count() == 553


@pytest.mark.django_db
def test_load_repairs_a_changed_row():
    """A row edited by hand gets the vendored name back."""
    load_regions()
    Region.objects.filter(code="61").update(name="Kalbar")

    report = load_regions()

    assert report.updated == 1
    assert Region.objects.get(code="61").name == "Kalimantan Barat"


@pytest.mark.django_db
def test_load_with_districts():
    """Kecamatan hang under their kabupaten/kota."""
    report = load_regions(with_districts=True)

    assert report.levels[RegionLevel.DISTRICT].created == 7285
    district = Region.objects.get(code="61.01.01")
    assert district.level == RegionLevel.DISTRICT
    assert district.parent.code == "61.01"
    assert not Region.objects.filter(level=RegionLevel.VILLAGE).exists()


@pytest.mark.django_db
def test_command_prints_counts():
    """`sebaya load_regions` reports the version and per-level counts."""
    from io import StringIO

    out = StringIO()
    call_command("load_regions", stdout=out)

    text = out.getvalue()
    assert "4.0.1" in text
    assert "553" in text
    assert "province: 38" in text


@pytest.mark.django_db
def test_load_with_villages_is_fast_and_idempotent():
    """All 91,600 regions load in well under a minute; a re-run writes nothing."""
    started = time.perf_counter()
    report = load_regions(with_villages=True)
    elapsed = time.perf_counter() - started

    assert report.levels[RegionLevel.VILLAGE].created == 83762
    assert Region.objects.count() == 1 + 38 + 514 + 7285 + 83762
    assert Region.objects.get(code="11.01.01.2001").parent.code == "11.01.01"
    assert elapsed < 30, elapsed
    assert load_regions(with_villages=True).created == 0
