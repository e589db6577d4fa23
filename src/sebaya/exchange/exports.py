"""Exports of practices, adoptions and indicators (CSV, XLSX, JSON) with a datapackage.json.

The practice and indicator files use the importers' own column names, so an export re-imports
to the same data. `datapackage.json` follows the Frictionless Data Package (tabular) profile:
fields and their types, the licence, and the sources.
"""

from __future__ import annotations

import datetime
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

import sebaya
from sebaya.exchange.policies import exchange_policy
from sebaya.exchange.spreadsheet import write_csv, write_json, write_xlsx
from sebaya.innovations.models import Innovation, Link, PublicationStatus
from sebaya.learning.models import Adoption
from sebaya.regions.models import Observation, RegionLevel

DATASETS = ("practices", "adoptions", "indicators")
FORMATS = ("csv", "xlsx", "json")
MEDIATYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# A practice written on the site has no source data set; its export names Sebaya as the source
# and its slug as the id, so a re-import finds it again.
SITE_SOURCE = "sebaya"
# The region codes and names come from idn-area-data under ODbL 1.0, whose share-alike term
# covers databases derived from it; the export is licensed the same way.
LICENSES = [
    {
        "name": "ODbL-1.0",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
        "title": "Open Data Commons Open Database License 1.0",
    }
]
REGION_SOURCE = {
    "title": "idn-area-data 4.0.1: kode dan nama wilayah Kemendagri (Fityan Nugroho, ODbL 1.0)",
    "path": "https://github.com/fityannugroho/idn-area-data",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string, integer, number, date, datetime
    description: str
    format: str | None = None


@dataclass
class Table:
    name: str
    title: str
    description: str
    fields: list[Field]
    rows: Callable[[], Iterator[Sequence[Any]]]
    primary_key: list[str] = field(default_factory=list)
    sources: Callable[[], list[dict[str, str]]] = lambda: []


@dataclass
class ExportResult:
    directory: Path
    files: list[Path]
    rows: dict[str, int]


PRACTICE_FIELDS = [
    Field(
        "id", "string", "ID rekaman di kumpulan datanya (slug untuk praktik yang ditulis di Sebaya)"
    ),
    Field("source", "string", "Kumpulan data asal rekaman"),
    Field("title", "string", "Nama inovasi / praktik"),
    Field("region_code", "string", "Kode wilayah Kemendagri pemda asal"),
    Field("region_name", "string", "Nama pemda asal"),
    Field("region_province", "string", "Provinsi pemda asal"),
    Field("year", "integer", "Tahun mulai atau tahun penghargaan"),
    Field("sector", "string", "Sektor menurut kumpulan data asal"),
    Field("stage", "string", "Tahapan: inisiatif, uji_coba, penerapan"),
    Field("jenis", "string", "Jenis: digital, non_digital"),
    Field("bentuk", "string", "Bentuk: tata_kelola, pelayanan_publik, lainnya"),
    Field("inisiator", "string", "Inisiator: kepala_daerah, dprd, opd, asn, masyarakat"),
    Field("urusan", "string", "Kode urusan pemerintahan (Permendagri 90/2019), dipisah ;"),
    Field("themes", "string", "Tema Sebaya (slug), dipisah ;"),
    Field("summary_id", "string", "Ringkasan (bahasa Indonesia)"),
    Field("source_url", "string", "Sumber utama", "uri"),
    Field("more_sources", "string", "Sumber lain, dipisah spasi"),
    Field("slug", "string", "Alamat halaman praktik di Sebaya (/praktik/<slug>/)"),
    Field("status", "string", "Status terbit: draft atau published"),
    Field("updated_at", "datetime", "Terakhir diubah"),
]
ADOPTION_FIELDS = [
    Field("practice_source", "string", "Kumpulan data praktik yang diadopsi"),
    Field("practice_id", "string", "ID praktik di kumpulan datanya"),
    Field("practice_slug", "string", "Slug praktik di Sebaya"),
    Field("practice_title", "string", "Judul praktik"),
    Field("region_code", "string", "Kode wilayah Kemendagri daerah pengadopsi"),
    Field("region_name", "string", "Nama daerah pengadopsi"),
    Field("organisation", "string", "Organisasi pengadopsi"),
    Field("stage", "string", "Tahap adopsi (minat ... evaluasi, berhenti)"),
    Field("stage_changed_on", "date", "Tanggal tahap terakhir berubah"),
    Field("stopped_reason", "string", "Alasan berhenti"),
    Field("source_url", "string", "Sumber", "uri"),
    Field("source_note", "string", "Catatan sumber"),
    Field("updated_at", "datetime", "Terakhir diubah"),
]
INDICATOR_FIELDS = [
    Field("region_code", "string", "Kode wilayah Kemendagri (ID untuk Indonesia)"),
    Field("region_name", "string", "Nama wilayah"),
    Field("region_level", "string", "Tingkat: country, province, regency, city"),
    Field("indicator", "string", "Kode indikator"),
    Field("period", "string", "Periode: TTTT atau TTTT-BB"),
    Field("value", "number", "Nilai"),
    Field("unit", "string", "Satuan (percent = persen)"),
    Field("source_url", "string", "Sumber angka", "uri"),
    Field("note", "string", "Catatan, termasuk patahan seri"),
    Field("series", "string", "ya: nilai ini memulai seri baru (patahan seri); tidak: seri sama"),
]


def _practices(user: Any | None) -> QuerySet[Innovation]:
    qs = Innovation.objects.all()
    if user is not None and not exchange_policy.can_export_drafts(user):
        qs = qs.filter(status=PublicationStatus.PUBLISHED)
    return (
        qs.select_related("region__parent")
        .prefetch_related(
            "themes",
            "urusan",
            Prefetch("links", queryset=Link.objects.order_by("position", "pk")),
        )
        .order_by("source", "external_id", "slug")
    )


def _province_name(region: Any) -> str:
    if region.level == RegionLevel.PROVINCE:
        return str(region.name)
    parent = region.parent
    return str(parent.name) if parent is not None and parent.level == RegionLevel.PROVINCE else ""


def practice_rows(user: Any | None = None) -> Iterator[list[Any]]:
    for p in _practices(user).iterator(chunk_size=500):
        urls = [link.url for link in p.links.all()]
        yield [
            p.external_id or p.slug,
            p.source if p.external_id else (p.source or SITE_SOURCE),
            p.title,
            p.region.code,
            p.region.name,
            _province_name(p.region),
            p.year,
            p.sector,
            p.stage,
            p.jenis,
            p.bentuk,
            p.inisiator,
            "; ".join(sorted(u.code for u in p.urusan.all())),
            "; ".join(sorted(t.slug for t in p.themes.all())),
            p.summary,
            urls[0] if urls else "",
            " ".join(urls[1:]),
            p.slug,
            p.status,
            p.updated_at,
        ]


def _practice_sources(user: Any | None) -> list[dict[str, str]]:
    names = sorted(set(_practices(user).values_list("source", flat=True)))
    return [REGION_SOURCE] + [
        {"title": f"Kumpulan data praktik “{name or SITE_SOURCE}” (sumber per rekaman: source_url)"}
        for name in names
    ]


def adoption_rows(user: Any | None = None) -> Iterator[list[Any]]:
    visible = _practices(user).values("pk")
    adoptions = (
        Adoption.objects.filter(innovation__in=visible)
        .select_related("innovation", "region", "organisation")
        .order_by(
            "innovation__source", "innovation__external_id", "innovation__slug", "region__code"
        )
    )
    for a in adoptions.iterator(chunk_size=500):
        practice = a.innovation
        yield [
            practice.source if practice.external_id else (practice.source or SITE_SOURCE),
            practice.external_id or practice.slug,
            practice.slug,
            practice.title,
            a.region.code,
            a.region.name,
            a.organisation.name if a.organisation else "",
            a.stage,
            a.stage_changed_on,
            a.stopped_reason,
            a.source_url,
            a.source_note,
            a.updated_at,
        ]


def _observations() -> QuerySet[Observation]:
    return Observation.objects.select_related("region", "indicator").order_by(
        "indicator__slug", "region__code", "period_start", "source_url"
    )


def indicator_rows(user: Any | None = None) -> Iterator[list[Any]]:
    for o in _observations().iterator(chunk_size=1000):
        yield [
            o.region.code,
            o.region.name,
            o.region.level,
            o.indicator.slug,
            o.period,
            o.value,
            o.unit,
            o.source_url,
            o.note,
            "ya" if o.series_break else "tidak",
        ]


def _indicator_sources() -> list[dict[str, str]]:
    urls = sorted(set(Observation.objects.values_list("source_url", flat=True)))
    return [REGION_SOURCE] + [{"title": url, "path": url} for url in urls]


def tables(user: Any | None = None) -> dict[str, Table]:
    return {
        "practices": Table(
            name="practices",
            title="Praktik baik pemerintah daerah",
            description=(
                "Praktik baik (inovasi daerah) di katalog Sebaya, satu baris per praktik, "
                "dengan kolom yang sama dengan impor (`sebaya import innovations`)."
            ),
            fields=PRACTICE_FIELDS,
            rows=lambda: practice_rows(user),
            primary_key=["source", "id"],
            sources=lambda: _practice_sources(user),
        ),
        "adoptions": Table(
            name="adoptions",
            title="Adopsi praktik oleh daerah lain",
            description="Satu baris per daerah yang mereplikasi satu praktik, dengan tahapnya.",
            fields=ADOPTION_FIELDS,
            rows=lambda: adoption_rows(user),
            primary_key=["practice_source", "practice_id", "region_code"],
            sources=lambda: [REGION_SOURCE],
        ),
        "indicators": Table(
            name="indicators",
            title="Indikator kemiskinan per wilayah dan periode",
            description=(
                "Observasi indikator (format panjang), masing-masing dengan sumber dan periodenya; "
                "kolom `series` menandai patahan seri."
            ),
            fields=INDICATOR_FIELDS,
            rows=lambda: indicator_rows(user),
            primary_key=["region_code", "indicator", "period", "source_url"],
            sources=_indicator_sources,
        ),
    }


def _resource(table: Table, path: str, fmt: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": table.name,
        "path": path,
        "profile": "tabular-data-resource",
        "title": table.title,
        "description": table.description,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "schema": {
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "description": f.description,
                    **({"format": f.format} if f.format else {}),
                }
                for f in table.fields
            ],
            "primaryKey": table.primary_key,
            "missingValues": [""],
        },
        "sources": table.sources(),
        "licenses": LICENSES,
    }
    if fmt == "csv":
        resource["encoding"] = "utf-8"
        resource["dialect"] = {"delimiter": ",", "header": True, "doubleQuote": True}
    return resource


