"""Each transition mails the people who must act, once, in German, as plain text and HTML."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance import emails, services, tasks


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_submitting_mails_the_required_reviewers(
    classified_use_case, department_head, iso, dpo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_use_case(classified_use_case, actor=department_head)
    assert _recipients() == {iso.email}  # no personal data: the DPO is not asked
    message = mail.outbox[0]
    assert "eingereicht" in message.subject
    assert "Wohngeld-Vorprüfung" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="de">' in html


def test_the_complete_sign_offs_mail_the_board_but_not_the_submitter(
    classified_use_case, board_member, second_board_member, iso, django_capture_on_commit_callbacks
):
    services.submit_use_case(classified_use_case, actor=board_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    assert _recipients() == {second_board_member.email}
    assert "Zur Entscheidung" in mail.outbox[0].subject


def test_an_objection_mails_the_department(
    submitted_use_case, department_head, iso, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off_use_case(
            submitted_use_case, actor=iso, role="iso", verdict="object", reason="Kein ISMS"
        )
    objection = [m for m in mail.outbox if "Einwand" in m.subject]
    assert [m.to for m in objection] == [[department_head.email]]
    assert "Kein ISMS" in objection[0].body


def test_the_decision_mails_the_department_with_its_rationale(
    signed_use_case, board_member, department_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_use_case(
            signed_use_case, actor=board_member, outcome="rejected", rationale="Kein Bedarf"
        )
    assert _recipients() == {department_head.email}
    assert "abgelehnt" in mail.outbox[0].subject
    assert "Kein Bedarf" in mail.outbox[0].body


def test_a_task_delivered_twice_sends_each_mail_once(submitted_use_case, department_head, iso):
    submission = submitted_use_case.submissions.get()
    arguments = {
        "use_case_id": submitted_use_case.pk,
        "actor_id": department_head.pk,
        "occasion": f"submission:{submission.pk}",
    }
    assert tasks.notify_transition.apply(args=["submitted"], kwargs=arguments).get() == 1
    assert tasks.notify_transition.apply(args=["submitted"], kwargs=arguments).get() == 0
    assert len(mail.outbox) == 1


def test_nothing_is_mailed_when_the_transaction_rolls_back(
    classified_use_case, department_head, iso, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        services.submit_use_case(classified_use_case, actor=iso)
    assert callbacks == []
    assert mail.outbox == []


def test_review_reminders_go_out_once_per_use_case_and_period(
    approved_use_case, board_member, department_head
):
    today = timezone.localdate()
    services.reschedule_review(
        approved_use_case,
        actor=board_member,
        reason="x",
        next_review_date=today + datetime.timedelta(days=10),
    )
    assert emails.send_review_reminders(today=today) == 2  # the board member and the head
    assert emails.send_review_reminders(today=today) == 0
    assert "fällig am" in mail.outbox[0].subject
    # Overdue is a reminder of its own, again once.
    later = today + datetime.timedelta(days=11)
    assert emails.send_review_reminders(today=later) == 2
    assert emails.send_review_reminders(today=later) == 0
    assert "überfällig" in mail.outbox[-1].subject


def test_reviews_more_than_30_days_away_are_not_reminded(approved_use_case):
    assert emails.send_review_reminders(today=timezone.localdate()) == 0
