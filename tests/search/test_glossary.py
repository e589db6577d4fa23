"""Tests for the domain glossary: the file, seeding, curator edits, matching, the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sebaya.search.analysis import analyse_query, normalise, phrase_key
from sebaya.search.glossary import (
    GLOSSARY_FILE,
    Glossary,
    current_glossary,
    glossary_map,
    invalidate_glossary,
    load_glossary_file,
    read_glossary_file,
)
from sebaya.search.models import GlossaryEntry, GlossaryKind


@pytest.fixture(autouse=True)
def _fresh_glossary() -> Iterator[None]:
    """The glossary is cached per process: no test may see another test's rolled-back rows."""
    invalidate_glossary()
    yield
    invalidate_glossary()


@pytest.fixture
def loaded(db) -> None:
    load_glossary_file()


def expansions_of(query: str) -> set[str]:
    return set(analyse_query(query).expansions)


# the file


def test_file_parses_and_every_row_is_complete():
    """Every row has a term, a known kind and at least one expansion, within field limits."""
    rows = read_glossary_file()
    assert len(rows) >= 80
    for row in rows:
        assert row.term and len(row.term) <= 100, row
        assert row.kind in GlossaryKind.values, row
        assert row.expansions, row
        assert all(expansion.strip() for expansion in row.expansions), row
        assert len(row.note) <= 300, row
        assert normalise(row.term) not in {normalise(e) for e in row.expansions}, row


def test_file_has_no_duplicate_terms():
    """No term appears twice, however it is written (P3KE / p3ke)."""
    terms = [normalise(row.term) for row in read_glossary_file()]
    duplicates = {term for term in terms if terms.count(term) > 1}
    assert not duplicates


def test_file_covers_the_domain():
    """The acronyms the issue names are all there."""
    terms = {normalise(row.term) for row in read_glossary_file()}
    for term in ["P3KE", "PKH", "BPNT", "KIS", "TKPK", "RTLH", "OPD", "kemiskinan ekstrem"]:
        assert normalise(term) in terms


# seeding


@pytest.mark.django_db
def test_load_is_idempotent():
    """Loading twice creates every row once and changes nothing the second time."""
    rows = read_glossary_file()

    assert load_glossary_file() == (len(rows), 0)
    assert load_glossary_file() == (0, 0)
    assert GlossaryEntry.objects.count() == len(rows)
    assert GlossaryEntry.objects.filter(from_file=False).count() == 0
    pkh = GlossaryEntry.objects.get(term="PKH")
    assert pkh.kind == GlossaryKind.ACRONYM
    assert "Program Keluarga Harapan" in pkh.expansion_list()


@pytest.mark.django_db
def test_load_restores_a_file_entry_changed_outside_the_admin(loaded):
    """A file entry (from_file=True) follows the file."""
    GlossaryEntry.objects.filter(term="PKH").update(expansions="something else")

    assert load_glossary_file() == (0, 1)
    assert "Program Keluarga Harapan" in GlossaryEntry.objects.get(term="PKH").expansion_list()


@pytest.mark.django_db
def test_curator_edits_survive_a_reload(loaded):
    """An entry a curator edited (from_file=False) is never overwritten by the file."""
    entry = GlossaryEntry.objects.get(term="PKH")
    entry.expansions = "Program Keluarga Harapan\nbansos bersyarat"
    entry.from_file = False
    entry.save()

    assert load_glossary_file() == (0, 0)
    entry.refresh_from_db()
    assert entry.expansion_list() == ["Program Keluarga Harapan", "bansos bersyarat"]
    assert not entry.from_file


@pytest.mark.django_db
def test_curator_entry_written_differently_blocks_the_file_row():
    """A curator's "pkh" stands for the file's "PKH": no second entry is added beside it."""
    GlossaryEntry.objects.create(term="pkh", kind="acronym", expansions="bansos bersyarat")

    created, _updated = load_glossary_file()

    assert created == len(read_glossary_file()) - 1
    assert not GlossaryEntry.objects.filter(term="PKH").exists()
    assert GlossaryEntry.objects.get(term="pkh").expansion_list() == ["bansos bersyarat"]


