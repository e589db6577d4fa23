"""The bulk path of the practice import: new practices in bulk, unchanged rows left alone."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sebaya.history.models import ChangeRecord
from sebaya.innovations.importers import import_innovations
from sebaya.innovations.models import Innovation, Link, PublicationStatus, Theme, Urusan
from sebaya.innovations.reference import load_reference_data
from sebaya.innovations.services import (
    NewPractice,
    bulk_unique_slugs,
    innovations_bulk_create_from_import,
    unique_slug,
)
from sebaya.regions.models import Region
from sebaya.search.indexing import index_innovations
from sebaya.search.models import Embedding, SearchDocument
from tests.accounts.factories import CuratorFactory
from tests.exchange.conftest import write_xlsx
from tests.innovations.factories import InnovationFactory

pytestmark = pytest.mark.django_db
# Tests that need the commit (the search index follows it) use real transactions.
committing = pytest.mark.django_db(transaction=True)

HEADER = [
    "ID Inovasi",
    "Nama Inovasi",
    "Pemda",
    "Provinsi",
    "Tahun",
    "Tahapan",
    "Jenis",
    "Bentuk",
    "Urusan",
    "Tema",
    "Sektor",
    "Ringkasan",
    "Sumber",
    "Sumber Lain",
]
PEMDA = ["Kota Bandung", "Kabupaten Sragen", "Kota Yogyakarta", "Kabupaten Bantaeng"]
WORDS = ["posyandu", "lumbung", "sampah", "jamban", "beasiswa", "irigasi", "pasar", "perpustakaan"]


def row(n, **changes):
    values = {
        "ID Inovasi": f"b-{n}",
        "Nama Inovasi": f"Gerakan {WORDS[n % len(WORDS)].title()} Warga Nomor {n}",
        "Pemda": PEMDA[n % len(PEMDA)],
        "Provinsi": "",
        "Tahun": 2015 + n % 8,
        "Tahapan": "Penerapan",
        "Jenis": "Digital" if n % 2 else "Non Digital",
        "Bentuk": "Inovasi Pelayanan Publik",
        "Urusan": "Kesehatan",
        "Tema": "pendataan-sasaran",
        "Sektor": "poverty_reduction",
        "Ringkasan": f"Ringkasan praktik nomor {n} tentang {WORDS[n % len(WORDS)]} desa.",
        "Sumber": f"https://example.org/bulk/{n}",
        "Sumber Lain": f"https://example.org/bulk/{n}/berita",
    }
    values.update(changes)
    return [values[h] for h in HEADER]


def xlsx(tmp_path, rows, name="bulk.xlsx"):
    return write_xlsx(tmp_path / name, HEADER, rows)


def test_new_practices_get_every_part_the_per_row_service_gives(regions, tmp_path):
    curator = CuratorFactory()
    seen = []
    facts = []
    report = import_innovations(
        path=xlsx(tmp_path, [row(n) for n in range(1, 31)]),
        source="uji",
        user=curator,
        progress=lambda *a: seen.append(a),
        on_facts=facts.extend,
    )
    assert report.ok and report.written
    assert report.created == [f"b-{n}" for n in range(1, 31)]
    assert Innovation.objects.count() == 30
    practice = Innovation.objects.get(external_id="b-7")
    assert practice.source == "uji"
    assert practice.title == "Gerakan Perpustakaan Warga Nomor 7"
    assert practice.slug == "gerakan-perpustakaan-warga-nomor-7"
    assert practice.region == Region.objects.get(name="Kabupaten Bantaeng")
    assert (practice.year, practice.stage, practice.jenis) == (2022, "penerapan", "digital")
    assert practice.bentuk and practice.sector == "poverty_reduction"
    assert practice.summary.startswith("Ringkasan praktik nomor 7")
    assert practice.status == PublicationStatus.PUBLISHED and practice.published_at
    assert practice.created_by == curator
    assert practice.created_at and practice.updated_at
    # Themes: the file's own and the sector's (deduplicated); urusan likewise.
    assert sorted(practice.themes.values_list("slug", flat=True)) == [
        "kolaborasi-kemitraan",
        "pendataan-sasaran",
        "perlindungan-sosial",
    ]
    assert sorted(practice.urusan.values_list("code", flat=True)) == ["1.02", "1.06"]
    assert list(practice.links.values_list("url", "kind", "position")) == [
        ("https://example.org/bulk/7", "source", 0),
        ("https://example.org/bulk/7/berita", "source", 1),
    ]
    assert Link.objects.count() == 60
    # Progress moves forward and ends at the last row of each stage.
    writes = [done for stage, done, _total in seen if stage == "write"]
    assert writes == sorted(writes) and writes[-1] == 30
    # One fact per created practice, with its id and the fields written (for a history write).
    assert [f.object_id for f in facts] == list(
        Innovation.objects.order_by("pk").values_list("pk", flat=True)
    )
    fact = next(f for f in facts if f.object_id == practice.pk)
    assert fact.action == "created"
    assert fact.fields["title"] == practice.title and fact.fields["slug"] == practice.slug
    assert fact.fields["links"] == [
        "https://example.org/bulk/7",
        "https://example.org/bulk/7/berita",
    ]


@committing
def test_bulk_imported_practices_are_in_the_search_index_at_once(regions, tmp_path, capsys):
    rows = [row(n) for n in range(1, 6)]
    rows.append(row(6, **{"Nama Inovasi": "Lumbung Pangan Kelurahan Sriwedari"}))
    import_innovations(path=xlsx(tmp_path, rows), source="uji")
    ids = set(Innovation.objects.values_list("pk", flat=True))
    assert set(SearchDocument.objects.values_list("pk", flat=True)) == ids
    # Vectors come from one background task for the batch (run inline by the test settings).
    assert set(Embedding.objects.values_list("pk", flat=True)) == ids
    # The documents built from the records in hand are those a full re-read builds.
    assert index_innovations(ids) == []
    call_command("search", "lumbung", "pangan", "sriwedari", "--mode", "lexical")
    out = capsys.readouterr().out
    # The first result (after the count and the column headings).
    assert "Lumbung Pangan Kelurahan Sriwedari" in out.splitlines()[2]


def test_slugs_are_unique_within_the_file_and_against_the_database(regions, tmp_path):
    InnovationFactory(title="Kota Sehat", slug="kota-sehat")
    InnovationFactory(title="Kota Sehat 3", slug="kota-sehat-3")
    titles = ["Kota Sehat", "Kota Sehat", "kota sehat!", "Kota Sehat 2", "Baru", "Kelola", "???"]
    rows = [
        row(n, **{"Nama Inovasi": title, "Pemda": "Kota Surabaya"})
        for n, title in enumerate(titles, start=1)
    ]
    report = import_innovations(path=xlsx(tmp_path, rows), source="uji")
    assert len(report.created) == len(titles)
    slugs = dict(Innovation.objects.filter(source="uji").values_list("external_id", "slug"))
    assert [slugs[f"b-{n}"] for n in range(1, len(titles) + 1)] == [
        "kota-sehat-2",
        "kota-sehat-4",
        "kota-sehat-5",
        "kota-sehat-2-2",
        "baru-2",  # reserved paths of the practice pages
        "kelola-2",
        "praktik",
    ]


def test_bulk_slugs_match_creating_one_after_the_other(regions):
    InnovationFactory(title="Pasar Rakyat", slug="pasar-rakyat")
    InnovationFactory(title="Pasar Rakyat", slug="pasar-rakyat-2")
    InnovationFactory(title="Pasar", slug="pasar-rakyat-x")
    titles = ["Pasar Rakyat", "Pasar Rakyat 2", "Pasar Rakyat", "Pasar", "x" * 200, "x" * 201]
    bulk = bulk_unique_slugs(titles)
    one_by_one = []
    with transaction.atomic():
        for title in titles:
            slug = unique_slug(title)
            InnovationFactory(title=title, slug=slug)
            one_by_one.append(slug)
        transaction.set_rollback(True)
    assert bulk == one_by_one
    assert len(set(bulk)) == len(bulk)


@committing
def test_unchanged_reimport_writes_nothing(regions, tmp_path):
    path = xlsx(tmp_path, [row(n) for n in range(1, 41)])
    import_innovations(path=path, source="uji")
    before = dict(Innovation.objects.values_list("pk", "updated_at"))
    indexed = dict(SearchDocument.objects.values_list("pk", "indexed_at"))
    with CaptureQueriesContext(connection) as queries:
        again = import_innovations(path=path, source="uji")
    assert len(again.unchanged) == 40 and not (again.created or again.updated)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and "innovations_" in q["sql"]
    ]
    assert writes == []
    assert dict(Innovation.objects.values_list("pk", "updated_at")) == before
    assert dict(SearchDocument.objects.values_list("pk", "indexed_at")) == indexed

    # The recognition costs the same number of queries for twice the rows.
    path_80 = xlsx(tmp_path, [row(n) for n in range(1, 81)], name="bulk80.xlsx")
    import_innovations(path=path_80, source="uji")
    with CaptureQueriesContext(connection) as twice:
        again = import_innovations(path=path_80, source="uji")
    assert len(again.unchanged) == 80
    assert len(twice.captured_queries) == len(queries.captured_queries)


def test_changed_rows_go_through_the_service_and_the_rest_stay(regions, tmp_path):
    path = xlsx(tmp_path, [row(n) for n in range(1, 11)])
    import_innovations(path=path, source="uji")
    stored = Innovation.objects.get(external_id="b-3")
    curated = Theme.objects.get(slug="kesehatan")
    stored.themes.add(curated)  # a curator's addition survives a re-import
    rows = [row(n) for n in range(1, 11)]
    rows[2] = row(3, **{"Ringkasan": "Ringkasan baru."})
    rows[4] = row(5, **{"Sumber Lain": "https://example.org/bulk/5/dokumen"})
    rows.append(row(11))
    report = import_innovations(path=xlsx(tmp_path, rows, name="b.xlsx"), source="uji")
    assert report.updated == ["b-3", "b-5"]
    assert report.created == ["b-11"]
    assert len(report.unchanged) == 8
    stored.refresh_from_db()
    assert stored.summary == "Ringkasan baru."
    assert curated in stored.themes.all()
    assert Innovation.objects.get(external_id="b-5").links.count() == 3


@committing
def test_a_row_failing_late_rolls_back_the_whole_import(regions, tmp_path):
    rows = [row(n) for n in range(1, 51)]
    # The reader accepts any title; the practice's own validation refuses 300+ characters.
    rows.append(row(51, **{"Nama Inovasi": "Panjang " * 50}))
    report = import_innovations(path=xlsx(tmp_path, rows), source="uji")
    assert [(e.line, e.field) for e in report.errors] == [(52, "title")]
    assert not report.written
    assert not Innovation.objects.exists()
    assert not Link.objects.exists()
    assert not Innovation.themes.through.objects.exists()
    assert not SearchDocument.objects.exists()
    assert not ChangeRecord.objects.exists()

    # With --skip-invalid the other fifty are written, each with its history entry.
    report = import_innovations(path=xlsx(tmp_path, rows), source="uji", skip_invalid=True)
    assert report.written and len(report.created) == 50
    assert report.failed_lines == [52]
    assert SearchDocument.objects.count() == 50
    records = ChangeRecord.objects.filter(model="innovations.innovation", action="create")
    assert records.count() == 50 and set(records.values_list("note", flat=True)) == {"import"}
    first = Innovation.objects.get(external_id="b-1")
    record = records.get(object_id=str(first.pk))
    assert record.after["title"] == first.title and record.after["slug"] == first.slug
    assert record.object_repr == first.title


def test_dry_run_of_a_bulk_import_counts_and_leaves_nothing(regions, tmp_path):
    report = import_innovations(
        path=xlsx(tmp_path, [row(n) for n in range(1, 21)]), source="uji", dry_run=True
    )
    assert len(report.created) == 20 and not report.written
    assert not Innovation.objects.exists()
    assert not SearchDocument.objects.exists()


def test_bulk_service_queries_do_not_grow_with_the_rows(regions):
    load_reference_data()
    region = Region.objects.get(name="Kota Bandung")
    themes = tuple(Theme.objects.all()[:2])
    urusan = tuple(Urusan.objects.all()[:2])

    def practices(prefix, count):
        return [
            NewPractice(
                source="uji",
                external_id=f"{prefix}-{n}",
                region=region,
                title=f"Praktik {prefix} {n}",
                themes=themes,
                urusan=urusan,
                source_urls=(f"https://example.org/{prefix}/{n}",),
                classification=(("stage", "penerapan"),),
            )
            for n in range(count)
        ]

    counts = []
    for prefix, count in (("a", 20), ("b", 200)):
        with CaptureQueriesContext(connection) as queries:
            result = innovations_bulk_create_from_import(
                user=None, practices=practices(prefix, count)
            )
        assert not result.errors and all(result.innovations)
        counts.append(len(queries.captured_queries))
    # The per-row service makes over a dozen queries a row; here 180 more rows cost only the
    # extra INSERT statements the database's parameter limit splits a batch into (SQLite):
    # about one per 20 practices, and one per 50 of their change-history rows.
    assert counts[1] - counts[0] <= 180 // 20 + 180 // 50


def test_bulk_service_reports_bad_rows_and_checks_the_policy(regions):
    from django.core.exceptions import PermissionDenied

    from tests.accounts.factories import UserFactory

    region = Region.objects.get(name="Kota Bandung")
    good = NewPractice(source="uji", external_id="1", region=region, title="Baik")
    bad = NewPractice(source="uji", external_id="2", region=region, title="  ", year=1800)
    result = innovations_bulk_create_from_import(user=None, practices=[good, bad])
    assert result.innovations[0] is not None and result.innovations[1] is None
    assert set(result.errors[1].message_dict) == {"title", "year"}
    assert [f.object_id for f in result.facts] == [result.innovations[0].pk]
    with pytest.raises(PermissionDenied):
        innovations_bulk_create_from_import(user=UserFactory(), practices=[good])
