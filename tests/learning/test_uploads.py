"""Uploads are limited in size and accepted by their content, not their name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sebaya.learning.uploads import check_upload
from tests.learning.helpers import PDF


def _ooxml(folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
        (_ooxml("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (_ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_accepted_types_are_read_from_the_content(content, expected):
    assert check_upload(SimpleUploadedFile("berkas.bin", content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03",  # a Windows program named .pdf
        b"<html><script>alert(1)</script>",
        b"PK\x03\x04 broken zip",
        _ooxml("other"),
    ],
)
def test_other_content_is_refused_whatever_the_name(content):
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("laporan.pdf", content, content_type="application/pdf"))
    assert "Jenis berkas tidak diterima" in caught.value.messages[0]


def test_size_limit_and_empty_files(settings):
    settings.SEBAYA_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("besar.pdf", PDF + b"0" * 200))
    assert "terlalu besar" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("kosong.pdf", b""))
