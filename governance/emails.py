"""The workflow's mails: who must act on which transition, rendered in German, sent once each.

A mail is sent at most once per recipient and occasion: the key is inserted in the same
transaction that sends it, so a task Celery delivers twice finds it and sends nothing, and a
failed send rolls the key back so the retry sends it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from accounts.roles import (
    department_heads,
    department_heads_by_department,
    has_role,
    is_board_member,
    is_operator,
    role_holders,
    role_holders_by_organisation,
)
from governance.models import Decision, SentNotification, SignOff, Submission
from governance.selectors import current_submission, reviews_due
from governance.workflow import REVIEW_STATES, MailEvent, required_sign_off_roles
from registry.models import UseCase

SUBJECTS = {
    MailEvent.SUBMITTED: _("Bitte prüfen: „%(title)s“ wurde eingereicht"),
    MailEvent.RESUBMITTED: _("Bitte erneut prüfen: „%(title)s“ wurde wesentlich geändert"),
    MailEvent.OBJECTION: _("Einwand zu „%(title)s“"),
    MailEvent.READY_FOR_DECISION: _("Zur Entscheidung: „%(title)s“"),
    MailEvent.DECIDED: _("Entscheidung zu „%(title)s“: %(outcome)s"),
    MailEvent.IN_OPERATION: _("„%(title)s“ ist in Betrieb"),
    MailEvent.RETIRED: _("„%(title)s“ ist außer Betrieb"),
    MailEvent.REVIEW_DUE: _("Überprüfung fällig am %(date)s: „%(title)s“"),
    MailEvent.REVIEW_OVERDUE: _("Überprüfung überfällig seit %(date)s: „%(title)s“"),
}


def _members(use_case: UseCase, *roles: str) -> QuerySet[User]:
    return role_holders(use_case.organisation_id, *roles)


def _department_heads(use_case: UseCase) -> QuerySet[User]:
    return department_heads(use_case.department_id)


def recipients(event: MailEvent, use_case: UseCase, *, actor_id: int | None) -> list[User]:
    """The people who must act (or must know) after the event, never the actor."""
    submission = current_submission(use_case)
    submitter = [submission.submitted_by] if submission else []
    people: list[User]
    if event in {MailEvent.SUBMITTED, MailEvent.RESUBMITTED}:
        people = list(_members(use_case, *required_sign_off_roles(use_case)))
    elif event in {MailEvent.OBJECTION, MailEvent.DECIDED}:
        people = [*_department_heads(use_case), *submitter]
    elif event == MailEvent.READY_FOR_DECISION:
        # The submitter may not decide, so the mail goes to the rest of the board.
        people = [
            user
            for user in _members(use_case, Membership.Role.BOARD)
            if not submission or user.pk != submission.submitted_by_id
        ]
    else:
        people = [*_members(use_case, Membership.Role.BOARD), *_department_heads(use_case)]
    unique = {user.pk: user for user in people if user.is_active and user.email}
    unique.pop(actor_id, None)  # type: ignore[arg-type]
    return sorted(unique.values(), key=lambda user: user.pk)


def _occasion_record(occasion: str) -> dict[str, Any]:
    kind, _sep, pk = occasion.partition(":")
    models: dict[str, Any] = {"decision": Decision, "signoff": SignOff, "submission": Submission}
    if kind not in models or not pk.isdigit():
        return {}
    name = {"signoff": "sign_off"}.get(kind, kind)
    return {name: models[kind].objects.filter(pk=int(pk)).first()}


def _context(
    event: MailEvent, use_case: UseCase, actor: User | None, occasion: str
) -> dict[str, Any]:
    base_url = settings.SITE_URL.rstrip("/")
    context: dict[str, Any] = {
        "event": event,
        "use_case": use_case,
        "organisation": use_case.organisation,
        "actor": actor,
        "admin_url": base_url + reverse("admin:registry_usecase_change", args=[use_case.pk]),
        "dashboard_url": base_url + reverse("governance:dashboard"),
        "site_url": base_url + "/",
        **_occasion_record(occasion),
    }
    return context


def _render(event: MailEvent, context: dict[str, Any]) -> tuple[str, str, str]:
    use_case = context["use_case"]
    decision = context.get("decision")
    subject = SUBJECTS[event] % {
        "title": use_case.title,
        "outcome": decision.get_outcome_display() if decision else "",
        "date": use_case.next_review_date.strftime("%d.%m.%Y") if use_case.next_review_date else "",
    }
    text = render_to_string(f"emails/{event}.txt", context)
    html = render_to_string(f"emails/{event}.html", context)
    return " ".join(str(subject).split()), text, html


def task_url(recipient: User, use_case: UseCase) -> str:
    """Where the recipient acts on the use case: their sign-off form while a sign-off of theirs
    is due, the board's admin page for board members, otherwise the use case in the workspace."""
    base_url: str = settings.SITE_URL.rstrip("/")
    organisation_id = use_case.organisation_id
    if use_case.workflow_state in REVIEW_STATES:
        for role in required_sign_off_roles(use_case):
            if has_role(recipient, organisation_id, role):
                return base_url + reverse("workspace:sign_off", args=[use_case.pk, role])
    if is_board_member(recipient, organisation_id):
        return base_url + reverse("admin:registry_usecase_change", args=[use_case.pk])
    return base_url + reverse("workspace:detail", args=[use_case.pk])


