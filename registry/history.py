"""The history primitive: tracked saves and deletes with actor and reason, and field diffs.

Every history-tracked row is written through `save_tracked` or `delete_tracked`, so that its
django-simple-history row names who changed it and why. `field_changes` is the one comparison of
two versions of a row that the API, the public change log and the workspace build on.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from accounts.models import User

# Bookkeeping that changes with every save or never, and says nothing about the change: the row's
# identity, its timestamps and the use case a child row or a public record belongs to.
BOOKKEEPING_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "use_case", "first_published_at", "published_at"}
)


def save_tracked(instance: models.Model, *, actor: User | None, reason: str) -> None:
    """Save a history-tracked row, recording who changed it and why."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save()


def delete_tracked(instance: models.Model, *, actor: User | None, reason: str) -> None:
    """Delete a history-tracked row, recording who deleted it and why."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.delete()


def compared_fields(
    model: type[models.Model], *, hidden: Iterable[str] = ()
) -> tuple["models.Field[Any, Any]", ...]:
    """The model's fields a diff looks at, in model order: all but bookkeeping and `hidden`."""
    skipped = BOOKKEEPING_FIELDS | set(hidden)
    return tuple(f for f in model._meta.concrete_fields if f.name not in skipped)


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs between two versions of a row."""

    name: str
    old: Any
    new: Any


def field_changes(
    old: Any, new: Any, *, fields: Sequence["models.Field[Any, Any]"]
) -> list[FieldChange]:
    """The fields in which `new` differs from `old`, in the order of `fields`.

    A side that does not exist (`None`: before a creation, after a deletion) has no values; a new
    row's empty fields are no change. Foreign keys compare and report their ids.
    """
    changes = []
    for field in fields:
        before = getattr(old, field.attname) if old is not None else None
        after = getattr(new, field.attname) if new is not None else None
        if before != after and not (old is None and after in ("", None)):
            changes.append(FieldChange(field.name, before, after))
    return changes
