"""Curators' pages for imports (upload -> mapping -> preview -> run -> log) and the export page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sebaya.exchange.exports import export_filename, export_zip
from sebaya.exchange.forms import ExportForm, MappingForm, UploadForm
from sebaya.exchange.models import ImportJob, ImportKind, JobStatus
from sebaya.exchange.policies import exchange_policy
from sebaya.exchange.progress import job_progress, stage_label
from sebaya.exchange.selectors import import_jobs
from sebaya.exchange.services import (
    file_headers,
    import_job_create,
    import_job_preview,
    import_job_set_mapping,
    import_job_start,
    target_columns,
)
from sebaya.exchange.spreadsheet import csv_bytes
from sebaya.exchange.template_file import template_xlsx
from sebaya.innovations.importers import ImportFileError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOBS_SHOWN = 50
ERRORS_SHOWN = 200


def curator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in first; then 403 for anyone who is not a curator."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not exchange_policy.can_import(request.user):
            raise PermissionDenied(_("Halaman impor hanya untuk kurator."))
        return view(request, *args, **kwargs)

    return wrapped


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=pk)
    if not exchange_policy.can_view_job(request.user, job):
        raise Http404
    return job


@curator_required
def index(request: HttpRequest) -> HttpResponse:
    jobs = list(import_jobs(user=request.user)[:JOBS_SHOWN])
    return render(request, "exchange/index.html", {"jobs": jobs})


@curator_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
                default_source_url=form.cleaned_data["default_source_url"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Berkas diterima. Periksa pemetaan kolomnya."))
            return redirect("exchange:mapping", pk=job.pk)
    return render(request, "exchange/upload.html", {"form": form})


@curator_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        headers = file_headers(job)
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("exchange:job", pk=job.pk)
    form = MappingForm(
        request.POST or None, job=job, headers=headers, columns=target_columns(job.kind)
    )
    if request.method == "POST" and form.is_valid():
        try:
            import_job_set_mapping(
                user=request.user,
                job=job,
                mapping=form.mapping(),
                options=form.options(),
                source=form.cleaned_data["source"],
                default_source_url=form.cleaned_data["default_source_url"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
            import_job_preview(user=request.user, job=job)
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            return redirect("exchange:job", pk=job.pk)
    return render(request, "exchange/mapping.html", {"job": job, "form": form})


def _progress_context(job: ImportJob) -> dict[str, Any]:
    state = job_progress(job.pk) or {}
    total = int(state.get("total") or 0)
    done = int(state.get("done") or 0)
    return {
        "job": job,
        "stage": stage_label(str(state.get("stage", ""))) if state else "",
        "done": done,
        "total": total,
        "percent": int(done * 100 / total) if total else 0,
    }


@curator_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    result = (
        job.report
        if job.status in (JobStatus.DONE, JobStatus.FAILED) and job.report
        else job.preview
    )
    duplicates = result.get("duplicates", []) if job.status == JobStatus.CHECKED else []
    for duplicate in duplicates:
        first = f"merge:{duplicate['candidates'][0]['pk']}"
        duplicate["choice"] = job.decisions.get(str(duplicate["line"]), first)
        for candidate in duplicate["candidates"]:
            candidate["checked"] = duplicate["choice"] == f"merge:{candidate['pk']}"
    context = {
        **_progress_context(job),
        "result": result,
        "errors": job.errors[:ERRORS_SHOWN],
        "more_errors": max(0, len(job.errors) - ERRORS_SHOWN),
        "error_count": len(job.errors),
        "duplicates": duplicates,
        "is_practices": job.kind == ImportKind.PRACTICES,
        "can_run": job.status == JobStatus.CHECKED and (not job.errors or job.skip_invalid),
    }
    return render(request, "exchange/job.html", context)


@curator_required
@require_GET
def job_progress_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, for htmx to poll; once the job is done the page reloads."""
    job = _job(request, pk)
    response = render(request, "exchange/_progress.html", _progress_context(job))
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@curator_required
@require_POST
def run(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    decisions = {
        key.removeprefix("dup_"): str(request.POST.get(key, ""))
        for key in request.POST
        if key.startswith("dup_")
    }
    try:
        import_job_start(user=request.user, job=job, decisions=decisions)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Impor dijalankan."))
    return redirect("exchange:job", pk=job.pk)


@curator_required
@require_POST
def repreview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        import_job_preview(user=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("exchange:job", pk=job.pk)


@curator_required
@require_GET
def errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    header = [_("baris"), _("kolom"), _("id"), _("pesan")]
    rows = [[e["line"], e["field"], e.get("external_id", ""), e["message"]] for e in job.errors]
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="impor-{job.pk}-galat.csv"'
    return response


@curator_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(template_xlsx(kind), content_type=XLSX)
    name = "templat-praktik.xlsx" if kind == ImportKind.PRACTICES else "templat-indikator.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Anyone may export what they may see: published practices; curators drafts too."""
    form = ExportForm(request.GET if "dataset" in request.GET else None)
    if form.is_bound and form.is_valid():
        datasets = [form.cleaned_data["dataset"]]
        fmt = form.cleaned_data["format"]
        response = HttpResponse(
            export_zip(datasets=datasets, fmt=fmt, user=request.user),
            content_type="application/zip",
        )
        response["Content-Disposition"] = f'attachment; filename="{export_filename(datasets, fmt)}"'
        return response
    return render(
        request,
        "exchange/export.html",
        {"form": form, "drafts": exchange_policy.can_export_drafts(request.user)},
    )
