"""The vendored reference lists and their loader."""

import json

import pytest

from sebaya.innovations.models import SdgGoal, Theme, Urusan, UrusanCategory
from sebaya.innovations.reference import REFERENCE_DIR, load_reference_data, sector_mappings

pytestmark = pytest.mark.django_db


def test_loads_32_urusan_with_six_basic_services():
    """UU 23/2014 lists 6 wajib pelayanan dasar, 18 wajib non-dasar and 8 pilihan urusan."""
    load_reference_data()
    assert Urusan.objects.count() == 32
    basic = Urusan.objects.filter(category=UrusanCategory.WAJIB_DASAR)
    assert sorted(basic.values_list("code", flat=True)) == [f"1.0{i}" for i in range(1, 7)]
    assert all(u.is_basic_service for u in basic)
    assert Urusan.objects.filter(category=UrusanCategory.WAJIB_NON_DASAR).count() == 18
    assert Urusan.objects.filter(category=UrusanCategory.PILIHAN).count() == 8
    assert Urusan.objects.get(code="1.06").name_id == "Sosial"
    assert Urusan.objects.get(code="2.07").name_id == "Tenaga Kerja"
    assert Urusan.objects.get(code="2.24").name_id == "Kearsipan"
    assert Urusan.objects.get(code="3.25").name_id == "Kelautan dan Perikanan"
    assert Urusan.objects.get(code="3.32").name_id == "Transmigrasi"
    assert all(u.name_en for u in Urusan.objects.all())


def test_loads_17_sdgs_in_both_languages():
    load_reference_data()
    assert list(SdgGoal.objects.values_list("number", flat=True)) == list(range(1, 18))
    goal = SdgGoal.objects.get(number=1)
    assert (goal.name_id, goal.name_en) == ("Tanpa Kemiskinan", "No Poverty")


def test_loading_twice_changes_nothing():
    first = load_reference_data()
    second = load_reference_data()
    assert first.created == {"urusan": 32, "sdg": 17, "tema": 15}
    assert second.created == {"urusan": 0, "sdg": 0, "tema": 0}
    assert second.updated == {"urusan": 0, "sdg": 0, "tema": 0}
    assert Theme.objects.count() == 15


def test_loader_repairs_an_edited_name():
    load_reference_data()
    Urusan.objects.filter(code="1.01").update(name_id="Salah")
    report = load_reference_data()
    assert report.updated["urusan"] == 1
    assert Urusan.objects.get(code="1.01").name_id == "Pendidikan"


def test_every_sample_sector_maps_to_known_themes_and_urusan():
    sample = REFERENCE_DIR.parent / "innovations-sample.jsonl"
    sectors = {json.loads(line)["sector"] for line in sample.read_text().splitlines() if line}
    mappings = sector_mappings()
    assert sectors <= set(mappings)
    theme_slugs = {
        t["slug"] for t in json.loads((REFERENCE_DIR / "themes.json").read_text())["items"]
    }
    codes = {u["code"] for u in json.loads((REFERENCE_DIR / "urusan.json").read_text())["items"]}
    for sector, mapping in mappings.items():
        assert mapping.themes, sector
        assert set(mapping.themes) <= theme_slugs, sector
        assert set(mapping.urusan) <= codes, sector


def test_files_name_their_sources():
    for name in ("urusan.json", "sdgs.json"):
        source = json.loads((REFERENCE_DIR / name).read_text())["source"]
        assert source
    assert "UU 23/2014" in json.loads((REFERENCE_DIR / "urusan.json").read_text())["source"]
    assert "Permendagri 90/2019" in (REFERENCE_DIR / "README.md").read_text()
