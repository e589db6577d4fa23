"""Writes of the exchange app: import jobs from upload to log. Each checks exchange_policy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sebaya.core.imports import RowError
from sebaya.exchange import indicators as indicator_import
from sebaya.exchange.models import ImportJob, ImportKind, JobStatus
from sebaya.exchange.policies import exchange_policy
from sebaya.exchange.progress import clear_job_progress, set_job_progress
from sebaya.exchange.uploads import UploadRejected, check_upload, scan_person_level
from sebaya.innovations import importers as practice_import

logger = logging.getLogger(__name__)

PRACTICE_OPTION_KEYS = ("default_province",)
INDICATOR_OPTION_KEYS = ("shape", "indicator", "unit", "source_url", "region_level", "note")
DUPLICATE_DEFAULT = "merge"


def _deny_unless_curator(user: Any) -> None:
    if not exchange_policy.can_import(user):
        raise PermissionDenied(_("Hanya kurator yang boleh mengimpor data."))


def file_headers(job: ImportJob) -> list[str]:
    """The headers of the job's file, as written in it."""
    path = Path(job.file.path)
    if job.kind == ImportKind.INDICATORS:
        header, _rows = indicator_import.read_table(path)
        return [h for h in header if h]
    return practice_import.read_headers(path)


def guessed_mapping(job: ImportJob) -> dict[str, str]:
    headers = file_headers(job)
    if job.kind == ImportKind.INDICATORS:
        return indicator_import.guess_mapping(headers)
    return practice_import.guess_mapping(headers)


def target_columns(kind: str) -> tuple[str, ...]:
    if kind == ImportKind.INDICATORS:
        return indicator_import.LONG_COLUMNS
    return practice_import.COLUMNS


def import_job_create(
    *,
    user: Any,
    kind: str,
    upload: UploadedFile,
    source: str = "",
    default_source_url: str = "",
) -> ImportJob:
    """Take an upload: check size and type by content, store it, read its headers.

    A file that is not what its name says, too large, unreadable or holding person-level
    columns is refused (ValidationError) and not kept.
    """
    _deny_unless_curator(user)
    if kind not in ImportKind.values:
        raise ValidationError({"kind": [_("Jenis data tidak dikenal.")]})
    name = Path(upload.name or "berkas").name
    try:
        fmt = check_upload(name, upload.size or 0, upload.open("rb"))
    except UploadRejected as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    if kind == ImportKind.INDICATORS and fmt not in ("csv", "xlsx"):
        raise ValidationError({"file": [_("Data indikator diimpor dari CSV atau XLSX.")]})
    stem = Path(name).stem[:60] or "impor"
    upload.name = f"{stem}.{fmt}"
    job = ImportJob(
        kind=kind,
        file=upload,
        original_name=name[:255],
        file_format=fmt,
        size=upload.size or 0,
        source=(source or "").strip()[:64] or stem[:64],
        default_source_url=(default_source_url or "").strip(),
        created_by=user,
    )
    job.full_clean(exclude=["file"])
    job.save()
    try:
        scan_person_level(job.file.path, fmt)
        job.mapping = guessed_mapping(job)
    except practice_import.ImportFileError as exc:
        job.file.delete(save=False)
        job.delete()
        raise ValidationError({"file": [str(exc)]}) from exc
    job.save(update_fields=["mapping", "updated_at"])
    return job


def import_job_set_mapping(
    *,
    user: Any,
    job: ImportJob,
    mapping: Mapping[str, str],
    options: Mapping[str, str] | None = None,
    source: str | None = None,
    default_source_url: str | None = None,
    skip_invalid: bool | None = None,
) -> ImportJob:
    """Save the column mapping and options; the preview must be made again after it."""
    _deny_unless_curator(user)
    if job.is_running:
        raise ValidationError(_("Impor ini sedang berjalan."))
    if job.status == JobStatus.DONE:
        raise ValidationError(_("Impor ini sudah selesai; unggah berkasnya lagi untuk mengulang."))
    allowed = set(target_columns(job.kind))
    clean: dict[str, str] = {}
    for header, column in mapping.items():
        if column and column not in allowed:
            raise ValidationError(
                {"mapping": [_("Kolom tujuan tidak dikenal: %(column)s") % {"column": column}]}
            )
        clean[str(header)] = column or ""
    used = [c for c in clean.values() if c]
    doubled = sorted({c for c in used if used.count(c) > 1})
    if doubled:
        raise ValidationError(
            {
                "mapping": [
                    _("Setiap kolom tujuan hanya boleh dipilih sekali: %(columns)s")
                    % {"columns": ", ".join(doubled)}
                ]
            }
        )
    keys = INDICATOR_OPTION_KEYS if job.kind == ImportKind.INDICATORS else PRACTICE_OPTION_KEYS
    job.options = {k: str(v).strip() for k, v in (options or {}).items() if k in keys and v}
    job.mapping = clean
    if source is not None:
        job.source = source.strip()[:64] or job.source
    if default_source_url is not None:
        job.default_source_url = default_source_url.strip()
    if skip_invalid is not None:
        job.skip_invalid = skip_invalid
    job.status = JobStatus.UPLOADED
    job.preview = {}
    job.errors = []
    job.message = ""
    job.full_clean(exclude=["file"])
    job.save()
    return job


def import_job_preview(*, user: Any, job: ImportJob) -> ImportJob:
    """Queue the dry run: every row checked and written in a transaction that is rolled back."""
    _deny_unless_curator(user)
    if job.is_running:
        raise ValidationError(_("Impor ini sedang berjalan."))
    if job.status == JobStatus.DONE:
        raise ValidationError(_("Impor ini sudah selesai."))
    job.status = JobStatus.CHECKING
    job.save(update_fields=["status", "updated_at"])
    _enqueue(job.pk, dry_run=True)
    job.refresh_from_db()
    return job


