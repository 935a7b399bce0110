"""Every write to incidents and objections: who did it and why is in the history.

Each service takes the acting user (None only for the public objection form and the scheduled
erasure), checks who may act, validates before saving, saves through registry.history and sends
its mails and webhook events after the commit.
"""

import datetime
import secrets
import zoneinfo
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import Organisation, User
from incidents import permissions, tasks
from incidents.clocks import CLOCK_SET_VERSION, CLOCKS_BY_KEY, applicable_clocks
from incidents.models import (
    FollowUpAction,
    Incident,
    IncidentReport,
    Objection,
    ObjectorContact,
    ResponseSettings,
)
from incidents.selectors import response_settings_of
from registry import history
from registry import permissions as registry_permissions
from registry.models import UseCase, WebhookEndpoint
from registry.webhooks.events import emit_event

Event = WebhookEndpoint.Event

# The fields of an incident its form and the API may set; the rest belong to the services.
INCIDENT_FIELDS = (
    "title",
    "description",
    "occurred_at",
    "aware_at",
    "effect",
    "death",
    "widespread_or_critical_infrastructure",
    "personal_data_involved",
    "immediate_measures",
    "root_cause",
    "status",
    "resolved_at",
)


class ConcurrentChange(Exception):
    """The record changed after the form or request loaded it; nothing was saved."""


def version_of(record: Incident | Objection) -> str:
    """The version a form or an API answer carries of the record (its last change)."""
    return record.updated_at.isoformat()


def _require(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _clean(record: Any) -> None:
    try:
        record.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _subject(kind: str, pk: int, path: str) -> dict[str, Any]:
    return {"kind": kind, "id": pk, "url": f"/api/v1/{path}/{pk}/"}


def _emit_incident(event: str, incident: Incident, *, actor: User | None) -> None:
    emit_event(
        event,
        incident.use_case,
        actor=actor,
        subject=_subject("incident", incident.pk, "incidents"),
    )


def _emit_objection(event: str, objection: Objection, *, actor: User | None) -> None:
    emit_event(
        event,
        objection.use_case,
        actor=actor,
        subject=_subject("objection", objection.pk, "objections"),
    )


def _maintainable_use_case(actor: User, use_case: UseCase) -> UseCase:
    visible = registry_permissions.access_use_case(actor, use_case.pk)
    if not permissions.can_maintain(actor, visible):
        raise PermissionDenied(_("Störungen erfassen die Fachbereichsleitung und das KI-Gremium."))
    return visible


def _check_facts(incident: Incident) -> None:
    if incident.effect != Incident.Effect.SERIOUS and (
        incident.death or incident.widespread_or_critical_infrastructure
    ):
        raise ValidationError(
            {
                "effect": _(
                    "Ein Todesfall oder eine Störung kritischer Infrastruktur ist ein "
                    "schwerwiegender Vorfall: Bitte wählen Sie diese Auswirkung."
                )
            }
        )
    if incident.aware_at and incident.aware_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"aware_at": _("Der Zeitpunkt der Kenntnis liegt in der Zukunft.")})
    if incident.occurred_at and incident.aware_at and incident.occurred_at > incident.aware_at:
        raise ValidationError(
            {"occurred_at": _("Der Vorfall kann nicht nach seiner Kenntnis eingetreten sein.")}
        )
    if incident.status == Incident.Status.CLOSED and incident.resolved_at is None:
        raise ValidationError(
            {"resolved_at": _("Bitte geben Sie an, wann die Störung behoben wurde.")}
        )


@transaction.atomic
def record_incident(use_case: UseCase, *, actor: User, reason: str = "", **fields: Any) -> Incident:
    """Record an incident of a use case the actor's department or board keeps."""
    use_case = _maintainable_use_case(actor, use_case)
    unknown = set(fields) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Dieses Feld gibt es nicht.") for name in sorted(unknown)})
    incident = Incident(use_case=use_case, created_by=actor, **fields)
    _check_facts(incident)
    _clean(incident)
    history.save_tracked(incident, actor=actor, reason=reason.strip() or _("Störung erfasst"))
    _emit_incident(Event.INCIDENT_RECORDED, incident, actor=actor)
    if applicable_clocks(incident, incident.aware_at):
        transaction.on_commit(partial(tasks.send_incident_reminders.delay))
    return incident


