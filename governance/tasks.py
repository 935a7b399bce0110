"""Celery tasks of the workflow: transition mails after commit, the daily review reminders and
the rendering of transparency reports.

All are idempotent (see governance.emails.send_once and governance.reports.rendering): Celery on
Redis may deliver a task twice.
"""

import time
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from governance import emails, reclassification
from governance.reports import rendering
from governance.workflow import MailEvent
from operations import metrics


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
    """Mail each person one digest a day of the reviews due within 30 days and overdue ones."""
    try:
        sent = emails.send_review_reminders(today=timezone.localdate())
    except Exception:
        metrics.REMINDER_RUNS.labels(result="error").inc()
        raise
    metrics.REMINDER_RUNS.labels(result="ok").inc()
    metrics.REMINDERS_SENT.inc(sent)
    metrics.REMINDER_LAST_SUCCESS.set(time.time())
    return sent


@shared_task(acks_late=True)
def render_transparency_report(report_id: int) -> str:
    """Render a requested transparency report as HTML and PDF; a second delivery changes nothing."""
    return rendering.generate_report(report_id)


@shared_task(acks_late=True)
def reclassify_use_cases() -> dict[str, int]:
    """Re-check every stored classification against the current rule set (idempotent)."""
    outcome = reclassification.reclassify_all()
    return {"checked": outcome.checked, "rewritten": outcome.rewritten, "changed": outcome.changed}
