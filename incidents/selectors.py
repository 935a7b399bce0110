"""Reads about incidents and objections that carry rules: deadlines, overdue reports, counts."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation
from incidents.clocks import Clock, applicable_clocks
from incidents.models import Incident, IncidentReport, Objection, ResponseSettings


def response_settings_of(organisation_id: int) -> ResponseSettings:
    """The organisation's deadlines and time zone, or the defaults when it set none."""
    found = ResponseSettings.objects.filter(organisation_id=organisation_id).first()
    return found or ResponseSettings(organisation_id=organisation_id)


@dataclass(frozen=True)
class Deadline:
    """A clock running for an incident: when it is due and, once made, its report."""

    clock: Clock
    due_at: datetime.datetime
    report: IncidentReport | None

    @property
    def done(self) -> bool:
        return self.report is not None

    def remaining(self, now: datetime.datetime) -> datetime.timedelta:
        return self.due_at - now

    def overdue(self, now: datetime.datetime) -> bool:
        return not self.done and now >= self.due_at


def deadlines_of(incident: Incident, time_zone: str) -> list[Deadline]:
    """The reporting deadlines that apply to the incident, each with its report if made."""
    # Uses the prefetched reports where a list view fetched them.
    reports = {report.clock: report for report in incident.reports.all()}
    # In UTC, so that arithmetic on it counts elapsed time (one zone's arithmetic is wall time).
    return [
        Deadline(
            clock,
            clock.deadline(incident.aware_at, time_zone).astimezone(datetime.UTC),
            reports.get(clock.key),
        )
        for clock in applicable_clocks(incident, incident.aware_at)
    ]


def _reportable(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents some clock may apply to, not closed, with their reports and organisation."""
    return (
        incidents.filter(Q(effect=Incident.Effect.SERIOUS) | Q(personal_data_involved=True))
        .exclude(status=Incident.Status.CLOSED)
        .select_related("use_case", "use_case__organisation", "use_case__department")
        .prefetch_related("reports")
    )


@dataclass(frozen=True)
class OpenDeadline:
    incident: Incident
    deadline: Deadline


def open_deadlines(incidents: QuerySet[Incident]) -> list[OpenDeadline]:
    """Deadlines not yet met, earliest first, of the given incidents (a visibility selector's)."""
    settings_by_org: dict[int, str] = {}
    found = []
    for incident in _reportable(incidents):
        org_id = incident.use_case.organisation_id
        if org_id not in settings_by_org:
            settings_by_org[org_id] = response_settings_of(org_id).time_zone
        for deadline in deadlines_of(incident, settings_by_org[org_id]):
            if not deadline.done:
                found.append(OpenDeadline(incident, deadline))
    return sorted(found, key=lambda item: (item.deadline.due_at, item.incident.pk))


def overdue_reports(
    organisation: Organisation, *, now: datetime.datetime | None = None
) -> list[OpenDeadline]:
    """The organisation's reports whose deadline has passed without a report."""
    now = now or timezone.now()
    return [
        item
        for item in open_deadlines(Incident.objects.filter(use_case__organisation=organisation))
        if item.deadline.overdue(now)
    ]


def objection_counts(use_case_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per use case: objections received, decided, and decided with a changed decision."""
    rows = (
        Objection.objects.filter(use_case_id__in=use_case_ids)
        .values("use_case_id")
        .annotate(
            received=Count("pk"),
            decided=Count("pk", filter=Q(status=Objection.Status.DECIDED)),
            changed=Count("pk", filter=Q(outcome=Objection.Outcome.CHANGED)),
        )
    )
    return {
        row["use_case_id"]: {key: row[key] for key in ("received", "decided", "changed")}
        for row in rows
    }


def published_notes(use_case_id: int) -> QuerySet[Incident]:
    """The incidents of a use case whose plain-language note the board made public."""
    return Incident.objects.filter(use_case_id=use_case_id, note_published=True).only(
        "pk", "use_case_id", "occurred_at", "aware_at", "resolved_at", "public_note"
    )


def objections_past_retention(*, now: datetime.datetime) -> list[Objection]:
    """Decided objections whose contact data the organisation's retention says to erase now."""
    candidates = (
        Objection.objects.filter(
            status=Objection.Status.DECIDED,
            personal_data_erased_at__isnull=True,
            contact__isnull=False,
        )
        .select_related("use_case")
        .order_by("decided_at", "pk")
    )
    retention: dict[int, int] = {}
    due = []
    for objection in candidates:
        org_id = objection.use_case.organisation_id
        if org_id not in retention:
            retention[org_id] = response_settings_of(org_id).objector_data_retention_days
        assert objection.decided_at is not None  # decided objections carry the time
        if objection.decided_at + datetime.timedelta(days=retention[org_id]) <= now:
            due.append(objection)
    return due
