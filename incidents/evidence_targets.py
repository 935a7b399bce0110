"""Incidents as records evidence documents attach to (reports sent, screenshots, root-cause
analyses): seen by whoever sees the incident, which is not everyone who sees its use case (the
data protection officer sees only incidents with personal data), attached by who keeps it."""

from typing import Any

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from evidence.targets import Target, TargetKind, register
from incidents import permissions
from incidents.models import Incident

INCIDENT = "incident"


def _incident(pk: int) -> Target | None:
    incident = Incident.objects.select_related("use_case").filter(pk=pk).first()
    if incident is None:
        return None
    label = _("Störung „%(title)s“ vom %(day)s") % {
        "title": incident.title,
        "day": formats.date_format(incident.aware_at, "SHORT_DATE_FORMAT"),
    }
    return Target(INCIDENT, pk, incident.use_case.organisation_id, incident.use_case_id, label)


def _may_attach(user: User, target: Target) -> bool:
    incident = permissions.incidents_visible_to(user).filter(pk=target.pk).first()
    return incident is not None and permissions.can_maintain(user, incident.use_case)


def _visible_ids(user: User) -> "QuerySet[Any, Any]":
    return permissions.incidents_visible_to(user).values("pk")


def register_all() -> None:
    register(
        TargetKind(
            INCIDENT,
            _("Störung"),
            resolve=_incident,
            may_attach=_may_attach,
            visible_ids=_visible_ids,
        )
    )
