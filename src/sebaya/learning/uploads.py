"""Checks on uploaded evidence and materials: a size limit, and the type read from the content.

The name and the browser's declared type are not trusted: the first bytes decide. Accepted are
the documents regions exchange: PDF, PNG/JPEG pictures, and Office Open XML documents (docx,
xlsx, pptx), which are zip files carrying a [Content_Types].xml part.
"""

from __future__ import annotations

import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

OOXML_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "SEBAYA_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _ooxml_type(upload: Any) -> tuple[str, str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in OOXML_TYPES.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def check_upload(upload: Any) -> str:
    """The content type of an acceptable upload; ValidationError (Indonesian) otherwise."""
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise ValidationError(
            _("Berkas terlalu besar: paling besar %(limit)s.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("Berkas kosong."), code="empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_type(upload)
        if kind is not None:
            return kind[0]
    raise ValidationError(
        _(
            "Jenis berkas tidak diterima. Unggah PDF, gambar PNG/JPEG, atau dokumen Word, Excel, "
            "PowerPoint (docx, xlsx, pptx)."
        ),
        code="type",
    )
