"""Celery tasks of the import: three lines each, the work is in interop.jobs (idempotent)."""

from celery import shared_task

from interop import changes, jobs


@shared_task(acks_late=True)
def plan_import_job(job_id: int) -> str:
    """The dry run of a big file."""
    return jobs.plan_job(job_id)


@shared_task(acks_late=True)
def apply_import_job(job_id: int) -> str:
    """The confirmed import of a big file, all rows or none."""
    return jobs.apply_job(job_id)


@shared_task(acks_late=True)
def notify_adopters() -> int:
    """Tell adopters once about each new version of their source (mail, webhook event)."""
    return changes.notify_adopters()