def _locked_incident(actor: User, incident: Incident) -> Incident:
    visible = permissions.access_incident(actor, incident.pk)
    if not permissions.can_maintain(actor, visible.use_case):
        raise PermissionDenied(_("Störungen pflegen die Fachbereichsleitung und das KI-Gremium."))
    return (
        Incident.objects.select_for_update()
        .select_related("use_case", "use_case__organisation")
        .get(pk=visible.pk)
    )


@transaction.atomic
def change_incident(
    incident: Incident,
    *,
    actor: User,
    reason: str,
    fields: Mapping[str, Any],
    expected_version: str | None = None,
) -> Incident:
    """Change an incident's facts, measures, cause or status, with the reason for the change."""
    incident = _locked_incident(actor, incident)
    if expected_version is not None and expected_version != version_of(incident):
        raise ConcurrentChange
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund für die Änderung an."))
    unknown = set(fields) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Dieses Feld gibt es nicht.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(incident, name, value)
    _check_facts(incident)
    _clean(incident)
    history.save_tracked(incident, actor=actor, reason=reason)
    _emit_incident(Event.INCIDENT_CHANGED, incident, actor=actor)
    return incident


@transaction.atomic
def record_report(
    incident: Incident,
    *,
    actor: User,
    clock: str,
    reported_at: datetime.datetime,
    reference: str = "",
) -> IncidentReport:
    """Record a report a clock asks for; once all are made, the incident is reported."""
    incident = _locked_incident(actor, incident)
    running = {c.key for c in applicable_clocks(incident, incident.aware_at)}
    if clock not in CLOCKS_BY_KEY or clock not in running:
        raise ValidationError({"clock": _("Diese Meldepflicht gilt für die Störung nicht.")})
    if reported_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"reported_at": _("Der Zeitpunkt der Meldung liegt in der Zukunft.")})
    if reported_at < incident.aware_at:
        raise ValidationError(
            {"reported_at": _("Die Meldung kann nicht vor der Kenntnis erfolgt sein.")}
        )
    if incident.reports.filter(clock=clock).exists():
        raise ValidationError({"clock": _("Diese Meldung ist bereits erfasst.")})
    report = IncidentReport(
        organisation_id=incident.use_case.organisation_id,
        incident=incident,
        clock=clock,
        clock_set_version=CLOCK_SET_VERSION,
        reported_at=reported_at,
        reference=reference.strip(),
        recorded_by=actor,
    )
    _clean(report)
    label = _("Meldung erfasst: %(clock)s") % {"clock": CLOCKS_BY_KEY[clock].label}
    history.save_tracked(report, actor=actor, reason=label)
    made = set(incident.reports.values_list("clock", flat=True))
    if running <= made and incident.status in (
        Incident.Status.OPEN,
        Incident.Status.UNDER_INVESTIGATION,
    ):
        incident.status = Incident.Status.REPORTED
        history.save_tracked(incident, actor=actor, reason=label)
    _emit_incident(Event.INCIDENT_CHANGED, incident, actor=actor)
    return report


@transaction.atomic
def add_follow_up_action(
    incident: Incident, *, actor: User, description: str, owner: str, due_date: datetime.date
) -> FollowUpAction:
    """Add a follow-up action with the role that owns it and its due date."""
    incident = _locked_incident(actor, incident)
    action = FollowUpAction(
        organisation_id=incident.use_case.organisation_id,
        incident=incident,
        description=_require(description, "description", _("Bitte beschreiben Sie die Maßnahme.")),
        owner=_require(owner, "owner", _("Bitte nennen Sie die verantwortliche Stelle.")),
        due_date=due_date,
    )
    _clean(action)
    history.save_tracked(action, actor=actor, reason=_("Folgemaßnahme hinzugefügt"))
    return action