def import_job_start(
    *, user: Any, job: ImportJob, decisions: Mapping[str, str] | None = None
) -> ImportJob:
    """Queue the real run, with the curator's choice for each likely duplicate."""
    _deny_unless_curator(user)
    if job.status != JobStatus.CHECKED:
        raise ValidationError(_("Buat pratinjau dulu sebelum menjalankan impor."))
    clean: dict[str, str] = {}
    flagged = {str(d["line"]): d for d in job.preview.get("duplicates", [])}
    for line, choice in (decisions or {}).items():
        duplicate = flagged.get(str(line))
        if duplicate is None:
            continue
        action, _sep, target = str(choice).partition(":")
        candidates = {str(c["pk"]) for c in duplicate["candidates"]}
        if action in ("create", "skip") or (action == "merge" and target in candidates):
            clean[str(line)] = str(choice)
        else:
            raise ValidationError(
                _("Pilihan duplikat tidak sah untuk baris %(line)s.") % {"line": line}
            )
    job.decisions = clean
    job.status = JobStatus.QUEUED
    job.save(update_fields=["decisions", "status", "updated_at"])
    _enqueue(job.pk, dry_run=False)
    job.refresh_from_db()
    return job


def _enqueue(job_id: int, *, dry_run: bool) -> None:
    from sebaya.exchange.tasks import import_job_task

    # Committed first: the worker must read the job as saved.
    transaction.on_commit(lambda: import_job_task(job_id, dry_run))


def _errors_json(errors: list[RowError]) -> list[dict[str, Any]]:
    return [
        {"line": e.line, "field": e.field, "message": e.message, "external_id": e.external_id}
        for e in sorted(errors, key=lambda e: (e.line, e.field))
    ]


def run_import_job(job_id: int, *, dry_run: bool) -> ImportJob:
    """The body of the Huey job: run the import (or its dry run) and record the outcome."""
    job = ImportJob.objects.get(pk=job_id)
    job.status = JobStatus.CHECKING if dry_run else JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])

    def progress(stage: str, done: int, total: int) -> None:
        set_job_progress(job_id, stage, done, total)

    try:
        outcome = _run(job, dry_run=dry_run, progress=progress)
    except practice_import.ImportFileError as exc:
        job.status = JobStatus.FAILED
        job.message = str(exc)
        job.report = {}
        job.errors = []
    except PermissionDenied as exc:
        job.status = JobStatus.FAILED
        job.message = str(exc)
    except Exception:
        logger.exception("import job %s failed", job_id)
        job.status = JobStatus.FAILED
        job.message = _("Kesalahan tak terduga; tidak ada yang ditulis. Lihat log server.")
    else:
        summary, errors = outcome
        job.errors = errors
        if dry_run:
            job.preview = summary
            job.status = JobStatus.CHECKED
        else:
            job.report = summary
            job.status = JobStatus.DONE if summary.get("written") else JobStatus.FAILED
            if not summary.get("written"):
                job.message = _("Ada baris yang gagal; tidak ada yang ditulis.")
    job.finished_at = timezone.now()
    job.save()
    clear_job_progress(job_id)
    return job


def _run(
    job: ImportJob, *, dry_run: bool, progress: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    path = Path(job.file.path)
    user = job.created_by
    if job.kind == ImportKind.INDICATORS:
        options = job.options
        report = indicator_import.import_indicator_file(
            path=path,
            mapping=job.mapping or None,
            shape=options.get("shape", "auto"),
            defaults=indicator_import.IndicatorDefaults(
                indicator=options.get("indicator", ""),
                unit=options.get("unit", ""),
                source_url=options.get("source_url", "") or job.default_source_url,
                region_level=options.get("region_level", ""),
                note=options.get("note", ""),
            ),
            dry_run=dry_run,
            skip_invalid=job.skip_invalid,
            user=user,
            progress=progress,
        )
        summary = {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": report.skipped,
            "failed": len({e.line for e in report.errors}),
            "written": report.written,
            "duplicates": [],
        }
        return summary, _errors_json(report.errors)
    practice_report = practice_import.import_innovations(
        path=path,
        source=job.source,
        dry_run=dry_run,
        skip_invalid=job.skip_invalid,
        user=user,
        mapping=job.mapping or None,
        default_source_url=job.default_source_url,
        default_province=job.options.get("default_province", ""),
        duplicates=DUPLICATE_DEFAULT,
        decisions={int(k): v for k, v in job.decisions.items()},
        progress=progress,
    )
    summary = {
        "rows": practice_report.rows,
        "created": len(practice_report.created),
        "updated": len(practice_report.updated),
        "unchanged": len(practice_report.unchanged),
        "merged": len(practice_report.merged),
        "skipped": len(practice_report.skipped),
        "failed": len(practice_report.failed_lines),
        "written": practice_report.written,
        "seconds": round(practice_report.seconds, 2),
        "warnings": practice_report.warnings[:200],
        "duplicates": [
            {
                "line": d.line,
                "external_id": d.external_id,
                "title": d.title,
                "region": d.region,
                "candidates": [
                    {"pk": c.pk, "slug": c.slug, "title": c.title, "score": round(c.score, 3)}
                    for c in d.candidates
                ],
            }
            for d in practice_report.duplicates
        ],
    }
    return summary, _errors_json(practice_report.errors)
