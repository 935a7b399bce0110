"""Every write to use cases, their child rows and AI systems.

Each service takes the acting user and a reason, validates before saving, runs in one transaction
and leaves a history row (registry.history) naming the actor and the reason.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import Department, Organisation, User
from registry import permissions
from registry.history import delete_tracked, full_clean_changed, save_tracked
from registry.models import (
    AccessGrant,
    AISystem,
    DataSource,
    LegalBasis,
    PublicService,
    PublishedUseCase,
    UseCase,
    WithheldField,
)
from registry.webhooks import events

# Child rows a use case owns, by the keyword the services take them under.
CHILD_MODELS: dict[str, type[models.Model]] = {
    "legal_bases": LegalBasis,
    "data_sources": DataSource,
    "public_services": PublicService,
    "withheld_fields": WithheldField,
}
# More rows of one kind than any use case needs is a mistake or an attack; refuse it early.
MAX_CHILD_ROWS = 100
# Fields the workflow owns; only governance services change them.
WORKFLOW_FIELDS = frozenset({"workflow_state"})
EDITABLE_USE_CASE_FIELDS = frozenset(
    f.name
    for f in UseCase._meta.concrete_fields
    if f.editable and f.name not in {"id", "organisation", "created_at", "updated_at"}
)


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund für die Änderung an.")})


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_USE_CASE_FIELDS - {"department"}
    if unknown:
        raise ValidationError(
            {name: _("Dieses Feld gibt es nicht oder es ist nicht änderbar.") for name in unknown}
        )


def _replace_children(
    use_case: UseCase,
    key: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    actor: User | None,
    reason: str,
) -> bool:
    """Make the use case's child rows of one kind equal to `rows`; rows with an id are updated."""
    model = CHILD_MODELS[key]
    rows = list(rows)
    if len(rows) > MAX_CHILD_ROWS:
        raise ValidationError(
            {key: _("Höchstens %(limit)s Einträge je Angabe.") % {"limit": MAX_CHILD_ROWS}}
        )
    existing = {row.pk: row for row in model._default_manager.filter(use_case=use_case)}
    kept: set[int] = set()
    to_save: list[models.Model] = []
    errors: dict[str, list[str]] = {}
    unique_sets = _unique_field_sets(model)
    seen: dict[tuple[Any, ...], int] = {}
    for index, raw in enumerate(rows):
        values = dict(raw)
        pk = values.pop("id", None)
        if pk is not None and pk not in existing:
            errors[f"{key}-{index}-id"] = [_("Diese Zeile gehört nicht zu diesem Anwendungsfall.")]
            continue
        row = existing[pk] if pk is not None else model(use_case=use_case)
        changed = pk is None
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        try:
            row.full_clean(exclude=["use_case"], validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{key}-{index}-{field}"] = messages
            continue
        duplicate = _duplicate_of(row, index, unique_sets, seen)
        if duplicate is not None:
            field, first = duplicate
            errors[f"{key}-{index}-{field}"] = [
                _("Dieser Eintrag steht schon in Zeile %(row)s.") % {"row": first + 1}
            ]
            continue
        if pk is not None:
            kept.add(pk)
        if changed:
            to_save.append(row)
    if errors:
        raise ValidationError(errors)
    # Removed rows go first: a row re-entered under a new id must not meet its old self.
    removed = [row for pk, row in existing.items() if pk not in kept]
    for row in removed:
        delete_tracked(row, actor=actor, reason=reason)
    for row in to_save:
        save_tracked(row, actor=actor, reason=reason)
    return bool(to_save or removed)


def _unique_field_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The fields that must differ between two child rows of one use case (its constraints)."""
    return [
        tuple(name for name in constraint.fields if name != "use_case")
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and "use_case" in constraint.fields
    ]


def _duplicate_of(
    row: models.Model,
    index: int,
    unique_sets: list[tuple[str, ...]],
    seen: dict[tuple[Any, ...], int],
) -> tuple[str, int] | None:
    """The field and first row index that this row repeats, else None (and it is remembered)."""
    for fields in unique_sets:
        values = (fields, *(getattr(row, name) for name in fields))
        if values in seen:
            return fields[-1], seen[values]
    for fields in unique_sets:
        seen[(fields, *(getattr(row, name) for name in fields))] = index
    return None


def _full_clean_use_case(use_case: UseCase, changed: Iterable[str] | None = None) -> None:
    try:
        if changed is None or use_case.pk is None:
            use_case.full_clean()
        else:
            full_clean_changed(use_case, changed)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def create_use_case(
    *,
    actor: User,
    department: Department,
    reason: str = "",
    children: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    **fields: Any,
) -> UseCase:
    """Register a use case in a department the actor may create in, and grant its permissions."""
    if not permissions.can_create_use_case(actor, department):
        raise PermissionDenied(_("Sie dürfen in diesem Fachbereich keine Anwendungsfälle anlegen."))
    _check_fields(fields)
    use_case = UseCase(organisation=department.organisation, department=department, **fields)
    _full_clean_use_case(use_case)
    save_tracked(use_case, actor=actor, reason=reason or _("Anwendungsfall angelegt"))
    for key, rows in (children or {}).items():
        _replace_children(use_case, key, rows, actor=actor, reason=reason or _("angelegt"))
    permissions.assign_default_permissions(use_case)
    events.emit_event(events.EVENTS.USE_CASE_CREATED, use_case, actor=actor)
    return use_case


@transaction.atomic
def mark_adopted(use_case: UseCase, *, source: UseCase, actor: User, reason: str) -> None:
    """Record that a new use case was adopted from another organisation's published one."""
    use_case = permissions.access_use_case(actor, use_case.pk, perm=permissions.CHANGE)
    if source.organisation_id == use_case.organisation_id:
        raise ValidationError(
            {"adopted_from": _("Eigene Anwendungsfälle können nicht nachgenutzt werden.")}
        )
    use_case.adopted_from = source
    save_tracked(use_case, actor=actor, reason=reason)


@transaction.atomic(savepoint=False)
def apply_use_case_fields(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    children: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    checked: permissions.Checked | None = None,
    **fields: Any,
) -> set[str]:
    """Building block of governance.services.change_use_case; interfaces never call it.

    Writes the fields and child rows of a use case the actor may change, without the review
    rule, and returns the names of what changed. Given the request's `checked` change
    permission, `use_case` is the row its caller locked in this transaction and is changed as
    it is (no second check, no re-read); otherwise the permission is checked, the change starts
    from the database and the caller's instance is refreshed afterwards. No savepoint: a
    refusal here fails the caller's change as a whole.
    """
    caller_instance: UseCase | None = None
    if checked is None or not checked.covers(actor, use_case.pk, permissions.CHANGE):
        caller_instance = use_case
        use_case = permissions.access_use_case(actor, use_case.pk, perm=permissions.CHANGE)
    _require_reason(reason)
    _check_fields(fields)
    old_department = use_case.department
    changed = {name for name, value in fields.items() if getattr(use_case, name) != value}
    for name in changed:
        setattr(use_case, name, fields[name])
    _full_clean_use_case(use_case, changed)
    if "department" in changed and not permissions.can_create_use_case(actor, use_case.department):
        raise PermissionDenied(
            _("Sie dürfen keine Anwendungsfälle in diesen Fachbereich verschieben.")
        )
    if changed:
        save_tracked(use_case, actor=actor, reason=reason)
    for key, rows in (children or {}).items():
        if _replace_children(use_case, key, rows, actor=actor, reason=reason):
            changed.add(key)
    if "department" in changed:
        permissions.move_department_permissions(use_case, old_department)
    if changed:
        events.emit_event(
            events.EVENTS.USE_CASE_CHANGED, use_case, actor=actor, changed_fields=changed
        )
    if caller_instance is not None:
        caller_instance.refresh_from_db()
    return changed


@transaction.atomic
def delete_use_case(use_case: UseCase, *, actor: User, reason: str) -> None:
    """Delete a use case; its history, child rows' history included, stays."""
    use_case = permissions.access_use_case(actor, use_case.pk, perm=permissions.DELETE)
    _require_reason(reason)
    for key in CHILD_MODELS:
        for row in getattr(use_case, key).all():
            delete_tracked(row, actor=actor, reason=reason)
    for grant in use_case.access_grants.all():
        delete_tracked(grant, actor=actor, reason=reason)
    publication = PublishedUseCase.objects.filter(use_case=use_case).first()
    if publication is not None:
        delete_tracked(publication, actor=actor, reason=reason)
    # Before the delete: the event describes the use case as it was.
    events.emit_event(events.EVENTS.USE_CASE_DELETED, use_case, actor=actor)
    delete_tracked(use_case, actor=actor, reason=reason)


@transaction.atomic
def grant_use_case_access(
    use_case: UseCase, *, actor: User, user: User, permission: str, reason: str
) -> AccessGrant:
    """Give one person one permission on one use case; only who manages its permissions may."""
    use_case = permissions.access_use_case(actor, use_case.pk, perm=permissions.MANAGE_PERMISSIONS)
    _require_reason(reason)
    if permission not in permissions.GRANTABLE_PERMS:
        raise ValidationError({"permission": _("Diese Berechtigung kann nicht vergeben werden.")})
    grant = AccessGrant.objects.filter(use_case=use_case, user=user, permission=permission).first()
    if grant is None:
        grant = AccessGrant(
            use_case=use_case, user=user, permission=permission, reason=reason, granted_by=actor
        )
        grant.full_clean()
        save_tracked(grant, actor=actor, reason=reason)
    permissions.assign_person_permission(use_case, user, permission)
    if permission != permissions.VIEW:
        # Changing or reading the history of a record one cannot see makes no sense.
        permissions.assign_person_permission(use_case, user, permissions.VIEW)
    return grant


@transaction.atomic
def revoke_use_case_access(grant: AccessGrant, *, actor: User, reason: str) -> None:
    """Take back a permission the board gave one person."""
    use_case = permissions.access_use_case(
        actor, grant.use_case_id, perm=permissions.MANAGE_PERMISSIONS
    )
    _require_reason(reason)
    permissions.remove_person_permission(use_case, grant.user, grant.permission)
    delete_tracked(grant, actor=actor, reason=reason)
    if not AccessGrant.objects.filter(use_case=use_case, user=grant.user).exists():
        # The view permission implied by the last grant goes with it.
        permissions.remove_person_permission(use_case, grant.user, permissions.VIEW)


def _check_ai_system_access(actor: User, organisation: Organisation) -> None:
    if not permissions.can_maintain_ai_systems(actor, organisation.pk):
        raise PermissionDenied(_("Sie dürfen die KI-Systeme dieser Organisation nicht pflegen."))


@transaction.atomic
def create_ai_system(
    *, actor: User, organisation: Organisation, reason: str = "", **fields: Any
) -> AISystem:
    """Record an AI system of the organisation."""
    _check_ai_system_access(actor, organisation)
    ai_system = AISystem(organisation=organisation, **fields)
    ai_system.full_clean()
    save_tracked(ai_system, actor=actor, reason=reason or _("KI-System angelegt"))
    return ai_system


@transaction.atomic
def update_ai_system(ai_system: AISystem, *, actor: User, reason: str, **fields: Any) -> set[str]:
    """Change an AI system; the organisation cannot change."""
    _check_ai_system_access(actor, ai_system.organisation)
    _require_reason(reason)
    if "organisation" in fields:
        raise ValidationError({"organisation": _("Die Organisation kann nicht geändert werden.")})
    changed = {name for name, value in fields.items() if getattr(ai_system, name) != value}
    for name in changed:
        setattr(ai_system, name, fields[name])
    ai_system.full_clean()
    if changed:
        save_tracked(ai_system, actor=actor, reason=reason)
    return changed


@transaction.atomic
def set_use_case_children(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    key: str,
    rows: Iterable[Mapping[str, Any]],
) -> bool:
    """Replace one kind of child rows (legal bases, data sources …); True when anything changed."""
    use_case = permissions.access_use_case(actor, use_case.pk, perm=permissions.CHANGE)
    _require_reason(reason)
    if key not in CHILD_MODELS:
        raise ValidationError({key: _("Diese Angabe gibt es nicht.")})
    changed = _replace_children(use_case, key, rows, actor=actor, reason=reason)
    if changed:
        events.emit_event(
            events.EVENTS.USE_CASE_CHANGED, use_case, actor=actor, changed_fields=[key]
        )
    return changed
