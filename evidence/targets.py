"""The kinds of record a document can be attached to, declared by the apps that own them.

The evidence app sits below governance and every app built on it, so it cannot import their
models. Instead each app declares its records as a `TargetKind` in its `AppConfig.ready()`
(`register(...)`); a document stores the kind's key and the record's id, and asks the kind to
find the record and to say who may see it and attach to it. A key no app declared is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

from accounts.models import User


@dataclass(frozen=True)
class Target:
    """The record a document is attached to, as the evidence app needs to know it."""

    kind: str
    pk: int
    organisation_id: int
    # The use case the record belongs to (None for organisation-wide records): a document of it
    # is visible exactly to those who may see that use case, unless the kind says otherwise.
    use_case_id: int | None
    label: str


@dataclass(frozen=True)
class TargetKind:
    """One kind of record documents can be attached to, with its rules."""

    key: str
    label: Promise
    # The record by id, or None when it does not exist (no permission check here).
    resolve: Callable[[int], Target | None]
    # Whether the user may attach documents to (and add versions on) this record.
    may_attach: Callable[[User, Target], bool]
    # For kinds with their own visibility (not "whoever sees the use case"): the ids of the
    # records of this kind the user may see, as a query; None means the use case decides.
    visible_ids: Callable[[User], "QuerySet[Any, Any]"] | None = None


_KINDS: dict[str, TargetKind] = {}


def register(kind: TargetKind) -> None:
    """Declare a kind of target; a second declaration of the same key must be the same kind."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"target kind {kind.key!r} is declared twice")
    _KINDS[kind.key] = kind


def get(key: str) -> TargetKind | None:
    """The declared kind of that key, or None."""
    return _KINDS.get(key)


def all_kinds() -> tuple[TargetKind, ...]:
    """Every declared kind, in the order of declaration."""
    return tuple(_KINDS.values())
