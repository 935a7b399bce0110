"""A real Celery worker on Redis sends the workflow's mails over SMTP, the beat task included."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from governance import services
from governance.models import SentNotification
from tests.governance.conftest import MINIMAL, wait_for

pytestmark = pytest.mark.services


def _delivered(smtp_server, count: int) -> None:
    """Wait until `count` mails went out and the worker committed their keys: it sends inside
    its transaction, so on SQLite a write of the test right after the SMTP message would meet
    the worker's write lock ("database is locked")."""
    wait_for(
        lambda: len(smtp_server.messages) == count and SentNotification.objects.count() == count
    )


def _to(smtp_server) -> list[str]:
    return sorted(address for rcpts, _message in smtp_server.messages for address in rcpts)


def test_a_submission_reaches_the_reviewer_through_worker_and_smtp(
    celery_worker, smtp_server, use_case, department_head, iso
):
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    services.submit_use_case(use_case, actor=department_head)
    _delivered(smtp_server, 1)
    rcpts, message = smtp_server.messages[0]
    assert rcpts == [iso.email]
    assert "eingereicht" in message["Subject"]
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}


def test_the_decision_reaches_the_department_through_the_worker(
    celery_worker, smtp_server, use_case, department_head, iso, board_member
):
    # One step at a time: on SQLite the worker's and the test's writes must not overlap.
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    services.submit_use_case(use_case, actor=department_head)
    _delivered(smtp_server, 1)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    _delivered(smtp_server, 2)
    services.decide_use_case(use_case, actor=board_member, outcome="approved", rationale="ok")
    # iso (submitted), board (ready for decision), head (decided).
    _delivered(smtp_server, 3)
    assert _to(smtp_server) == sorted([iso.email, board_member.email, department_head.email])


def test_the_beat_scheduled_reminder_runs_on_the_worker_and_sends_once(
    celery_worker, smtp_server, use_case, department_head, iso, board_member
):
    from celery.beat import Scheduler

    from config.celery import app

    # One step at a time: on SQLite the worker's and the test's writes must not overlap.
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    services.submit_use_case(use_case, actor=department_head)
    _delivered(smtp_server, 1)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    _delivered(smtp_server, 2)
    services.decide_use_case(use_case, actor=board_member, outcome="approved", rationale="ok")
    _delivered(smtp_server, 3)
    services.reschedule_review(
        use_case,
        actor=board_member,
        reason="Überprüfung vorziehen",
        next_review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert "send-review-reminders" in settings.CELERY_BEAT_SCHEDULE
    # The scheduler beat runs reads CELERY_BEAT_SCHEDULE and sends the entry as beat would.
    scheduler = Scheduler(app=app, lazy=False)
    entry = scheduler.schedule["send-review-reminders"]
    assert scheduler.apply_async(entry).get(timeout=30) == 2  # the board and the head
    assert scheduler.apply_async(entry).get(timeout=30) == 0  # running it twice sends nothing twice
    reminders = [m for _r, m in smtp_server.messages if "überfällig" in m["Subject"]]
    assert len(reminders) == 2
