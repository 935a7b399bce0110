"""The workflow's mails: who must act on which transition, rendered in German, sent once each.

A mail is sent at most once per recipient and occasion: the key is inserted in the same
transaction that sends it, so a task Celery delivers twice finds it and sends nothing, and a
failed send rolls the key back so the retry sends it.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from accounts.roles import department_heads, role_holders
from governance.models import Decision, SentNotification, SignOff, Submission
from governance.selectors import current_submission, reviews_due
from governance.workflow import MailEvent, required_sign_off_roles
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


def send_once(
    key: str, recipient: User, use_case: UseCase, event: MailEvent, context: dict[str, Any]
) -> bool:
    """Send one mail unless a mail with this key went out before; True when it was sent."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentNotification.objects.create(key=key, recipient=recipient, use_case=use_case)
        except IntegrityError:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject, text, html = _render(event, {**context, "recipient": recipient})
        message = EmailMultiAlternatives(subject, text, to=[recipient.email])
        message.attach_alternative(html, "text/html")
        # A failure raises and rolls the key back, so a retry sends the mail.
        message.send(fail_silently=False)
    return True


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


def send_review_reminders(*, today: datetime.date) -> int:
    """Remind the board and the department of reviews due within 30 days or overdue, once each."""
    sent = 0
    for use_case in reviews_due(today=today):
        assert use_case.next_review_date is not None  # reviews_due filters on it
        event = (
            MailEvent.REVIEW_OVERDUE if use_case.next_review_date < today else MailEvent.REVIEW_DUE
        )
        period = use_case.next_review_date.isoformat()
        context = _context(event, use_case, None, "")
        for user in recipients(event, use_case, actor_id=None):
            key = f"{event}:{use_case.pk}:{period}:{user.pk}"
            sent += send_once(key, user, use_case, event, context)
    return sent
