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
    return sorted({h for h in map(normalise_header, headers) if h in PERSON_LEVEL_COLUMNS})


def person_level_message(columns: Iterable[str]) -> str:
    return _(
        "Berkas ditolak: kolom %(columns)s berisi data perorangan. Sebaya hanya menyimpan "
        "data agregat; hapus kolom data pribadi (NIK, nama penerima, nomor KK) lalu coba lagi."
    ) % {"columns": ", ".join(columns)}
