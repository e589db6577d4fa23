"""The practice pipeline: a 1,000-row file with bad rows, dry runs, duplicates and merges."""

import pytest

from sebaya.exchange.models import MergedRecord
from sebaya.innovations.importers import import_innovations
from sebaya.innovations.models import Innovation, Link
from tests.accounts.factories import CuratorFactory
from tests.exchange.conftest import ID_HEADER, id_row, write_xlsx
from tests.innovations.factories import InnovationFactory

pytestmark = pytest.mark.django_db

KOTA = [
    "Kota Bandung",
    "Kabupaten Sragen",
    "Kota Yogyakarta",
    "Kabupaten Bantaeng",
    "Kota Surabaya",
]


def thousand_rows(bad=()):
    rows = []
    for n in range(1, 1001):
        changes = {"Pemda": KOTA[n % len(KOTA)], "Provinsi": ""}
        if n in bad:
            changes.update(bad[n])
        rows.append(id_row(n, **changes))
    return rows


def test_thousand_row_xlsx_with_bad_rows_reports_each_and_writes_nothing(regions, tmp_path):
    bad = {
        17: {"Pemda": "Kabupaten Antah Berantah"},
        250: {"Tahun": "dua ribu"},
        511: {"Sumber": "bukan-tautan"},
        999: {"Nama Inovasi": ""},
    }
    path = write_xlsx(tmp_path / "seribu.xlsx", ID_HEADER, thousand_rows(bad))
    seen = []
    report = import_innovations(
        path=path, source="uji", user=CuratorFactory(), progress=lambda *a: seen.append(a)
    )
    # Line 1 is the header: row n is on line n + 1.
    assert [(e.line, e.field) for e in report.errors] == [
        (18, "region_name"),
        (251, "year"),
        (512, "source_url"),
        (1000, "title"),
    ]
    assert report.rows == 1000
    assert not report.written
    assert not Innovation.objects.exists()
    assert not Link.objects.exists()
    assert seen[-1] == ("check", 1000, 1000)


def test_thousand_rows_with_skip_invalid_write_the_rest(regions, tmp_path):
    path = write_xlsx(tmp_path / "seribu.xlsx", ID_HEADER, thousand_rows({3: {"Tahun": 1800}}))
    seen = []
    report = import_innovations(
        path=path, source="uji", skip_invalid=True, progress=lambda *a: seen.append(a)
    )
    assert report.failed_lines == [4]
    assert len(report.created) == 999
    assert Innovation.objects.count() == 999
    assert ("write", 999, 999) in seen


def test_dry_run_writes_nothing_but_counts_exactly(regions, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", ID_HEADER, [id_row(1), id_row(2)])
    import_innovations(path=write_xlsx(tmp_path / "b.xlsx", ID_HEADER, [id_row(1)]), source="a")
    report = import_innovations(path=path, source="a", dry_run=True)
    assert (len(report.created), len(report.unchanged)) == (1, 1)
    assert not report.written
    assert Innovation.objects.count() == 1
    assert not MergedRecord.objects.exists()


def _stored(regions_code="33.14", title="Unit Pelayanan Terpadu Penanggulangan Kemiskinan"):
    from sebaya.regions.models import Region

    practice = InnovationFactory(
        region=Region.objects.get(code=regions_code), title=title, summary="", year=None
    )
    return practice


def test_likely_duplicates_are_flagged_with_candidates(regions, tmp_path):
    stored = _stored()
    path = write_xlsx(
        tmp_path / "a.xlsx",
        ID_HEADER,
        [
            id_row(
                1, **{"Nama Inovasi": "Unit Pelayanan Terpadu Penanggulangan Kemiskinan (UPTPK)"}
            ),
            id_row(2, **{"Nama Inovasi": "unit pelayanan terpadu penanggulangan kemiskinan"}),
            # Same title, other region: not a duplicate.
            id_row(3, **{"Nama Inovasi": stored.title, "Pemda": "Kota Bandung", "Provinsi": ""}),
            id_row(4, **{"Nama Inovasi": "Sesuatu yang lain sama sekali"}),
        ],
    )
    report = import_innovations(path=path, source="a", dry_run=True)
    assert [d.line for d in report.duplicates] == [2, 3]
    assert report.duplicates[1].candidates[0].pk == stored.pk
    assert report.duplicates[1].candidates[0].score == 1.0
    assert report.duplicates[0].candidates[0].score >= 0.85


def test_merge_skip_and_create_decisions(regions, tmp_path):
    stored = _stored()
    title = "unit pelayanan terpadu penanggulangan kemiskinan"
    rows = [id_row(n, **{"Nama Inovasi": f"{title} {'x' * (n - 1)}"}) for n in (1, 2, 3)]
    path = write_xlsx(tmp_path / "a.xlsx", ID_HEADER, rows)
    report = import_innovations(
        path=path, source="a", decisions={2: f"merge:{stored.pk}", 3: "skip", 4: "create"}
    )
    assert report.written
    assert (len(report.merged), len(report.skipped), len(report.created)) == (1, 1, 1)
    stored.refresh_from_db()
    # Merging fills what the stored practice lacked and adds the source; its title stays.
    assert stored.title == "Unit Pelayanan Terpadu Penanggulangan Kemiskinan"
    assert stored.year == 2021 and stored.stage == "penerapan"
    assert stored.links.filter(url="https://example.org/inovasi/1").exists()
    assert MergedRecord.objects.get().innovation == stored
    assert Innovation.objects.count() == 2

    # Re-importing the same file: the merged row merges again (unchanged), nothing doubles.
    again = import_innovations(path=path, source="a", decisions={3: "skip"})
    assert again.merged == report.merged
    assert not again.created
    assert Innovation.objects.count() == 2


def test_default_duplicate_policy_merge_takes_the_closest(regions, tmp_path):
    stored = _stored()
    path = write_xlsx(tmp_path / "a.xlsx", ID_HEADER, [id_row(1, **{"Nama Inovasi": stored.title})])
    report = import_innovations(path=path, duplicates="merge")
    assert report.merged and not report.created
    assert Innovation.objects.count() == 1
