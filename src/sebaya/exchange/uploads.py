"""Checks on an uploaded file before anything reads it: size, and type by content, not by name."""

from __future__ import annotations

import io
import json
import zipfile
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# An XLSX is a zip: refuse archives that would unpack to much more than any real sheet does.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
EXTENSIONS = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}


class UploadRejected(Exception):
    """The upload cannot be taken; the message says why, for the curator."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "SEBAYA_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def sniff(head: bytes, stream: IO[bytes]) -> str:
    """The format the content is: "xlsx", "json", "jsonl" or "csv"; UploadRejected otherwise."""
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise UploadRejected(_("Berkas ZIP/XLSX rusak.")) from exc
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UploadRejected(
                _("Berkas ini arsip ZIP, bukan lembar kerja XLSX (Excel, LibreOffice, Sheets).")
            )
        if unpacked > MAX_UNPACKED_BYTES:
            raise UploadRejected(_("Isi berkas XLSX terlalu besar setelah dibuka."))
        return "xlsx"
    if b"\x00" in head:
        raise UploadRejected(
            _("Isi berkas bukan CSV, JSON, JSONL atau XLSX (berkas biner tidak dikenal).")
        )
    text = head.decode("utf-8-sig", errors="strict") if _utf8(head) else None
    if text is None:
        raise UploadRejected(_("Berkas teks harus UTF-8 (simpan ulang sebagai “CSV UTF-8”)."))
    stripped = text.lstrip()
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0].strip()
        try:
            json.loads(first)
        except ValueError:
            return "json"
        return "jsonl"
    if stripped.startswith("<"):
        raise UploadRejected(_("Isi berkas tampak seperti HTML/XML, bukan data tabel."))
    return "csv"


def _utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The sniffed block may end in the middle of a character.
        return exc.start >= len(head) - 3
    return True


def check_upload(name: str, size: int, stream: IO[bytes]) -> str:
    """Check an upload (its name, size and an open binary stream); return its format.

    The name's extension must be one Sebaya reads and must agree with the content: a ".xlsx"
    that is really text, or a ".csv" that is really a spreadsheet, is refused.
    """
    limit = max_upload_bytes()
    if size > limit:
        raise UploadRejected(
            _("Berkas terlalu besar (%(size)s); batasnya %(limit)s.")
            % {"size": _human(size), "limit": _human(limit)}
        )
    if size == 0:
        raise UploadRejected(_("Berkas kosong."))
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(suffix)
    if claimed is None:
        raise UploadRejected(
            _("Jenis berkas %(suffix)s tidak diterima; unggah .csv, .xlsx, .jsonl atau .json.")
            % {"suffix": suffix or name}
        )
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    actual = sniff(head, stream)
    stream.seek(0)
    # JSON and JSON Lines are told apart by content only.
    if {claimed, actual} <= {"json", "jsonl"}:
        return actual
    if claimed != actual:
        raise UploadRejected(
            _(
                "Nama berkas berakhiran %(suffix)s, tetapi isinya %(actual)s. Simpan ulang "
                "dalam format yang benar."
            )
            % {"suffix": suffix, "actual": actual.upper()}
        )
    return actual


def check_bytes(name: str, data: bytes) -> str:
    return check_upload(name, len(data), io.BytesIO(data))


def scan_person_level(path: Any, fmt: str) -> None:
    """Refuse a stored upload whose headers or cells hold person-level data, read or not.

    Raises ImportFileError with the message for the curator.
    """
    from pathlib import Path

    from sebaya.core.imports import person_level_message, person_level_values
    from sebaya.exchange.indicators import read_table
    from sebaya.innovations.importers import ImportFileError, check_person_level

    path = Path(path)
    if fmt in ("csv", "xlsx"):
        read_table(path)  # checks headers and every cell
        return
    records: list[Any] = []
    if fmt == "json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ImportFileError(_("Berkas JSON rusak: %(error)s") % {"error": exc}) from exc
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            data = data["data"]
        records = data if isinstance(data, list) else []
    else:
        with path.open(encoding="utf-8-sig") as fh:
            for line in fh:
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
    for record in records:
        if isinstance(record, dict):
            check_person_level([str(k) for k in record])
            found = person_level_values({str(k): v for k, v in record.items()})
            if found:
                raise ImportFileError(person_level_message(found))