@pytest.mark.django_db
def test_file_entries_that_left_the_file_are_removed(tmp_path: Path):
    """Rows removed from the file go; curators' entries stay."""
    small = tmp_path / "glossary.csv"
    small.write_text(
        "term,kind,expansions,note\nPKH,acronym,Program Keluarga Harapan,\n"
        "BLT,acronym,bantuan langsung tunai,\n",
        encoding="utf-8",
    )
    load_glossary_file(path=small)
    GlossaryEntry.objects.create(term="Kartu Saraswati", kind="synonym", expansions="UPTPK")
    small.write_text(
        "term,kind,expansions,note\nPKH,acronym,Program Keluarga Harapan,\n", encoding="utf-8"
    )

    assert load_glossary_file(path=small) == (0, 0)
    assert sorted(GlossaryEntry.objects.values_list("term", flat=True)) == [
        "Kartu Saraswati",
        "PKH",
    ]


# matching


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("data P3KE", {"sasar", "hapus", "ekstrem", "extreme", "poverty"}),
        ("penerima PKH", {"keluarga", "harap", "conditional", "cash", "transfer"}),
        ("bedah RTLH", {"uninhabitable", "layak", "huni"}),
        ("rapat TKPK", {"koordinasi", "tanggulang", "miskin", "reduction"}),
        ("setiap OPD provinsi", {"organisasi", "perangkat", "local", "agency"}),
    ],
)
def test_acronyms_expand(loaded, query, expected):
    """Acronyms in a query bring the words they stand for, in Indonesian and English."""
    assert expected <= expansions_of(query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("village fund", {"dana", "desa"}),
        ("dana desa", {"village", "fund"}),
        ("extreme poverty", {"miskin", "ekstrem"}),
        ("kemiskinan ekstrem", {"extreme", "poverty"}),
        ("loan shark", {"rentenir"}),
        ("rentenir", {"loan", "shark"}),
        ("social assistance", {"bansos", "bantu", "sosial"}),
        ("one-stop service", {"layan", "padu"}),
        ("malnutrition", {"gizi", "buruk"}),
        ("women", {"perempuan", "ibu"}),
        ("perempuan", {"woman"}),
        ("duplicate", {"ganda"}),
        ("birth certificate", {"akta", "lahir"}),
    ],
)
def test_english_and_indonesian_both_ways(loaded, query, expected):
    """English queries find Indonesian words and Indonesian queries English ones."""
    assert expected <= expansions_of(query)


@pytest.mark.django_db
def test_hits_are_shown_as_written(loaded):
    """The hits name the glossary's term as written and its expansions."""
    hits = analyse_query("bantuan PKH untuk ibu2").glossary_hits
    assert [term for term, _ in hits] == ["PKH", "ibu"]
    assert "conditional cash transfer" in hits[0][1]


@pytest.mark.django_db
def test_issue_queries_expand(loaded):
    """The queries of issue 3 reach the words the practices use."""
    assert {"duplicate", "dtks", "target"} <= expansions_of(
        "gimana caranya data warga miskin ga dobel"
    )
    assert {"malnutrition", "stunt", "coastal", "nelayan"} <= expansions_of(
        "anak gizi buruk di pesisir"
    )
    assert {"capital", "perempuan", "trader"} <= expansions_of("bantuan modal buat ibu2 pedagang")
    assert {"desa", "pendapatan"} <= expansions_of("how do villages earn their own income")


def test_every_expansion_leads_back():
    """Each expansion of a row finds the row's term again (the glossary works both ways)."""
    glossary = Glossary.from_file()
    for row in read_glossary_file():
        for expansion in row.expansions:
            term, written = glossary.find(phrase_key(expansion))[0]
            group = glossary.keys[phrase_key(expansion)]
            found = set(group) | {normalise(item) for item in written}
            assert normalise(row.term) in found, (row.term, expansion, term)


