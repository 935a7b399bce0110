"""Reads about accounts that carry rules: the history of a person's roles."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Membership, Organisation, User

CHANGE_LABELS = {
    "+": _("vergeben"),
    "~": _("geändert"),
    "-": _("entzogen"),
}


@dataclass(frozen=True)
class RoleHistoryEntry:
    """One historical row of a membership, as the role history page shows it."""

    history_id: int
    changed_at: datetime
    change_type: str
    role: str
    organisation: Organisation
    departments: tuple[Department, ...]
    actor: User | None
    reason: str
    source: str

    @property
    def change_label(self) -> str:
        return str(CHANGE_LABELS[self.change_type])

    @property
    def role_label(self) -> str:
        return str(Membership.Role(self.role).label)

    @property
    def source_label(self) -> str:
        return str(Membership.Source(self.source).label)

    @property
    def from_identity_provider(self) -> bool:
        return self.source == Membership.Source.IDENTITY_PROVIDER


def role_history_of(person: User, organisations: QuerySet[Organisation]) -> list[RoleHistoryEntry]:
    """Every historical membership row of the person in these organisations, newest first."""
    rows = list(
        Membership.history.filter(user_id=person.pk, organisation_id__in=organisations.values("pk"))
        .select_related("organisation", "history_user")
        .order_by("-history_date", "-history_id")
    )
    through = apps.get_model("accounts", "HistoricalMembership_departments")
    departments: dict[int, list[Department]] = {}
    links = through.objects.filter(history_id__in=[row.history_id for row in rows])
    for link in links.select_related("department"):
        departments.setdefault(link.history_id, []).append(link.department)
    return [
        RoleHistoryEntry(
            history_id=row.history_id,
            changed_at=row.history_date,
            change_type=row.history_type,
            role=row.role,
            organisation=row.organisation,
            departments=tuple(sorted(departments.get(row.history_id, []), key=lambda d: d.name)),
            actor=row.history_user,
            reason=row.history_change_reason or "",
            source=row.source,
        )
        for row in rows
    ]
