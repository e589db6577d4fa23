"""Exports re-import to the same data; formulas are neutralised; datapackage.json is complete."""

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sebaya.exchange.exports import DATASETS, export_datasets, export_zip
from sebaya.exchange.indicators import import_indicator_file
from sebaya.exchange.spreadsheet import neutralise
from sebaya.innovations.demo import SAMPLE_PATH
from sebaya.innovations.importers import import_innovations
from sebaya.innovations.models import Innovation, PublicationStatus
from sebaya.learning.models import Adoption
from sebaya.regions.indicators import import_indicators_file
from sebaya.regions.models import Observation
from tests.accounts.factories import UserFactory
from tests.exchange.conftest import write_jsonl
from tests.learning.factories import AdoptionFactory

pytestmark = pytest.mark.django_db

POVERTY_CSV = Path(__file__).resolve().parents[2] / "src/sebaya/data/poverty-indicators.csv"

HOSTILE = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def practice_state():
    """Everything an import owns, per practice, comparable across databases."""
    return sorted(
        (
            p.source,
            p.external_id,
            p.title,
            p.region.code,
            p.year,
            p.sector,
            p.stage,
            p.jenis,
            p.bentuk,
            p.inisiator,
            p.summary,
            tuple(sorted(u.code for u in p.urusan.all())),
            tuple(sorted(t.slug for t in p.themes.all())),
            tuple(link.url for link in p.links.order_by("position", "pk")),
        )
        for p in Innovation.objects.select_related("region")
    )


def observation_state():
    return sorted(
        (
            o.region.code,
            o.indicator.slug,
            o.period,
            o.value,
            o.unit,
            o.source_url,
            o.note,
            o.series_break,
        )
        for o in Observation.objects.select_related("region", "indicator")
    )


@pytest.fixture
def catalogue(regions, tmp_path):
    import_innovations(path=SAMPLE_PATH, source="sebaya-sample")
    # Text that a spreadsheet would run as a formula, as it comes in a JSON Lines file.
    records = [
        {
            "Nama Inovasi": f"{value} {n}",
            "Pemda": "Kabupaten Sragen",
            "Tahapan": "Uji coba",
            "Urusan": "1.06; Kesehatan",
            "Ringkasan": f"-{n} ringkasan",
            "Sumber": f"https://example.org/{n}",
        }
        for n, value in enumerate(HOSTILE, start=1)
    ]
    hostile = import_innovations(path=write_jsonl(tmp_path / "iid.jsonl", records), source="iid")
    assert hostile.ok, hostile.errors
    import_indicators_file(path=POVERTY_CSV)
    return practice_state()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_then_import_gives_the_same_data(catalogue, tmp_path, fmt):
    before, observations = catalogue, observation_state()
    result = export_datasets(datasets=["practices", "indicators"], fmt=fmt, out=tmp_path / "out")
    assert result.rows["practices"] == 26

    # The same database: every row is found again and nothing changes.
    again = import_innovations(path=tmp_path / "out" / f"practices.{fmt}")
    assert again.ok, again.errors
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 26)

    # An empty database: the import rebuilds the same practices and observations.
    Innovation.objects.all().delete()
    Observation.objects.all().delete()
    report = import_innovations(path=tmp_path / "out" / f"practices.{fmt}")
    assert report.ok, report.errors
    assert practice_state() == before
    if fmt != "json":
        indicators = import_indicator_file(path=tmp_path / "out" / f"indicators.{fmt}")
        assert indicators.ok, indicators.errors
        assert observation_state() == observations


def test_practices_written_on_the_site_fold_back_into_themselves(regions, tmp_path):
    import_innovations(path=SAMPLE_PATH, source="sebaya-sample")
    # A practice written on the site has no source or external id.
    Innovation.objects.filter(external_id="sragen-uptpk").update(source="", external_id="")
    export_datasets(datasets=["practices"], fmt="csv", out=tmp_path)
    report = import_innovations(path=tmp_path / "practices.csv")
    assert report.ok, report.errors
    assert not report.created
    assert Innovation.objects.count() == 20


