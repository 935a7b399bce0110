"""The one field diff: which fields of two versions of a row differ, and how people read them.

It knows nothing of the models it compares, so every app builds on it: the use case's history
(registry.history re-exports it), the public change log, the API, the workspace's comparison
and every admin's "Änderungsverlauf" (accounts.admin_history).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

# Bookkeeping that changes with every save or never, and says nothing about the change: the row's
# identity, its timestamps and the use case a child row or a public record belongs to.
BOOKKEEPING_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "use_case", "first_published_at", "published_at"}
)


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


def display_value(
    field: "models.Field[Any, Any]", value: Any, names: dict[Any, str] | None = None
) -> str:
    """A stored value as a reader expects it: choice labels, Ja/Nein, German dates and decimal
    commas, names for ids.

    `value` is what `field_changes` reports (a foreign key's id); `names` maps such ids to names.
    """
    if value is None or value == "":
        return "–"
    if field.is_relation:
        return (names or {}).get(value, str(value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nein")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


@dataclass(frozen=True)
class LabelledChange:
    """A field change as people read it: the field's label and both values displayed."""

    field: str
    old: str
    new: str


def labelled_changes(
    old: Any, new: Any, *, fields: Sequence["models.Field[Any, Any]"]
) -> list[LabelledChange]:
    """`field_changes` between two versions, with labels and displayed values (names for ids)."""
    changes = field_changes(old, new, fields=fields)
    by_name = {f.name: f for f in fields}
    names: dict[str, dict[Any, str]] = {}
    for change in changes:
        field = by_name[change.name]
        model = field.related_model
        if field.is_relation and isinstance(model, type):
            ids = {change.old, change.new} - {None}
            related = model._default_manager.filter(pk__in=ids)
            names[change.name] = {row.pk: str(row) for row in related}
    return [
        LabelledChange(
            str(getattr(by_name[c.name], "verbose_name", c.name)),
            display_value(by_name[c.name], c.old, names.get(c.name)),
            display_value(by_name[c.name], c.new, names.get(c.name)),
        )
        for c in changes
    ]
