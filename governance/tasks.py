"""Celery tasks of the workflow: transition mails after commit, the daily review reminders and
the rendering of transparency reports.

All are idempotent (see governance.emails.send_once and governance.reports.rendering): Celery on
Redis may deliver a task twice.
"""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from governance import emails
from governance.reports import rendering
from governance.workflow import MailEvent


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def notify_transition(
    event: MailEvent | str, *, use_case_id: int, actor_id: int, occasion: str
) -> int:
    """Mail the people who must act on a transition the actor made (a MailEvent; JSON gives str)."""
    return emails.send_transition_mails(
        MailEvent(event), use_case_id=use_case_id, actor_id=actor_id, occasion=occasion
    )


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_review_reminders() -> int:
    """Remind of reviews due within 30 days and overdue ones, once per use case and period."""
    return emails.send_review_reminders(today=timezone.localdate())


@shared_task(acks_late=True)
def render_transparency_report(report_id: int) -> str:
    """Render a requested transparency report as HTML and PDF; a second delivery changes nothing."""
    return rendering.generate_report(report_id)