def test_formula_cells_are_neutralised_in_csv_and_xlsx(catalogue, tmp_path):
    for value in HOSTILE:
        assert neutralise(value) == "'" + value
    assert neutralise("Kartu Sakti") == "Kartu Sakti"
    assert neutralise(-5) == -5

    # Imports strip leading white space; a record written otherwise may still hold it.
    Innovation.objects.filter(title="Tab 5").update(title="\tTab 5")
    Innovation.objects.filter(title="CR 6").update(title="\rCR 6")
    export_datasets(datasets=["practices"], fmt="csv", out=tmp_path / "csv")
    with (tmp_path / "csv" / "practices.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    titles = [row["title"] for row in rows]
    for n, value in enumerate(HOSTILE, start=1):
        assert "'" + f"{value} {n}" in titles
    assert "'-1 ringkasan" in [row["summary_id"] for row in rows]

    export_datasets(datasets=["practices"], fmt="xlsx", out=tmp_path / "xlsx")
    sheet = load_workbook(tmp_path / "xlsx" / "practices.xlsx").worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@")) for cell in cells
    )


ALLOWED_TYPES = {"string", "integer", "number", "date", "datetime", "boolean"}


def check_datapackage(directory):
    """The parts of the Frictionless Data Package and Table Schema specs a reader relies on."""
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert package["name"] == package["name"].lower() and " " not in package["name"]
    for licence in package["licenses"]:
        assert licence["name"] and licence["path"].startswith("https://")
    assert package["sources"] and all(s["title"] for s in package["sources"])
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names))
    for resource in package["resources"]:
        assert resource["profile"] == "tabular-data-resource"
        path = directory / resource["path"]
        assert path.is_file()
        fields = resource["schema"]["fields"]
        assert all(f["type"] in ALLOWED_TYPES and f["name"] and f["description"] for f in fields)
        assert set(resource["schema"]["primaryKey"]) <= {f["name"] for f in fields}
        assert resource["sources"] and resource["licenses"]
        header = _header(path, resource["format"])
        assert header == [f["name"] for f in fields], resource["name"]
        _check_types(path, resource["format"], fields)
    return package


def _header(path, fmt):
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh))
    if fmt == "xlsx":
        sheet = load_workbook(path, read_only=True).worksheets[0]
        return [c for c in next(sheet.iter_rows(values_only=True))]
    records = json.loads(path.read_text(encoding="utf-8"))
    return list(records[0]) if records else None


def _check_types(path, fmt, fields):
    if fmt != "csv":
        return
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for f in fields:
                value = row[f["name"]]
                if value == "":
                    continue
                if f["type"] == "integer":
                    int(value)
                elif f["type"] == "number":
                    Decimal(value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_datapackage_describes_every_file(catalogue, tmp_path, fmt):
    AdoptionFactory(innovation=Innovation.objects.first())
    call_command("export", *DATASETS, "--format", fmt, "--out", str(tmp_path))
    package = check_datapackage(tmp_path)
    assert {r["name"] for r in package["resources"]} == set(DATASETS)
    indicators = next(r for r in package["resources"] if r["name"] == "indicators")
    assert any(s.get("path", "").startswith("https://www.sonora.id") for s in indicators["sources"])


def test_exporting_another_dataset_keeps_the_first_in_the_package(catalogue, tmp_path):
    export_datasets(datasets=["practices"], fmt="csv", out=tmp_path)
    export_datasets(datasets=["indicators"], fmt="csv", out=tmp_path)
    package = check_datapackage(tmp_path)
    assert {r["name"] for r in package["resources"]} == {"practices", "indicators"}


def test_anonymous_export_holds_published_practices_only(catalogue, tmp_path):
    import io
    import zipfile

    Innovation.objects.filter(external_id="sragen-uptpk").update(status=PublicationStatus.DRAFT)
    AdoptionFactory(innovation=Innovation.objects.get(external_id="sragen-uptpk"))
    from django.contrib.auth.models import AnonymousUser

    for user, expected in ((AnonymousUser(), 25), (UserFactory(), 25), (None, 26)):
        archive = zipfile.ZipFile(
            io.BytesIO(export_zip(datasets=["practices", "adoptions"], fmt="json", user=user))
        )
        practices = json.loads(archive.read("practices.json"))
        adoptions = json.loads(archive.read("adoptions.json"))
        assert len(practices) == expected
        assert len(adoptions) == (1 if user is None else 0)
    assert Adoption.objects.count() == 1
