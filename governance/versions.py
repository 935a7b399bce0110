"""The version of a use case a person loaded, and what others changed since: no silent overwrite.

A version names, for the use case and every tracked part a form edits with it (child rows,
access grants, the risk questionnaire), the newest history row. A save that starts from an older
version than the current one is refused (governance.services: ConcurrentChange) and the person
is shown who changed what meanwhile, with what they typed kept.

A page that shows a use case for editing reads its version *before* it reads the use case: each
statement sees what was committed when it ran, so a change committed between the two reads
makes the page's version older than its data (the next save is a conflict), never newer (the
save would overwrite the change unseen).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, OuterRef, Subquery
from django.utils.translation import gettext as _

from governance.models import RiskClassification
from registry.history import compared_fields, field_changes
from registry.models import (
    AccessGrant,
    DataSource,
    LegalBasis,
    PublicService,
    UseCase,
    WithheldField,
)

# The parts of a use case's version, by a short key: the history of each, filtered to the use case.
PARTS: dict[str, tuple[type[Model], str]] = {
    "uc": (UseCase, "id"),
    "lb": (LegalBasis, "use_case_id"),
    "ds": (DataSource, "use_case_id"),
    "ps": (PublicService, "use_case_id"),
    "wf": (WithheldField, "use_case_id"),
    "ag": (AccessGrant, "use_case_id"),
    "rc": (RiskClassification, "use_case_id"),
}
# The fields whose change a person is told by name; a transition alone (the workflow state) is
# told as "Bearbeitungsstand".
CHANGE_LABEL_FIELDS = compared_fields(UseCase, hidden={"workflow_state"})


@dataclass(frozen=True)
class Change:
    """One change another person made after the version someone loaded."""

    what: str
    who: str
    when: datetime.datetime


def _history(model: type[Model]) -> Any:
    return model.history  # type: ignore[attr-defined]


def use_case_version(use_case_id: int) -> str:
    """The use case's current version as a token, in one query."""
    latest = {
        key: Subquery(
            _history(model)
            .filter(**{lookup: OuterRef("pk")})
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        for key, (model, lookup) in PARTS.items()
    }
    row = UseCase.objects.filter(pk=use_case_id).annotate(**latest).values(*PARTS).first() or {}
    return ".".join(f"{key}{row.get(key) or 0}" for key in PARTS)


def _parse(token: str) -> dict[str, int] | None:
    parts: dict[str, int] = {}
    for piece in token.split("."):
        key, number = piece[:2], piece[2:]
        if key not in PARTS or not number.isdigit() or len(number) > 18:
            return None
        parts[key] = int(number)
    return parts if set(parts) == set(PARTS) else None


def changes_since(use_case_id: int, token: str) -> list[Change]:
    """What was changed after the version `token`, newest last (everything if it is unreadable)."""
    seen = _parse(token) or dict.fromkeys(PARTS, 0)
    changes: list[Change] = []
    for key, (model, lookup) in PARTS.items():
        rows = (
            _history(model)
            .filter(**{lookup: use_case_id, "history_id__gt": seen[key]})
            .select_related("history_user")
            .order_by("history_id")
        )
        for row in rows[:50]:
            changes.append(Change(_what(model, row), _who(row), row.history_date))
    changes.sort(key=lambda change: change.when)
    return changes


def _what(model: type[Model], row: object) -> str:
    if model is not UseCase:
        return str(model._meta.verbose_name_plural)
    previous = row.prev_record  # type: ignore[attr-defined]
    if previous is None:
        return _("angelegt")
    labels = [
        str(getattr(UseCase._meta.get_field(change.name), "verbose_name", change.name))
        for change in field_changes(previous, row, fields=CHANGE_LABEL_FIELDS)
    ]
    return ", ".join(labels) or _("Bearbeitungsstand")


def _who(row: object) -> str:
    user = row.history_user  # type: ignore[attr-defined]
    return str(user) if user is not None else _("das System")
