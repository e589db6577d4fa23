"""Fixtures for the exchange tests: the real regions, files written the way data sets write them."""

import json

import pytest
from openpyxl import Workbook

from sebaya.regions.loader import load_regions
from sebaya.regions.resolver import reset_resolver_cache


@pytest.fixture(autouse=True)
def _fresh_resolver_cache():
    reset_resolver_cache()
    yield
    reset_resolver_cache()


@pytest.fixture
def regions(db):
    return load_regions()


def write_xlsx(path, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, header, rows, delimiter=","):
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


# Indonesian headers as the Indeks Inovasi Daerah lists write them.
ID_HEADER = [
    "Nama Inovasi",
    "Pemda",
    "Provinsi",
    "Tahapan",
    "Urusan",
    "Jenis",
    "Bentuk",
    "Tahun",
    "Sumber",
]


def id_row(n, **changes):
    row = {
        "Nama Inovasi": f"Layanan Terpadu Uji {n}",
        "Pemda": "Kabupaten Sragen",
        "Provinsi": "Jawa Tengah",
        "Tahapan": "Penerapan",
        "Urusan": "Sosial",
        "Jenis": "Non Digital",
        "Bentuk": "Inovasi Pelayanan Publik",
        "Tahun": 2021,
        "Sumber": f"https://example.org/inovasi/{n}",
    }
    row.update(changes)
    return [row[h] for h in ID_HEADER]
