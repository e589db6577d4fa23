"""Pieces every importer shares: row errors, header normalisation, the person-level data rule."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# Data rule: aggregate statistics only. A header that names a person-level field (P3KE/DTKS
# style) makes the whole file unacceptable, whatever else it holds.
PERSON_LEVEL_COLUMNS = frozenset(
    {
        "nik",
        "no_nik",
        "nomor_nik",
        "no_kk",
        "nomor_kk",
        "nkk",
        "kk",
        "nama_penerima",
        "nama_kepala_keluarga",
        "nama_krt",
        "nama_kk",
        "nama_anggota",
        "nama_lengkap",
        "tanggal_lahir",
        "tgl_lahir",
        "tempat_lahir",
        "no_hp",
        "nomor_hp",
        "alamat_rumah",
        "id_dtks",
        "id_p3ke",
        "id_keluarga_p3ke",
    }
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Headers that look like the columns above in longer words: "NIK Penerima", "Nomor Induk
# Kependudukan", "Nama Penerima Manfaat", "Nama Kepala Keluarga (KRT)".
_PERSON_LEVEL_HEADER = re.compile(
    r"(^|_)(nik|no_kk|nomor_kk|nkk)(_|$)|induk_kependudukan|kartu_keluarga|nama_penerima"
    r"|penerima_manfaat_nama|nama_kepala_keluarga|nama_krt|nama_anggota_keluarga"
)
# A NIK: 16 digits, the first six a district code, then the birth date as DDMMYY (women's day
# plus 40). Spaces, dots or dashes between digit groups are ignored.
_NIK = re.compile(r"^\d{6}(?:[04][1-9]|[1256]\d|[37][01])(?:0[1-9]|1[0-2])\d{2}\d{4}$")
_DIGIT_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class RowError:
    """One problem in one row of a file; line 1 is the header, the first data row is line 2."""

    line: int
    field: str
    message: str
    external_id: str = ""

    def __str__(self) -> str:
        where = _("baris %(line)s") % {"line": self.line}
        if self.external_id:
            where += f" ({self.external_id})"
        return f"{where}, {self.field or '-'}: {self.message}"


def normalise_header(name: Any) -> str:
    """ "Nama Penerima " -> "nama_penerima": headers compared whatever their case and spacing."""
    return _NON_WORD.sub("_", str(name or "").strip().lower()).strip("_")


def person_level_columns(headers: Iterable[Any]) -> list[str]:
    """The headers that name person-level data, normalised and sorted."""
    return sorted(
        {
            h
            for h in map(normalise_header, headers)
            if h in PERSON_LEVEL_COLUMNS or _PERSON_LEVEL_HEADER.search(h)
        }
    )


def looks_like_nik(value: Any) -> bool:
    """Whether a cell holds what reads as a NIK (a person's identity number)."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _DIGIT_SEPARATORS.sub("", str(value).strip())
    return len(text) == 16 and bool(_NIK.match(text))


def person_level_values(row: dict[str, Any]) -> list[str]:
    """The columns of a row whose value reads as a NIK, sorted."""
    return sorted(column for column, value in row.items() if looks_like_nik(value))


def person_level_message(columns: Iterable[str]) -> str:
    return _(
        "Berkas ditolak: kolom %(columns)s berisi data perorangan. Sebaya hanya menyimpan "
        "data agregat; hapus kolom data pribadi (NIK, nama penerima, nomor KK) lalu coba lagi."
    ) % {"columns": ", ".join(columns)}
