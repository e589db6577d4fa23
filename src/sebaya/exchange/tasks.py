"""Background work of exchange: an import job (its dry run or its real run) on the Huey queue."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from sebaya.exchange.services import run_import_job


@db_task()
def import_job_task(job_id: int, dry_run: bool) -> str:
    """Run one import job; the job row records the outcome (and any failure) itself."""
    return str(run_import_job(job_id, dry_run=dry_run).status)
