"""Resolving region names as people write them to one Region, or to candidates."""

import time

import pytest

from sebaya.regions.models import Region
from sebaya.regions.resolver import RegionResolver, reset_resolver_cache, resolve_region


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kab. Sragen", "33.14"),
        ("Kabupaten Sragen", "33.14"),
        ("Kab Sragen", "33.14"),
        ("Sragen", "33.14"),
        ("  kabupaten   SRAGEN ", "33.14"),
        ("Kab.Sragen", "33.14"),
        ("Pemkab Sragen", "33.14"),
        ("Kabupaten Pekalongan", "33.26"),
        ("Kota Pekalongan", "33.75"),
        ("Prov. Jawa Timur", "35"),
        ("Provinsi Jawa Timur", "35"),
        ("Propinsi Jawa Timur", "35"),
        ("jawa timur", "35"),
        ("Jatim", "35"),
        ("Jateng", "33"),
        ("Jabar", "32"),
        ("Kalbar", "61"),
        ("Kalteng", "62"),
        ("Kalsel", "63"),
        ("Kaltim", "64"),
        ("Kaltara", "65"),
        ("Sumut", "12"),
        ("Sumbar", "13"),
        ("Sumsel", "16"),
        ("Sulsel", "73"),
        ("Sulteng", "72"),
        ("Sultra", "74"),
        ("Sulut", "71"),
        ("Sulbar", "76"),
        ("NTB", "52"),
        ("NTT", "53"),
        ("Babel", "19"),
        ("Kepri", "21"),
        ("DIY", "34"),
        ("D.I. Yogyakarta", "34"),
        ("DI Yogyakarta", "34"),
        ("Daerah Istimewa Yogyakarta", "34"),
        ("DKI Jakarta", "31"),
        ("Daerah Khusus Ibukota Jakarta", "31"),
        ("Papua Barat", "92"),
        ("Papua Barat Daya", "96"),
        ("Provinsi Papua (Kab. Asmat, Kab. Mappi, Kab. Boven Digoel)", "91"),
        ("Provinsi Papua (", "91"),
        ("Provinsi Nusa Tenggara Timur", "53"),
        ("Kabupaten Sumba Barat", "53.12"),
        ("Kabupaten Sumba Barat Daya", "53.18"),
        ("Kota Yogyakarta", "34.71"),
        ("Kabupaten Bandung", "32.04"),
        ("Kota Bandung", "32.73"),
        ("Kota Administrasi Jakarta Pusat", "31.71"),
        ("Kota Jakarta Pusat", "31.71"),
        ("Kabupaten Kepulauan Seribu", "31.01"),
        ("Kota Pangkalpinang", "19.71"),
        ("Tolitoli", "72.04"),
        ("Indonesia", "ID"),
        ("Nasional", "ID"),
        ("33.14", "33.14"),
        ("61", "61"),
        ("Kabupaten Banjar, Kalimantan Selatan", "63.03"),
        ("Kabupaten Trenggalek (Jawa Timur)", "35.03"),
    ],
)
def test_resolves_to_one_region(resolver, text, code):
    """Prefixes, abbreviations, case, spacing and punctuation do not matter."""
    result = resolver.resolve(text)

    assert result.region is not None, result.message
    assert result.region.code == code
    assert result.candidates == []
    assert result.message == ""


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Pekalongan", {"33.26", "33.75"}),
        ("Bandung", {"32.04", "32.73"}),
        ("Yogyakarta", {"34", "34.71"}),
        ("Banjar", {"32.79", "63.03"}),  # Kota Banjar (Jawa Barat), Kabupaten Banjar (Kalsel)
        ("Jambi", {"15", "15.71"}),
        ("Gorontalo", {"75", "75.01", "75.71"}),
    ],
)
def test_ambiguous_names_give_candidates(resolver, text, codes):
    """A name that several regions share is never picked; all of them are offered."""
    result = resolver.resolve(text)

    assert result.region is None
    assert {r.code for r in result.candidates} == codes
    assert "beberapa wilayah" in result.message
    assert text in result.message


@pytest.mark.parametrize(
    ("text", "hint", "code"),
    [
        ("Banjar", "Kalimantan Selatan", "63.03"),
        ("Banjar", "Kalsel", "63.03"),
        ("Banjar", "Jawa Barat", "32.79"),
        ("Banjar", "32", "32.79"),
        ("Kabupaten Banjar", "Jabar", "63.03"),  # the hint only settles real ambiguity
        ("Kabupaten Bandung", "Jawa Tengah", "32.04"),
        ("Pekalongan", "Jawa Tengah", None),  # both are in Jawa Tengah: still ambiguous
    ],
)
def test_province_hint(resolver, text, hint, code):
    """The province hint chooses between same-named regions in different provinces."""
    result = resolver.resolve(text, province_hint=hint)

    assert (result.region.code if result.region else None) == code