def _send_keyed(
    key: str,
    recipient: User,
    use_case: UseCase | None,
    render: Callable[[], tuple[str, str, str]],
    lines: list[list[Any]] | None = None,
) -> bool:
    """Send the rendered mail (subject, text, HTML) unless one with this key went out before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentNotification.objects.create(
                    key=key, recipient=recipient, use_case=use_case, lines=lines
                )
        except IntegrityError:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject, text, html = render()
        message = EmailMultiAlternatives(subject, text, to=[recipient.email])
        message.attach_alternative(html, "text/html")
        # A failure raises and rolls the key back, so a retry sends the mail.
        message.send(fail_silently=False)
    return True


def send_once(
    key: str, recipient: User, use_case: UseCase, event: MailEvent, context: dict[str, Any]
) -> bool:
    """Send one mail unless a mail with this key went out before; True when it was sent."""
    task = {"recipient": recipient, "task_url": task_url(recipient, use_case)}
    return _send_keyed(key, recipient, use_case, lambda: _render(event, {**context, **task}))


def send_transition_mails(
    event: MailEvent, *, use_case_id: int, actor_id: int, occasion: str
) -> int:
    """Mail everyone who must act on a transition; returns how many mails went out now."""
    use_case = (
        UseCase.objects.select_related("organisation", "department").filter(pk=use_case_id).first()
    )
    if use_case is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first()
    context = _context(event, use_case, actor, occasion)
    sent = 0
    for user in recipients(event, use_case, actor_id=actor_id):
        sent += send_once(f"{event}:{occasion}:{user.pk}", user, use_case, event, context)
    return sent


# The people of a run are mailed a page at a time: their last digests are read with one query
# per page, whatever the number of reviews each lists.
REMINDER_PAGE_SIZE = 500
# While nothing new comes due or turns overdue, a person's digest repeats after this many days.
REMINDER_REPEAT_DAYS = 7
DIGEST_KEY_PREFIX = "review_digest:"


@dataclass(frozen=True)
class DueReview:
    """One line of a review digest: a use case whose periodic review is due or overdue."""

    use_case_id: int
    title: str
    organisation_id: int
    organisation_name: str
    department_id: int
    department_name: str
    next_review_date: datetime.date
    overdue: bool

    @property
    def line(self) -> tuple[int, str, bool]:
        """What the person is told about it; a digest is stored as its lines."""
        return (self.use_case_id, self.next_review_date.isoformat(), self.overdue)


def digest_key(recipient: User, today: datetime.date) -> str:
    """The key of a person's review digest of one day: never sent twice on a day."""
    return f"{DIGEST_KEY_PREFIX}{today.isoformat()}:{recipient.pk}"


def _last_digests(people: list[User]) -> dict[int, tuple[datetime.date, set[tuple[Any, ...]]]]:
    """Each person's last review digest: the day it went out and its lines (one query)."""
    latest = (
        SentNotification.objects.filter(
            recipient_id__in=[user.pk for user in people], key__startswith=DIGEST_KEY_PREFIX
        )
        .values("recipient_id")
        .annotate(latest=Max("pk"))
        .values("latest")
    )
    start = len(DIGEST_KEY_PREFIX)
    return {
        recipient_id: (
            datetime.date.fromisoformat(key[start : start + 10]),  # the day in digest_key
            {tuple(line) for line in lines or []},
        )
        for recipient_id, key, lines in SentNotification.objects.filter(
            pk__in=Subquery(latest)
        ).values_list("recipient_id", "key", "lines")
    }


