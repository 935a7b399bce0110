"""The daily review reminders of a whole installation: their cost does not grow per use case.

The beat sends them for every organisation in one run (issue 21's write benchmark: 131,000 due
use cases at tier L), a digest per person on a day something is new for them. The due reviews,
their boards and heads are read once and the people's last digests once per page of people, so
a run costs the same for one due use case as for many, and each digest that goes out costs the
same number of queries whatever the number of reviews it lists.
"""

import datetime

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Department, User
from governance import emails, services
from registry.models import UseCase
from tests.conftest import make_use_case
from tests.governance.conftest import MINIMAL


def _due(use_case: UseCase, head: User, iso: User, board: User, today: datetime.date) -> None:
    """Take a use case to approval and schedule its review within the next 30 days."""
    services.classify_use_case(use_case, actor=head, facts=MINIMAL)
    services.submit_use_case(use_case, actor=head)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    services.decide_use_case(use_case, actor=board, outcome="approved", rationale="Nutzen belegt")
    services.reschedule_review(
        use_case, actor=board, reason="Prüfung", next_review_date=today + datetime.timedelta(days=5)
    )


def _run(today: datetime.date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        sent = emails.send_review_reminders(today=today)
    return sent, len(queries.captured_queries)


def test_reminder_queries_do_not_grow_with_the_due_use_cases(
    use_case: UseCase,
    department_head: User,
    other_department_head: User,
    other_department: Department,
    iso: User,
    board_member: User,
):
    today = timezone.localdate()
    _due(use_case, department_head, iso, board_member, today)
    sent_one, queries_one = _run(today)
    nothing_one, idle_one = _run(today)
    assert (sent_one, nothing_one) == (2, 0)  # the board member and the head, once a day

    for title in ("Chatbot für Bürgerfragen", "Terminvergabe", "Posteingang sortieren"):
        more = make_use_case(other_department_head, other_department, title)
        _due(more, other_department_head, iso, board_member, today)
    mail.outbox.clear()
    tomorrow = today + datetime.timedelta(days=1)
    sent_more, queries_more = _run(tomorrow)
    nothing_more, idle_more = _run(tomorrow)
    # A digest for whom something is new: the board member's lists all four, the other head's
    # their department's three; the first head was told yesterday and nothing changed for them.
    assert (sent_more, nothing_more) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [board_member.email, other_department_head.email]
    )
    board_mail = next(m for m in mail.outbox if m.to[0] == board_member.email)
    assert "4 KI-Anwendungsfälle" in board_mail.subject
    # Nothing to send: the same queries for four due use cases as for one.
    assert idle_more == idle_one
    # Each digest sent costs the same, however many reviews it lists.
    assert (queries_more - idle_more) / sent_more == (queries_one - idle_one) / sent_one
