"""A real Celery worker on Redis runs the beat entries: deadline reminders and the erasure."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from incidents import services
from incidents.models import Objection, ObjectorContact
from tests.incidents.conftest import make_incident, wait_for

pytestmark = pytest.mark.services


def _run_beat_entry(name):
    from celery.beat import Scheduler

    from config.celery import app

    assert name in settings.CELERY_BEAT_SCHEDULE
    scheduler = Scheduler(app=app, lazy=False)
    return scheduler.apply_async(scheduler.schedule[name]).get(timeout=30)


def test_a_deadline_about_to_pass_reminds_board_department_and_dpo_once(
    celery_worker, smtp_server, use_case, department_head, board_member, dpo
):
    # Aware 60 hours ago: the 72-hour clock passes within the default 24 hours' warning.
    make_incident(
        use_case,
        department_head,
        personal_data_involved=True,
        aware_at=timezone.now() - datetime.timedelta(hours=60),
    )
    # Recording it already queued a run; wait for it, then run the beat entry as beat would.
    wait_for(lambda: len(smtp_server.messages) == 3)
    assert _run_beat_entry("send-incident-reminders") == 0  # nothing twice
    to = sorted(address for rcpts, _message in smtp_server.messages for address in rcpts)
    assert to == sorted([department_head.email, board_member.email, dpo.email])
    assert all("Meldefrist läuft ab" in m["Subject"] for _r, m in smtp_server.messages)


def test_the_nightly_erasure_runs_on_the_worker(
    celery_worker, smtp_server, use_case, department_head, board_member, organisation
):
    services.update_response_settings(
        organisation,
        actor=board_member,
        reason="sofort löschen",
        fields={"objector_data_retention_days": 0},
    )
    objection = services.record_objection(
        use_case,
        actor=department_head,
        channel="phone",
        received_at=timezone.now(),
        contact={"statement": "Bitte prüfen", "phone": "0123 456"},
    )
    wait_for(lambda: len(smtp_server.messages) >= 2)  # routed to the board and the head
    services.decide_objection(
        objection,
        actor=department_head,
        outcome="changed",
        note="neu entschieden",
        human_review_done=True,
    )
    assert _run_beat_entry("erase-objector-data") == 1
    assert not ObjectorContact.objects.exists()
    assert Objection.objects.get().personal_data_erased_at is not None
