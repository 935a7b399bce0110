"""Mails of incidents and objections: deadline reminders, acknowledgements, routing, outcomes.

Each mail goes out at most once: the marker (a SentReminder row, or the objection's
acknowledged_at / routed_at / outcome_sent_at) is written in the transaction that sends it, so
a task Celery delivers twice sends nothing the second time, and a failed send rolls the marker
back so the retry sends it.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.roles import department_heads, role_holders
from incidents.models import Incident, Objection, ObjectionMail, SentReminder
from incidents.selectors import OpenDeadline, open_deadlines, response_settings_of


def _people(incident_or_objection: Incident | Objection, *, dpo: bool) -> list[User]:
    use_case = incident_or_objection.use_case
    roles = [Membership.Role.BOARD]
    if dpo:
        roles.append(Membership.Role.DATA_PROTECTION_OFFICER)
    found: QuerySet[User] = role_holders(use_case.organisation_id, *roles)
    people = [*found, *department_heads(use_case.department_id)]
    unique = {user.pk: user for user in people if user.is_active and user.email}
    return sorted(unique.values(), key=lambda user: user.pk)


def _site(path: str) -> str:
    site: str = settings.SITE_URL
    return site.rstrip("/") + path


def _send(subject: str, template: str, context: dict[str, object], to: list[str]) -> None:
    body = render_to_string(template, context)
    EmailMessage(" ".join(subject.split()), body, to=to).send(fail_silently=False)


def _remind(item: OpenDeadline, kind: str, now: datetime.datetime) -> bool:
    incident, deadline = item.incident, item.deadline
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentReminder.objects.create(incident=incident, clock=deadline.clock.key, kind=kind)
        except IntegrityError:
            return False
        people = _people(incident, dpo=incident.personal_data_involved)
        if not people:
            return True
        zone = response_settings_of(incident.use_case.organisation_id).time_zone
        with translation.override(settings.LANGUAGE_CODE), timezone.override(zone):
            overdue = kind == SentReminder.Kind.OVERDUE
            subject = (
                _("Meldefrist überschritten: %(clock)s – „%(title)s“")
                if overdue
                else _("Meldefrist läuft ab: %(clock)s – „%(title)s“")
            ) % {"clock": deadline.clock.label, "title": incident.title}
            context = {
                "incident": incident,
                "deadline": deadline,
                "overdue": overdue,
                "url": _site(reverse("workspace:incident", args=[incident.pk])),
            }
            for person in people:
                _send(subject, "emails/incident_deadline.txt", context, [person.email])
    return True


def send_deadline_reminders(*, now: datetime.datetime) -> int:
    """Remind of deadlines due within the organisation's warning time, and of overdue ones."""
    sent = 0
    for item in open_deadlines(Incident.objects.all()):
        hours = response_settings_of(item.incident.use_case.organisation_id).reminder_hours_before
        if item.deadline.overdue(now):
            sent += _remind(item, SentReminder.Kind.OVERDUE, now)
        elif now >= item.deadline.due_at - datetime.timedelta(hours=hours):
            sent += _remind(item, SentReminder.Kind.DUE, now)
    return sent


def _once(objection: Objection, kind: str) -> bool:
    """Claim the mail of this kind for the objection; False when it went out before."""
    try:
        with transaction.atomic():
            ObjectionMail.objects.create(objection=objection, kind=kind)
    except IntegrityError:
        return False
    return True


def _objection(objection_id: int) -> Objection | None:
    return (
        Objection.objects.select_related(
            "use_case", "use_case__organisation", "use_case__department", "contact"
        )
        .filter(pk=objection_id)
        .first()
    )


def _objector_address(objection: Objection) -> str:
    contact = getattr(objection, "contact", None)
    return contact.email if contact is not None else ""


def _context(objection: Objection) -> dict[str, object]:
    return {
        "objection": objection,
        "use_case": objection.use_case,
        "organisation": objection.use_case.organisation,
        "url": _site(reverse("workspace:objection", args=[objection.pk])),
    }


def acknowledge_objection(objection_id: int) -> int:
    """Confirm receipt to the objector (if they left an address) and tell the responsible people."""
    objection = _objection(objection_id)
    if objection is None:
        return 0
    sent = 0
    context = _context(objection)
    with translation.override(settings.LANGUAGE_CODE):
        address = _objector_address(objection)
        if address:
            with transaction.atomic():
                if _once(objection, ObjectionMail.Kind.ACKNOWLEDGED):
                    _send(
                        _("Ihr Widerspruch ist eingegangen (Aktenzeichen %(number)s)")
                        % {"number": objection.case_number},
                        "emails/objection_received.txt",
                        context,
                        [address],
                    )
                    sent += 1
        with transaction.atomic():
            if _once(objection, ObjectionMail.Kind.ROUTED):
                for person in _people(objection, dpo=False):
                    _send(
                        _("Neuer Widerspruch %(number)s zu „%(title)s“")
                        % {"number": objection.case_number, "title": objection.use_case.title},
                        "emails/objection_routed.txt",
                        context,
                        [person.email],
                    )
                    sent += 1
    return sent


def send_objection_outcome(objection_id: int) -> int:
    """Tell the objector the outcome of the human review, if they left an address."""
    objection = _objection(objection_id)
    if objection is None or objection.status != Objection.Status.DECIDED:
        return 0
    address = _objector_address(objection)
    if not address:
        return 0
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        if not _once(objection, ObjectionMail.Kind.OUTCOME):
            return 0
        _send(
            _("Ergebnis Ihres Widerspruchs (Aktenzeichen %(number)s)")
            % {"number": objection.case_number},
            "emails/objection_decided.txt",
            _context(objection),
            [address],
        )
    return 1