@transaction.atomic
def complete_follow_up_action(
    action: FollowUpAction, *, actor: User, done_at: datetime.date
) -> FollowUpAction:
    """Mark a follow-up action done on the given day."""
    incident = _locked_incident(actor, action.incident)
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk, incident=incident)
    if done_at > timezone.localdate():
        raise ValidationError({"done_at": _("Das Datum liegt in der Zukunft.")})
    action.done_at = done_at
    _clean(action)
    history.save_tracked(action, actor=actor, reason=_("Folgemaßnahme erledigt"))
    return action


@transaction.atomic
def publish_incident_note(
    incident: Incident, *, actor: User, note: str, published: bool, reason: str
) -> Incident:
    """The board decides on the plain-language public note of an incident (or withdraws it)."""
    visible = permissions.access_incident(actor, incident.pk)
    if not permissions.can_publish_note(actor, visible.use_case):
        raise PermissionDenied(_("Über den öffentlichen Hinweis entscheidet das KI-Gremium."))
    incident = Incident.objects.select_for_update().get(pk=visible.pk)
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    note = note.strip()
    if published and not note:
        raise ValidationError({"public_note": _("Bitte schreiben Sie den Hinweis.")})
    incident.public_note = note
    incident.note_published = published
    _clean(incident)
    history.save_tracked(incident, actor=actor, reason=reason)
    _emit_incident(Event.INCIDENT_CHANGED, incident, actor=actor)
    return incident


SETTINGS_FIELDS = (
    "time_zone",
    "objection_response_days",
    "objector_data_retention_days",
    "reminder_hours_before",
)


