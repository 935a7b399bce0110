"""Versions of a use case from its history, labelled in German and compared field by field."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet

from accounts.models import Department
from registry.history import compared_fields, display_value
from registry.models import AISystem, UseCase
from registry.services import CHILD_MODELS

# Fields a reader compares. The table shows every field, changed or not, so the organisation,
# which never changes, would only add a row of noise.
COMPARED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in compared_fields(UseCase, hidden={"organisation"})
)
CHILD_LABELS = {key: model._meta.verbose_name_plural for key, model in CHILD_MODELS.items()}


def _model_field(name: str) -> "models.Field[Any, Any]":
    field = UseCase._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def label(name: str) -> str:
    return str(_model_field(name).verbose_name)


def display(name: str, value: Any, names: dict[str, dict[int, str]] | None = None) -> str:
    """A value as a reader expects it (`registry.history.display_value`); none is unclassified."""
    if name == "risk_class" and value in (None, ""):
        return str(UseCase.RiskClass.UNCLASSIFIED.label)
    return display_value(_model_field(name), value, (names or {}).get(name))


def field_row(use_case: UseCase, name: str) -> dict[str, str]:
    """Label and displayed value of one field of a live use case."""
    field = _model_field(name)
    if field.is_relation:
        related = getattr(use_case, name)
        value = str(related) if related is not None else "–"
    else:
        value = display(name, getattr(use_case, name))
    return {"name": name, "label": label(name), "value": value}


def history_of(use_case: UseCase) -> QuerySet[Any]:
    """The use case's versions, newest first, with who made them."""
    # simple-history's manager is untyped.
    versions: QuerySet[Any] = (
        UseCase.history.filter(id=use_case.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return versions


def _children_before(use_case: UseCase, until: datetime.datetime | None) -> dict[str, list[str]]:
    """Each kind of child row as it stood before `until` (now when None), from the rows' history.

    A version's child rows are those saved up to the next version of the use case: the services
    save the use case first and its child rows after it, in the same transaction.
    """
    rows: dict[str, list[str]] = {}
    for key, model in CHILD_MODELS.items():
        latest: dict[int, Any] = {}
        records = model.history.filter(use_case_id=use_case.pk)  # type: ignore[attr-defined]
        if until is not None:
            records = records.filter(history_date__lt=until)
        records = records.order_by("id", "history_date", "history_id")
        for record in records:
            latest[record.id] = record
        rows[key] = [
            str(record.instance)
            for _id, record in sorted(latest.items())
            if record.history_type != "-"
        ]
    return rows


@dataclass(frozen=True)
class Row:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _next_date(records: list[Any], record: Any) -> datetime.datetime | None:
    """When the version after `record` was made; records are newest first."""
    index = records.index(record)
    return records[index - 1].history_date if index > 0 else None


def compare(use_case: UseCase, records: list[Any], older: Any, newer: Any) -> dict[str, Any]:
    """Two versions side by side: every field and child-row list, with changes marked."""
    department_ids = {older.department_id, newer.department_id} - {None}
    system_ids = {older.ai_system_id, newer.ai_system_id} - {None}
    names = {
        "department": dict(
            Department.objects.filter(pk__in=department_ids).values_list("pk", "name")
        ),
        "ai_system": dict(AISystem.objects.filter(pk__in=system_ids).values_list("pk", "name")),
    }
    rows = []
    for name in COMPARED_FIELDS:
        attname = _model_field(name).attname
        rows.append(
            Row(
                label(name),
                display(name, getattr(older, attname), names),
                display(name, getattr(newer, attname), names),
            )
        )
    old_children = _children_before(use_case, _next_date(records, older))
    new_children = _children_before(use_case, _next_date(records, newer))
    children = [
        {
            "label": CHILD_LABELS[key],
            "old": old_children[key],
            "new": new_children[key],
            "changed": old_children[key] != new_children[key],
        }
        for key in CHILD_MODELS
    ]
    return {
        "older": older,
        "newer": newer,
        "rows": rows,
        "children": children,
        "changed_count": sum(1 for r in rows if r.changed)
        + sum(1 for c in children if c["changed"]),
    }