def write_datapackage(directory: Path, resources: list[dict[str, Any]]) -> Path:
    """Write (or update) directory/datapackage.json with these resources, others kept."""
    path = directory / "datapackage.json"
    existing: list[dict[str, Any]] = []
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8")).get("resources", [])
        except (ValueError, AttributeError):
            existing = []
    names = {r["name"] for r in resources}
    kept = [r for r in existing if isinstance(r, dict) and r.get("name") not in names]
    package = {
        "profile": "tabular-data-package",
        "name": "sebaya-export",
        "title": "Sebaya: praktik baik, adopsi dan indikator kemiskinan daerah",
        "description": (
            "Ekspor dari Sebaya, platform belajar antardaerah. Hanya data agregat; setiap "
            "praktik dan angka disertai sumbernya."
        ),
        "version": sebaya.__version__,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": LICENSES,
        "sources": [REGION_SOURCE],
        "contributors": [{"title": "Sebaya", "role": "publisher"}],
        "resources": sorted([*kept, *resources], key=lambda r: str(r.get("name"))),
    }
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}


def export_datasets(
    *, datasets: Sequence[str], fmt: str, out: Path, user: Any | None = None
) -> ExportResult:
    """Write each dataset as out/<name>.<fmt> and describe them in out/datapackage.json.

    `user=None` is the command line (everything); a person gets what they may see.
    """
    unknown = [d for d in datasets if d not in DATASETS]
    if unknown or fmt not in FORMATS:
        raise ValueError(f"unknown dataset or format: {unknown or fmt}")
    out.mkdir(parents=True, exist_ok=True)
    available = tables(user)
    files: list[Path] = []
    counts: dict[str, int] = {}
    resources = []
    for name in datasets:
        table = available[name]
        path = out / f"{name}.{fmt}"
        header = [f.name for f in table.fields]
        writer = WRITERS[fmt]
        if fmt == "xlsx":
            counts[name] = write_xlsx(path, header, table.rows(), title=name)
        else:
            counts[name] = writer(path, header, table.rows())
        files.append(path)
        resources.append(_resource(table, path.name, fmt))
    files.append(write_datapackage(out, resources))
    return ExportResult(directory=out, files=files, rows=counts)


def export_zip(*, datasets: Sequence[str], fmt: str, user: Any | None = None) -> bytes:
    """The export as one ZIP (data files and datapackage.json), for a download."""
    with tempfile.TemporaryDirectory(prefix="sebaya-export-") as tmp:
        result = export_datasets(datasets=datasets, fmt=fmt, out=Path(tmp), user=user)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in result.files:
                archive.write(path, arcname=path.name)
        return buffer.getvalue()


def export_filename(datasets: Sequence[str], fmt: str) -> str:
    stamp = datetime.date.today().isoformat()
    return f"sebaya-{'-'.join(datasets)}-{fmt}-{stamp}.zip"