@transaction.atomic
def update_response_settings(
    organisation: Organisation, *, actor: User, reason: str, fields: Mapping[str, Any]
) -> ResponseSettings:
    """The board sets its organisation's time zone, objection deadline and retention."""
    if not roles.is_board_member(actor, organisation.pk):
        raise PermissionDenied(_("Die Fristen legt das KI-Gremium fest."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    record = ResponseSettings.objects.select_for_update().filter(
        organisation=organisation
    ).first() or ResponseSettings(organisation=organisation)
    for name, value in fields.items():
        if name not in SETTINGS_FIELDS:
            raise ValidationError({name: _("Dieses Feld gibt es nicht.")})
        setattr(record, name, value)
    _clean(record)
    history.save_tracked(record, actor=actor, reason=reason)
    return record


# -- objections -----------------------------------------------------------------------------------


def _case_number(received_at: datetime.datetime) -> str:
    # Random, not sequential: a case number in a mail does not tell how many others objected.
    return f"W-{received_at.year}-{secrets.token_hex(4).upper()}"


def _due_date(organisation_id: int, received_at: datetime.datetime) -> datetime.date:
    found = response_settings_of(organisation_id)
    local = received_at.astimezone(zoneinfo.ZoneInfo(found.time_zone))
    return local.date() + datetime.timedelta(days=found.objection_response_days)


def _create_objection(
    use_case: UseCase,
    *,
    actor: User | None,
    channel: str,
    received_at: datetime.datetime,
    contact: Mapping[str, Any],
    consent: bool,
) -> Objection:
    statement = _require(
        str(contact.get("statement", "")), "statement", _("Bitte schildern Sie Ihr Anliegen.")
    )
    objection = Objection(
        use_case=use_case,
        channel=channel,
        received_at=received_at,
        routed_to=use_case.responsible_role or use_case.department.name,
        due_date=_due_date(use_case.organisation_id, received_at),
        recorded_by=actor,
    )
    has_contact = any(
        str(contact.get(name, "")).strip() for name in ("name", "email", "postal_address", "phone")
    )
    if channel == Objection.Channel.ONLINE and has_contact and not consent:
        raise ValidationError(
            {"consent": _("Bitte willigen Sie ein, damit wir Ihre Kontaktdaten speichern dürfen.")}
        )
    record = ObjectorContact(
        statement=statement,
        name=str(contact.get("name", "")).strip(),
        email=str(contact.get("email", "")).strip(),
        postal_address=str(contact.get("postal_address", "")).strip(),
        phone=str(contact.get("phone", "")).strip(),
        consent_given_at=timezone.now() if consent else None,
    )
    try:
        record.clean_fields(exclude=["objection"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    for _attempt in range(5):
        objection.case_number = _case_number(received_at)
        try:
            with transaction.atomic():
                _clean(objection)
                history.save_tracked(objection, actor=actor, reason=_("Widerspruch eingegangen"))
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError({"case_number": _("Bitte versuchen Sie es erneut.")})
    record.objection = objection
    record.save()
    transaction.on_commit(partial(tasks.acknowledge_objection.delay, objection.pk))
    _emit_objection(Event.OBJECTION_RECEIVED, objection, actor=actor)
    return objection


@transaction.atomic
def submit_objection(use_case: UseCase, *, contact: Mapping[str, Any], consent: bool) -> Objection:
    """An objection through the public form, against a published use case."""
    return _create_objection(
        use_case,
        actor=None,
        channel=Objection.Channel.ONLINE,
        received_at=timezone.now(),
        contact=contact,
        consent=consent,
    )


@transaction.atomic
def record_objection(
    use_case: UseCase,
    *,
    actor: User,
    channel: str,
    received_at: datetime.datetime,
    contact: Mapping[str, Any],
) -> Objection:
    """Staff record an objection that came by mail, phone, letter or in person."""
    use_case = _maintainable_use_case(actor, use_case)
    if channel not in Objection.Channel.values or channel == Objection.Channel.ONLINE:
        raise ValidationError({"channel": _("Bitte wählen Sie den Eingangsweg.")})
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": _("Das Eingangsdatum liegt in der Zukunft.")})
    # Whoever wrote or called consented by doing so to the processing of what they sent
    # (Art. 6(1)(e) DSGVO: the authority's task); the form's explicit consent is for the web.
    return _create_objection(
        use_case,
        actor=actor,
        channel=channel,
        received_at=received_at,
        contact=contact,
        consent=False,
    )


def _locked_objection(actor: User, objection: Objection) -> Objection:
    visible = permissions.access_objection(actor, objection.pk)
    if not permissions.can_maintain(actor, visible.use_case):
        raise PermissionDenied(
            _("Widersprüche bearbeiten die Fachbereichsleitung und das KI-Gremium.")
        )
    return (
        Objection.objects.select_for_update()
        .select_related("use_case", "use_case__organisation")
        .get(pk=visible.pk)
    )


@transaction.atomic
def start_objection_review(objection: Objection, *, actor: User) -> Objection:
    """A person takes up the objection for human review."""
    objection = _locked_objection(actor, objection)
    if objection.status != Objection.Status.RECEIVED:
        raise ValidationError({"status": _("Der Widerspruch ist bereits in Bearbeitung.")})
    objection.status = Objection.Status.IN_REVIEW
    history.save_tracked(objection, actor=actor, reason=_("Menschliche Überprüfung begonnen"))
    return objection


@transaction.atomic
def decide_objection(
    objection: Objection,
    *,
    actor: User,
    outcome: str,
    note: str,
    human_review_done: bool,
    expected_version: str | None = None,
) -> Objection:
    """Close an objection with its documented outcome, after a human reviewed the case."""
    objection = _locked_objection(actor, objection)
    if expected_version is not None and expected_version != version_of(objection):
        raise ConcurrentChange
    if objection.status == Objection.Status.DECIDED:
        raise ValidationError({"status": _("Der Widerspruch ist bereits abgeschlossen.")})
    if not human_review_done:
        raise ValidationError(
            {
                "human_review_done": _(
                    "Abschließen lässt sich erst nach der menschlichen Überprüfung."
                )
            }
        )
    if outcome not in Objection.Outcome.values:
        raise ValidationError({"outcome": _("Bitte wählen Sie das Ergebnis.")})
    objection.outcome_note = _require(note, "outcome_note", _("Bitte begründen Sie das Ergebnis."))
    objection.outcome = outcome
    objection.human_review_done = True
    objection.status = Objection.Status.DECIDED
    objection.decided_at = timezone.now()
    _clean(objection)
    history.save_tracked(
        objection,
        actor=actor,
        reason=_("Widerspruch abgeschlossen: %(outcome)s")
        % {"outcome": objection.get_outcome_display()},
    )
    transaction.on_commit(partial(tasks.send_objection_outcome.delay, objection.pk))
    _emit_objection(Event.OBJECTION_DECIDED, objection, actor=actor)
    return objection