def test_unknown_province_hint_is_reported(resolver):
    result = resolver.resolve("Sragen", province_hint="Atlantis")

    assert result.region is None
    assert "Atlantis" in result.message


@pytest.mark.parametrize(
    ("text", "levels", "code"),
    [
        ("Gorontalo", ["province"], "75"),
        ("Yogyakarta", ["province"], "34"),
        ("Yogyakarta", ["city"], "34.71"),
        ("Jambi", ["province"], "15"),
        ("Indonesia", ["country"], "ID"),
        ("Pekalongan", ["regency"], "33.26"),
    ],
)
def test_levels_narrow_the_match(resolver, text, levels, code):
    result = resolver.resolve(text, levels=levels)

    assert result.region is not None, result.message
    assert result.region.code == code


def test_prefix_that_contradicts_levels_matches_nothing(resolver):
    result = resolver.resolve("Kabupaten Sragen", levels=["province"])

    assert result.region is None
    assert "Kabupaten Sragen" in result.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sragenn", "33.14"),
        ("Kab. Sragn", "33.14"),
        ("Kalimantan Barar", "61"),
        ("Trenggalk", "35.03"),
        ("Kabupaten Yogyakarta", "34.71"),  # no such kabupaten; the kota is offered
        ("Kota Baru", "63.02"),  # Kabupaten Kotabaru
    ],
)
def test_typos_propose_candidates_but_never_match(resolver, text, expected):
    """Similar names are offered as candidates; a fuzzy match is never chosen silently."""
    result = resolver.resolve(text)

    assert result.region is None
    assert expected in [r.code for r in result.candidates]
    assert len(result.candidates) <= 5
    assert "Wilayah tidak dikenal" in result.message
    assert "Mungkin maksud Anda" in result.message


@pytest.mark.parametrize("text", ["Atlantis Raya", "", "   ", "99.99", "Kabupaten"])
def test_nothing_close(resolver, text):
    result = resolver.resolve(text)

    assert result.region is None
    assert result.candidates == []
    assert result.message


def test_candidate_labels_tell_same_names_apart(resolver):
    message = resolver.resolve("Banjar").message

    assert "Kabupaten Banjar (Kalimantan Selatan)" in message
    assert "Kota Banjar (Jawa Barat)" in message
    assert "Provinsi Jambi" in resolver.resolve("Jambi").message


def test_message_is_translated_to_english(resolver):
    from django.utils import translation

    with translation.override("en"):
        message = resolver.resolve("Atlantis").message

    assert "Atlantis" in message


@pytest.mark.django_db
def test_districts_only_when_asked(regions):
    """Kecamatan are considered only when `levels` asks for them."""
    from sebaya.regions.loader import load_regions

    load_regions(with_districts=True)

    assert resolve_region("Sragen").region.code == "33.14"
    district = resolve_region("Kecamatan Sragen", levels=["district"]).region
    assert district is not None
    assert district.code.startswith("33.14.")


def test_resolve_region_cache_follows_new_regions(regions):
    """The cached resolver notices regions added or renamed after it was built."""
    assert resolve_region("Atlantis").region is None

    Region.objects.create(code="99", name="Atlantis", level="province", parent=None)
    assert resolve_region("Atlantis").region.code == "99"

    Region.objects.filter(code="99").update(name="Lemuria")
    reset_resolver_cache()
    assert resolve_region("Lemuria").region.code == "99"


def test_resolve_region_cache_forgets_deleted_regions(regions):
    assert resolve_region("Kabupaten Sragen").region is not None

    Region.objects.get(code="33.14").delete()

    assert resolve_region("Kabupaten Sragen").region is None


def test_resolver_is_fast(resolver):
    """An import of 30,000 rows spends well under a second resolving names."""
    names = ["Kab. Sragen", "Provinsi Jawa Timur", "Kalbar", "Kota Pekalongan", "DIY", "Nasional"]
    started = time.perf_counter()
    for i in range(30_000):
        assert resolver.resolve(names[i % len(names)]).region is not None
    elapsed = time.perf_counter() - started

    assert elapsed < 3, elapsed


def test_from_db_builds_quickly(regions):
    started = time.perf_counter()
    RegionResolver.from_db()
    assert time.perf_counter() - started < 0.5
