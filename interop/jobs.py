"""Big imports in the worker: the dry run, then (once the person confirms) all rows or none.

Both steps are idempotent, as Celery on Redis may deliver a task twice: each runs only from the
status that starts it, the import under a lock on the job's row. Progress lives in the cache
(the import's writes are one transaction, invisible to the progress page until it commits).
"""

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from interop import imports
from interop.models import ImportJob

# Files with more rows than this are planned and imported by the worker.
BACKGROUND_ROWS = 200
PROGRESS_SECONDS = 24 * 3600
# Rows the job's page lists (every error is listed regardless).
PAGE_ROWS = 100


def progress_key(job_id: int) -> str:
    return f"interop-import-job:{job_id}:progress"


def progress(job: ImportJob) -> tuple[int, int]:
    """Steps done and steps in all: each row is planned, then (on import) planned and written."""
    total = job.total_rows * (2 if job.status in _IMPORT_STATES else 1)
    if job.status in (ImportJob.Status.PLANNED, ImportJob.Status.DONE):
        return total, total
    done = cache.get(progress_key(job.pk)) or 0
    return min(int(done), total), total


_IMPORT_STATES = (ImportJob.Status.APPLYING, ImportJob.Status.DONE)


def _reporter(job_id: int) -> imports.Progress:
    def report(done: int) -> None:
        # Every tenth row is often enough for a page one reloads, and keeps the cache quiet.
        if done % 10 == 0:
            cache.set(progress_key(job_id), done, PROGRESS_SECONDS)

    return report


def _rows(job: ImportJob) -> imports.ImportRows:
    content = bytes(job.content)
    if job.file_name.lower().endswith(".json"):
        return imports.read_json(
            content,
            department_name=job.department.name if job.department else "",
            responsible_role=job.responsible_role,
        )
    return imports.ImportRows(imports.read_rows(job.file_name, content))


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    job.status = status
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    cache.delete(progress_key(job.pk))


def plan_job(job_id: int) -> str:
    """The dry run of a queued job, kept on the job for its page."""
    job = ImportJob.objects.select_related("requested_by", "department").get(pk=job_id)
    if job.status != ImportJob.Status.PLANNING:
        return "skipped"
    try:
        rows = _rows(job)
    except imports.ImportFileError as error:
        _finish(job, ImportJob.Status.FAILED, message=str(error), content=b"")
        return "failed"
    plan = imports.plan_import(job.requested_by, job.file_name, rows, progress=_reporter(job.pk))
    job.plan = imports.plan_summary(plan)
    job.kind = plan.kind
    job.status = ImportJob.Status.PLANNED
    job.save(update_fields=["plan", "kind", "status"])
    cache.delete(progress_key(job.pk))
    return "planned"


def apply_job(job_id: int) -> str:
    """The confirmed import: all rows through the services, or none."""
    with transaction.atomic():
        job = (
            # Only the job's row: PostgreSQL cannot lock the nullable side of the department join.
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("requested_by", "department")
            .get(pk=job_id)
        )
        if job.status != ImportJob.Status.APPLYING:
            return "skipped"
        try:
            plan = imports.apply_import(
                job.requested_by, job.file_name, _rows(job), progress=_reporter(job.pk)
            )
        except imports.ImportRefused as refused:
            # The data changed since the dry run (another row now clashes): nothing written.
            _finish(
                job,
                ImportJob.Status.FAILED,
                plan=imports.plan_summary(refused.plan),
                message=str(refused),
                content=b"",
            )
            return "refused"
        except imports.ImportFileError as error:
            _finish(job, ImportJob.Status.FAILED, message=str(error), content=b"")
            return "failed"
        _finish(job, ImportJob.Status.DONE, plan=imports.plan_summary(plan), content=b"")
    return "done"
