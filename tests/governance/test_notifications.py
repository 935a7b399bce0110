"""Each transition mails the people who must act, once, in German, as plain text and HTML."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance import emails, services, tasks
from tests.conftest import make_use_case
from tests.governance.conftest import MINIMAL


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


def test_review_digests_go_out_once_per_person_and_day(
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
    assert "Überprüfung fällig" in mail.outbox[0].subject
    due_on = (today + datetime.timedelta(days=10)).strftime("%d.%m.%Y")
    assert f"fällig am {due_on}" in mail.outbox[0].body
    # The day the review turns overdue is new: a digest of its own, again once, saying so.
    later = today + datetime.timedelta(days=11)
    assert emails.send_review_reminders(today=later) == 2
    assert emails.send_review_reminders(today=later) == 0
    assert "überfällig" in mail.outbox[-1].subject
    assert f"überfällig seit {due_on}" in mail.outbox[-1].body
    assert "[neu]" in mail.outbox[-1].body


def test_a_digest_without_news_waits_a_week_and_a_new_review_goes_out_the_next_day(
    approved_use_case, board_member, department_head
):
    today = timezone.localdate()
    services.reschedule_review(
        approved_use_case,
        actor=board_member,
        reason="x",
        next_review_date=today + datetime.timedelta(days=25),
    )
    assert emails.send_review_reminders(today=today) == 2
    assert "[neu]" not in mail.outbox[-1].body  # a first digest: all of it is new
    for days in range(1, emails.REMINDER_REPEAT_DAYS):
        assert emails.send_review_reminders(today=today + datetime.timedelta(days=days)) == 0
    week = today + datetime.timedelta(days=emails.REMINDER_REPEAT_DAYS)
    assert emails.send_review_reminders(today=week) == 2  # still due: reminded again
    assert emails.send_review_reminders(today=week) == 0

    # The board brings the review forward: news for both, the next day.
    services.reschedule_review(
        approved_use_case,
        actor=board_member,
        reason="früher",
        next_review_date=week + datetime.timedelta(days=5),
    )
    mail.outbox.clear()
    assert emails.send_review_reminders(today=week + datetime.timedelta(days=1)) == 2
    assert all("[neu]" in message.body for message in mail.outbox)


def test_a_digest_lists_every_due_review_of_the_person_with_a_link_to_each_task(
    approved_use_case,
    board_member,
    department_head,
    other_department_head,
    other_department,
    iso,
    settings,
):
    settings.SITE_URL = "https://ki.example"
    today = timezone.localdate()
    other = make_use_case(other_department_head, other_department, "Terminvergabe")
    services.classify_use_case(other, actor=other_department_head, facts=MINIMAL)
    services.submit_use_case(other, actor=other_department_head)
    services.sign_off_use_case(other, actor=iso, role="iso", verdict="agree")
    services.decide_use_case(other, actor=board_member, outcome="approved", rationale="ok")
    for due in (approved_use_case, other):
        services.reschedule_review(
            due, actor=board_member, reason="x", next_review_date=today + datetime.timedelta(days=3)
        )
    assert emails.send_review_reminders(today=today) == 3  # the board, each head once
    by_person = {m.to[0]: m for m in mail.outbox}
    board_mail = by_person[board_member.email]
    # The board acts in the admin, for each of its organisation's due reviews.
    for due in (approved_use_case, other):
        assert due.title in board_mail.body
        assert f"https://ki.example/admin/registry/usecase/{due.pk}/change/" in board_mail.body
        assert (
            f'href="https://ki.example/admin/registry/usecase/{due.pk}/change/"'
            in board_mail.alternatives[0][0]
        )
    # A head sees only their department's, with the workspace as the task.
    head_mail = by_person[department_head.email]
    assert f"https://ki.example/arbeitsbereich/{approved_use_case.pk}/" in head_mail.body
    assert other.title not in head_mail.body
    assert approved_use_case.title not in by_person[other_department_head.email].body


def test_reviews_more_than_30_days_away_are_not_reminded(approved_use_case):
    assert emails.send_review_reminders(today=timezone.localdate()) == 0


def test_each_mail_links_the_recipients_task(
    classified_use_case,
    board_member,
    second_board_member,
    iso,
    department_head,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://ki.example"
    pk = classified_use_case.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_use_case(classified_use_case, actor=board_member)
    # The reviewer gets their sign-off form, not the front page.
    assert f"https://ki.example/arbeitsbereich/{pk}/votum/iso/" in mail.outbox[0].body
    assert (
        f'href="https://ki.example/arbeitsbereich/{pk}/votum/iso/"'
        in mail.outbox[0].alternatives[0][0]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    # The board member who decides gets the use case's admin page with the decide step.
    assert f"https://ki.example/admin/registry/usecase/{pk}/change/" in mail.outbox[0].body
    assert emails.task_url(department_head, classified_use_case) == (
        f"https://ki.example/arbeitsbereich/{pk}/"
    )
