"""What the public entry page says where a field is empty, and whether its review is overdue."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from registry.models import UseCase
from registry.publication import WITHHELD_GROUPS

# The fields the entry page shows even when they are empty.
EXPLAINED_FIELDS: tuple[str, ...] = (
    "purpose",
    "technique",
    "ai_system_name",
    "vendor",
    "product",
    "model_name",
    "hosting",
    "legal_bases",
    "processes_personal_data",
    "processes_special_categories",
    "public_services",
    "interfaces",
    "oversight_mode",
    "oversight_role",
    "oversight_can_override",
    "oversight_can_stop",
    "dpia_status",
    "fria_status",
)

_ASSESSMENTS = ("dpia_status", "fria_status")


@dataclass(frozen=True)
class Absence:
    """Why a field of a public record is empty: withheld, not applicable or not yet recorded."""

    WITHHELD = "withheld"
    NOT_APPLICABLE = "not_applicable"
    NOT_RECORDED = "not_recorded"

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _withheld_reason(record: Any, name: str) -> str | None:
    for group, reason in (record.withheld or {}).items():
        if name in WITHHELD_GROUPS.get(group, ()):
            return str(reason)
    return None


def _not_applicable(record: Any, name: str) -> str | None:
    if (
        name == "fria_status"
        and record.risk_class
        and record.risk_class != UseCase.RiskClass.HIGH_RISK
    ):
        return _("entfällt: nur für Hochrisiko-Systeme vorgeschrieben (Art. 27 KI-VO)")
    if record.processes_personal_data is False:
        if name == "dpia_status":
            return _("entfällt: keine personenbezogenen Daten (Art. 35 DSGVO)")
        if name == "processes_special_categories":
            return _("entfällt: keine personenbezogenen Daten")
    return None


def why_empty(record: Any, name: str) -> Absence | None:
    """Why the field is empty in the public record (withheld, not applicable, not yet
    recorded), from what the record itself says; None when it has a value."""
    reason = _withheld_reason(record, name)
    if reason is not None:
        return Absence(Absence.WITHHELD, _("nicht veröffentlicht: %(reason)s") % {"reason": reason})
    value = getattr(record, name)
    # An assessment still "open" that the law does not ask for is not applicable, not pending.
    pending = name in _ASSESSMENTS and value == UseCase.AssessmentStatus.OPEN
    if _is_empty(value) or pending:
        applicability = _not_applicable(record, name)
        if applicability is not None:
            return Absence(Absence.NOT_APPLICABLE, applicability)
    if not _is_empty(value):
        return None
    return Absence(Absence.NOT_RECORDED, _("noch nicht erfasst"))


def empty_fields(record: Any) -> dict[str, Absence]:
    """The empty fields of the entry page, each with why it is empty."""
    absences = {name: why_empty(record, name) for name in EXPLAINED_FIELDS}
    return {name: absence for name, absence in absences.items() if absence is not None}


def review_overdue_since(
    review_date: datetime.date | None, status: str, today: datetime.date
) -> datetime.date | None:
    """The review date of an entry still in use whose periodic review has passed, else None
    (the same rule as governance's overdue reviews: the day after the date)."""
    if review_date is None or status == UseCase.Status.RETIRED or review_date >= today:
        return None
    return review_date
