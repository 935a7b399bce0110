"""Celery tasks of incidents and objections; each calls the module that does the work.

All are idempotent (incidents.emails, incidents.retention): Celery on Redis may deliver a task
twice.
"""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from incidents import emails, retention

_MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(**_MAIL_RETRY)
def send_incident_reminders() -> int:
    """Remind of reporting deadlines about to pass and of overdue ones, once each."""
    return emails.send_deadline_reminders(now=timezone.now())


@shared_task(**_MAIL_RETRY)
def acknowledge_objection(objection_id: int) -> int:
    """Confirm an objection's receipt to the person and tell the responsible people."""
    return emails.acknowledge_objection(objection_id)


@shared_task(**_MAIL_RETRY)
def send_objection_outcome(objection_id: int) -> int:
    """Tell the person the documented outcome of their objection."""
    return emails.send_objection_outcome(objection_id)


@shared_task(acks_late=True)
def erase_objector_data() -> int:
    """Erase objectors' personal data past the organisations' retention."""
    return retention.erase_objector_data(now=timezone.now())
