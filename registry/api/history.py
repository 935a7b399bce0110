"""A use case's history as the API shows it: versions with actor, time, reason and field diff."""

import datetime
import decimal
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import models

from registry.history import compared_fields, field_changes
from registry.models import (
    DataSource,
    LegalBasis,
    PublicService,
    PublishedUseCase,
    UseCase,
    WithheldField,
)
from registry.publication import public_field_changes

HISTORY_MODELS: dict[str, type[models.Model]] = {
    "use_case": UseCase,
    "legal_bases": LegalBasis,
    "data_sources": DataSource,
    "public_services": PublicService,
    "withheld_fields": WithheldField,
}
CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
HISTORY_CHANGE_TYPES = list(CHANGE_TYPES.values())
PUBLIC_CHANGES = {"+": "published", "~": "changed", "-": "withdrawn"}
PUBLIC_CHANGE_TYPES = list(PUBLIC_CHANGES.values())


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _diff(fields: Sequence["models.Field[Any, Any]"], old: Any, new: Any) -> list[dict[str, Any]]:
    return [
        {"field": change.name, "old": _json_value(change.old), "new": _json_value(change.new)}
        for change in field_changes(old, new, fields=fields)
    ]


def _public_diff(
    fields: Sequence["models.Field[Any, Any]"], old: Any, new: Any, withheld: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        {
            "field": change.name,
            "old": _json_value(change.old),
            "new": _json_value(change.new),
            "withheld": change.withheld,
        }
        for change in public_field_changes(old, new, fields=fields, withheld=withheld)
    ]


def _actor(record: Any) -> dict[str, Any] | None:
    user = record.history_user
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.get_full_name() or user.username}


def versions_of(
    model: type[models.Model], object_type: str, records: Any
) -> list[tuple[tuple[Any, int], dict[str, Any]]]:
    """The history rows of one kind of record as entries, each compared with the row before it
    of the same record; keyed for sorting by time and version."""
    fields = compared_fields(model)
    previous: dict[int, Any] = {}
    entries = []
    for record in records.select_related("history_user").order_by("history_date", "history_id"):
        change_type = CHANGE_TYPES[record.history_type]
        before = previous.get(record.id)
        after = None if change_type == "deleted" else record
        entries.append(
            (
                (record.history_date, record.history_id),
                {
                    "version": record.history_id,
                    "object_type": object_type,
                    "object_id": record.id,
                    "change_type": change_type,
                    "changed_at": record.history_date.isoformat(),
                    "actor": _actor(record),
                    "reason": record.history_change_reason or "",
                    "changes": _diff(fields, before, after),
                },
            )
        )
        previous[record.id] = record
    return entries


def record_history(model: type[models.Model], object_type: str, pk: int) -> list[dict[str, Any]]:
    """Every version of one tracked record, newest first."""
    records = model.history.filter(id=pk)  # type: ignore[attr-defined]
    return [entry for _key, entry in reversed(versions_of(model, object_type, records))]


def use_case_history(use_case_id: int) -> list[dict[str, Any]]:
    """Every version of the use case and of its child rows, newest first."""
    entries: list[tuple[Any, dict[str, Any]]] = []
    for object_type, model in HISTORY_MODELS.items():
        history = model.history  # type: ignore[attr-defined]
        if object_type == "use_case":
            records = history.filter(id=use_case_id)
        else:
            records = history.filter(use_case_id=use_case_id)
        entries += versions_of(model, object_type, records)
    entries.sort(key=lambda item: item[0], reverse=True)
    return [entry for _key, entry in entries]


def public_changes(record: PublishedUseCase) -> list[dict[str, Any]]:
    """The public change log of one published use case, newest first: public fields only, and
    no value of a field the record withholds now or the compared versions withheld then."""
    fields = compared_fields(PublishedUseCase)
    versions = PublishedUseCase.history.filter(use_case_id=record.use_case_id).order_by(
        "history_date", "history_id"
    )
    log = []
    previous = None
    for version in versions:
        change_type = PUBLIC_CHANGES[version.history_type]
        after = None if change_type == "withdrawn" else version
        log.append(
            {
                "changed_at": version.history_date.isoformat(),
                "change_type": change_type,
                "changes": _public_diff(fields, previous, after, record.withheld)
                if after is not None
                else [],
            }
        )
        previous = None if change_type == "withdrawn" else version
    log.reverse()
    return log
