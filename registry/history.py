"""The history primitive: tracked saves and deletes with actor and reason, and field diffs.

Every history-tracked row is written through `save_tracked` or `delete_tracked`, so that its
django-simple-history row names who changed it and why. `field_changes` is the one comparison of
two versions of a row that the API, the public change log and the workspace build on; it lives
in accounts.field_diff, below every app that compares versions, and is re-exported here.
`full_clean_changed` validates a stored row before such a save by what changed in it.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.db.models import Q
from django.dispatch import Signal

from accounts.field_diff import (
    BOOKKEEPING_FIELDS,
    FieldChange,
    LabelledChange,
    compared_fields,
    display_value,
    field_changes,
    labelled_changes,
)
from accounts.models import User

# The field diff lives below every app that compares versions (accounts.field_diff); the names
# stay importable from here, where the history primitive is.
__all__ = [
    "BOOKKEEPING_FIELDS",
    "FieldChange",
    "LabelledChange",
    "compared_fields",
    "create_tracked_many",
    "delete_tracked",
    "display_value",
    "field_changes",
    "full_clean_changed",
    "history_rows_bulk_created",
    "labelled_changes",
    "save_tracked",
    "save_tracked_many",
]


def _constraint_fields(constraint: models.BaseConstraint) -> set[str] | None:
    """The fields a constraint reads, or None when it reads expressions this cannot name."""
    if isinstance(constraint, models.CheckConstraint):
        return set(Q(constraint.condition).referenced_base_fields)
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        return set(constraint.fields) | (
            set(Q(constraint.condition).referenced_base_fields) if constraint.condition else set()
        )
    return None


def _field_name(meta: Any, name: str) -> str:
    """A field's name for a name or attname (organisation_id → organisation)."""
    try:
        return str(meta.get_field(name).name)
    except FieldDoesNotExist:
        return name


def full_clean_changed(instance: models.Model, changed: Iterable[str]) -> None:
    """`full_clean()` of a stored row of which only `changed` fields were set: those fields, and
    every constraint that reads one of them with all the fields it reads.

    The rest was valid when it was saved and the database keeps its constraints, foreign keys
    and unique columns so; checking it again cost a query per foreign key, unique field and
    check constraint (each of those in a savepoint of its own) on every save. A model with a
    constraint this cannot read is cleaned whole.
    """
    names = set(changed)
    meta = instance._meta
    for constraint in meta.constraints:
        read = _constraint_fields(constraint)
        if read is None:
            instance.full_clean()
            return
        read = {_field_name(meta, name) for name in read}
        if read & names:
            names |= read
    if meta.unique_together:
        instance.full_clean()
        return
    instance.full_clean(exclude=[f.name for f in meta.concrete_fields if f.name not in names])


def save_tracked(instance: models.Model, *, actor: User | None, reason: str) -> None:
    """Save a history-tracked row, recording who changed it and why."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save()


# Sent after `save_tracked_many` wrote its history rows (sender: the history model; rows: them,
# in the order written; using: the database): what `post_create_historical_record` is to one row,
# for a whole batch, so that the change log enters them under one lock per tree.
history_rows_bulk_created = Signal()


def save_tracked_many(
    instances: Sequence[models.Model],
    *,
    fields: Sequence[str],
    actor: User | None,
    reason: str,
) -> list[models.Model]:
    """Update many existing rows of one tracked model at once, each with its own history row.

    The one bulk write allowed on tracked models outside the benchmark's loader, for re-checks
    that rewrite thousands of rows with the same actor and reason (governance.reclassification):
    one UPDATE per distinct set of new values, one history row per instance (django-simple-history's
    `bulk_history_create`, type "~", the instance's values after the change) and the change
    log's entries through `history_rows_bulk_created`. The caller validates the values; the
    rows must exist and be locked by the caller's transaction.
    """
    if not instances:
        return []
    model = type(instances[0])
    if any(type(instance) is not model for instance in instances):
        raise TypeError("save_tracked_many writes rows of one model at a time")
    if any(instance.pk is None for instance in instances):
        raise ValueError("save_tracked_many updates existing rows only")
    for instance in instances:  # as save_tracked does: what an earlier save left must not count
        instance._history_user = actor  # type: ignore[attr-defined]
        instance._change_reason = reason  # type: ignore[attr-defined]
    db = router.db_for_write(model)
    # Rows with the same new values in one UPDATE each (a re-check gives most rows the same
    # result): Django's bulk_update builds a CASE expression per row and field, which costs
    # more than the writing itself.
    by_name = {field.name: field for field in model._meta.concrete_fields}
    concrete = [by_name[name] for name in fields]
    groups: dict[str, tuple[dict[str, Any], list[Any]]] = {}
    for instance in instances:
        values = {field.attname: field.value_from_object(instance) for field in concrete}
        key = json.dumps(values, sort_keys=True, default=str)
        groups.setdefault(key, (values, []))[1].append(instance.pk)
    with transaction.atomic(using=db, savepoint=False):
        for values, pks in groups.values():
            model._default_manager.using(db).filter(pk__in=pks).update(**values)
        manager = model.history  # type: ignore[attr-defined]
        rows: list[models.Model] = manager.bulk_history_create(
            instances, update=True, default_user=actor, default_change_reason=reason
        )
        history_rows_bulk_created.send(sender=manager.model, rows=rows, using=db)
    return rows


def create_tracked_many(
    instances: Sequence[models.Model], *, actor: User | None, reason: str
) -> list[models.Model]:
    """Create many new rows of one tracked model at once, each with its own history row ("+").

    The counterpart of `save_tracked_many` for rows a re-check adds (the same rule: the caller
    validates; the history rows enter the change log through `history_rows_bulk_created`).
    """
    if not instances:
        return []
    model = type(instances[0])
    if any(type(instance) is not model for instance in instances):
        raise TypeError("create_tracked_many writes rows of one model at a time")
    if any(instance.pk is not None for instance in instances):
        raise ValueError("create_tracked_many creates new rows only")
    for instance in instances:
        instance._history_user = actor  # type: ignore[attr-defined]
        instance._change_reason = reason  # type: ignore[attr-defined]
    db = router.db_for_write(model)
    with transaction.atomic(using=db, savepoint=False):
        created = model._default_manager.using(db).bulk_create(instances)
        if any(instance.pk is None for instance in created):  # a backend without RETURNING
            raise RuntimeError("create_tracked_many needs the new rows' primary keys")
        manager = model.history  # type: ignore[attr-defined]
        rows: list[models.Model] = manager.bulk_history_create(
            created, default_user=actor, default_change_reason=reason
        )
        history_rows_bulk_created.send(sender=manager.model, rows=rows, using=db)
    return rows


def delete_tracked(instance: models.Model, *, actor: User | None, reason: str) -> None:
    """Delete a history-tracked row, recording who deleted it and why."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.delete()