def _digest_task_url(review: DueReview, *, board: bool) -> str:
    """task_url() of a due review, without asking the roles again: reviews fall due on live use
    cases only (no sign-off is due), so the board acts in the admin, a head in the workspace."""
    base_url: str = settings.SITE_URL.rstrip("/")
    if board:
        return base_url + reverse("admin:registry_usecase_change", args=[review.use_case_id])
    return base_url + reverse("workspace:detail", args=[review.use_case_id])


def _render_digest(
    recipient: User, reviews: list[DueReview], board_of: set[int], new: set[int]
) -> tuple[str, str, str]:
    base_url = settings.SITE_URL.rstrip("/")
    lines = [
        {
            "review": review,
            "new": review.use_case_id in new,
            "task_url": _digest_task_url(
                review, board=review.organisation_id in board_of or is_operator(recipient)
            ),
        }
        for review in reviews
    ]
    overdue = sum(1 for review in reviews if review.overdue)
    subject = ngettext(
        "Überprüfung fällig: %(count)s KI-Anwendungsfall",
        "Überprüfungen fällig: %(count)s KI-Anwendungsfälle",
        len(reviews),
    ) % {"count": len(reviews)}
    if overdue:
        subject += " " + gettext("(davon überfällig: %(count)s)") % {"count": overdue}
    context = {
        "recipient": recipient,
        "lines": lines,
        "overdue": overdue,
        "dashboard_url": base_url + reverse("governance:dashboard") if board_of else "",
        "site_url": base_url + "/",
        "repeat_days": REMINDER_REPEAT_DAYS,
    }
    text = render_to_string("emails/review_digest.txt", context)
    html = render_to_string("emails/review_digest.html", context)
    return subject, text, html


def send_review_reminders(*, today: datetime.date) -> int:
    """A digest per person of every review due within 30 days or overdue that the person is
    reminded of, each with the link to its task; returns how many mails went out now.

    It goes out on a day when something in it is new for the person (a review came due, was
    rescheduled or turned overdue since their last digest) and otherwise every
    REMINDER_REPEAT_DAYS days while reviews stay due; never twice a day.

    The board member is reminded of every due review of the organisations on whose board they
    sit, the department head of those of their departments; a person in several organisations
    gets one mail for all of them. The key (digest_key) is inserted in the transaction that
    sends the mail, so a second run on the same day, or two at once, sends nothing twice. The
    run reads the due reviews, their boards and their heads once each and the digests already
    sent once per page of people: its queries grow with the people it mails, not with the
    reviews they are reminded of.
    """
    rows = reviews_due(today=today).values_list(
        "pk",
        "title",
        "organisation_id",
        "organisation__name",
        "department_id",
        "department__name",
        "next_review_date",
    )
    due = [
        DueReview(pk, title, org, org_name, dept, dept_name, date, overdue=date < today)
        for pk, title, org, org_name, dept, dept_name, date in rows
        if date is not None  # reviews_due filters on the date
    ]
    boards = role_holders_by_organisation(
        {review.organisation_id for review in due}, Membership.Role.BOARD
    )
    heads = department_heads_by_department({review.department_id for review in due})
    people: dict[int, User] = {}
    reviews_of: dict[int, list[int]] = {}
    board_of: dict[int, set[int]] = {}
    for organisation_id, members in boards.items():
        for user in members:
            board_of.setdefault(user.pk, set()).add(organisation_id)
    for index, review in enumerate(due):
        holders = [
            *boards.get(review.organisation_id, []),
            *heads.get(review.department_id, []),
        ]
        for user in holders:
            if not (user.is_active and user.email):
                continue
            people.setdefault(user.pk, user)
            listed = reviews_of.setdefault(user.pk, [])
            if not listed or listed[-1] != index:  # board member and head: listed once
                listed.append(index)
    sent = 0
    order = sorted(people)
    for start in range(0, len(order), REMINDER_PAGE_SIZE):
        page = [people[pk] for pk in order[start : start + REMINDER_PAGE_SIZE]]
        last = _last_digests(page)
        for user in page:
            reviews = [due[index] for index in reviews_of[user.pk]]
            last_day, told = last.get(user.pk, (None, set()))
            new = {review.use_case_id for review in reviews if review.line not in told}
            if last_day is not None and (
                last_day >= today or (not new and (today - last_day).days < REMINDER_REPEAT_DAYS)
            ):
                continue
            organisations = board_of.get(user.pk, set())
            sent += _send_keyed(
                digest_key(user, today),
                user,
                None,
                # A first digest marks nothing as new: all of it is.
                partial(_render_digest, user, reviews, organisations, new if told else set()),
                lines=[list(review.line) for review in reviews],
            )
    return sent