# the cache and the fallback


@pytest.mark.django_db
def test_file_is_used_while_the_table_is_empty():
    """Search expands queries before the glossary is loaded into the database."""
    assert not GlossaryEntry.objects.exists()
    assert glossary_map()["pkh"][0] == "Program Keluarga Harapan"
    assert "tengkes" in expansions_of("stunting")


@pytest.mark.django_db
def test_map_keys_are_normalised(loaded):
    """Keys are normalised terms and phrases, in both directions."""
    mapping = glossary_map()
    assert "p3ke" in mapping
    assert "kemiskinan ekstrem" in mapping
    assert "extreme poverty" in mapping
    assert all(key == normalise(key) for key in mapping)


@pytest.mark.django_db
def test_cache_follows_changes(loaded):
    """Creating, editing and deleting an entry changes the next query's expansions."""
    assert expansions_of("Rantang Kasih") == set()
    first = current_glossary()
    assert current_glossary() is first  # cached between queries

    entry = GlossaryEntry.objects.create(
        term="Rantang Kasih", kind="synonym", expansions="makanan untuk lansia"
    )
    assert {"makan", "lansia"} <= expansions_of("Rantang Kasih")

    entry.expansions = "meals on wheels"
    entry.save()
    assert {"meal", "wheel"} <= expansions_of("rantang kasih")
    assert "lansia" not in expansions_of("rantang kasih")

    entry.delete()
    assert expansions_of("Rantang Kasih") == set()


@pytest.mark.django_db
def test_reload_refreshes_the_cache():
    """Loading the file (bulk writes) refreshes the cached glossary too."""
    GlossaryEntry.objects.create(term="PKH", kind="acronym", expansions="x")
    assert glossary_map()["pkh"] == ["x"]

    GlossaryEntry.objects.all().delete()
    load_glossary_file()
    assert glossary_map()["pkh"][0] == "Program Keluarga Harapan"


def test_glossary_file_ships_with_the_package():
    assert GLOSSARY_FILE.is_file()


# the admin


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="x"
    )
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "present", "absent"),
    [
        ("/admin/search/glossaryentry/", "P3KE", None),
        ("/admin/search/glossaryentry/?q=keluarga+harapan", "PKH", "RTLH"),
        ("/admin/search/glossaryentry/?kind__exact=translation", "perempuan", "TNP2K"),
        ("/admin/search/glossaryentry/?from_file__exact=1", "DTKS", None),
    ],
)
def test_admin_lists_searches_and_filters(loaded, staff_client, url, present, absent):
    response = staff_client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert present in content
    if absent:
        assert f">{absent}<" not in content


@pytest.mark.django_db
def test_admin_edit_makes_the_entry_the_curators(loaded, staff_client):
    """Saving in the admin marks the entry as the curator's, so the file leaves it alone."""
    entry = GlossaryEntry.objects.get(term="RTLH")

    response = staff_client.post(
        f"/admin/search/glossaryentry/{entry.pk}/change/",
        {
            "term": "RTLH",
            "kind": "acronym",
            "expansions": "rumah tidak layak huni\nrumah reyot",
            "note": "",
        },
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.from_file
    assert load_glossary_file() == (0, 0)
    entry.refresh_from_db()
    assert entry.expansion_list() == ["rumah tidak layak huni", "rumah reyot"]
    assert "reyot" in expansions_of("RTLH")


@pytest.mark.django_db
def test_admin_add(staff_client):
    response = staff_client.post(
        "/admin/search/glossaryentry/add/",
        {"term": "Kartu Saraswati", "kind": "synonym", "expansions": "UPTPK", "note": ""},
    )

    assert response.status_code == 302
    assert GlossaryEntry.objects.get(term="Kartu Saraswati").from_file is False
