"""What the public sees: a use case's public fields, copied when its publication is approved.

Withholding is one rule here for every public surface: a group withheld now is withheld in every
earlier public version too (`withhold_version`), and a change log entry of a field withheld now or
in either version it compares names the field but not its values (`public_field_changes`).
"""

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from registry.history import delete_tracked, field_changes, full_clean_changed, save_tracked
from registry.models import PublishedUseCase, UseCase, WithheldField

MODEL_CARD_FIELDS: tuple[str, ...] = (
    "model_task",
    "model_inputs",
    "model_outputs",
    "model_version",
    "model_performance",
    "model_limitations",
)
# Facts the transparency standards ask for, copied as they are (issue 18).
STANDARDS_FIELDS: tuple[str, ...] = (
    "policy_area",
    "benefit",
    "previous_process",
    "alternatives_considered",
    "deployer_representative",
    "training_data",
    "processing_register_reference",
    *MODEL_CARD_FIELDS,
    "provider_eu_database_url",
    "source_code_url",
    "product_url",
    "risks_and_mitigations",
    "proportionality",
    "impact_on_affected",
    "dpia_summary",
    "fria_summary",
    "open_data_licence",
)

# Which public fields each withholdable group covers.
WITHHELD_GROUPS: dict[str, tuple[str, ...]] = {
    WithheldField.Field.PURPOSE: ("purpose", "benefit", "previous_process"),
    WithheldField.Field.LEGAL_BASIS: ("legal_basis_explanation", "legal_bases"),
    WithheldField.Field.DATA: (
        "processes_personal_data",
        "processes_special_categories",
        "data_categories",
        "data_sources",
        "training_data",
        "processing_register_reference",
    ),
    WithheldField.Field.AI_SYSTEM: (
        "ai_system_name",
        "vendor",
        "product",
        "model_name",
        "hosting",
        "technique",
        *MODEL_CARD_FIELDS,
        "provider_eu_database_url",
        "source_code_url",
        "product_url",
    ),
    WithheldField.Field.INTERFACES: ("interfaces",),
    WithheldField.Field.OVERSIGHT: (
        "oversight_mode",
        "oversight_role",
        "oversight_can_override",
        "oversight_can_stop",
    ),
    WithheldField.Field.ASSESSMENTS: ("dpia_status", "fria_status", "dpia_summary", "fria_summary"),
    WithheldField.Field.RISKS: (
        "risks_and_mitigations",
        "proportionality",
        "impact_on_affected",
        "alternatives_considered",
    ),
}
_EMPTY: dict[str, Any] = {
    "legal_bases": [],
    "data_sources": [],
    "processes_personal_data": None,
    "processes_special_categories": None,
    "oversight_can_override": None,
    "oversight_can_stop": None,
}


def _empty(name: str) -> Any:
    # A fresh list each time: the emptied value ends up on a model instance and may be changed.
    return copy.copy(_EMPTY.get(name, ""))


def withheld_names(*withheld: Mapping[str, str] | None) -> frozenset[str]:
    """The public fields that the groups of any of these withheld maps (group → reason) cover."""
    return frozenset(
        name
        for groups in withheld
        for group in groups or {}
        for name in WITHHELD_GROUPS.get(group, ())
    )


def withhold_version(version: Any, withheld: Mapping[str, str]) -> Any:
    """An earlier public version as the public may see it now: emptied in the groups withheld
    then and in those withheld now (`withheld`, whose reasons win); the version stays as it was."""
    visible = copy.copy(version)
    merged = {**(version.withheld or {}), **withheld}
    for name in withheld_names(merged):
        setattr(visible, name, _empty(name))
    visible.withheld = merged
    return visible


@dataclass(frozen=True)
class PublicFieldChange:
    """One field a public version changed; the values of a withheld field are not shown (None)."""

    name: str
    old: Any
    new: Any
    withheld: bool = False


def public_field_changes(
    old: Any,
    new: Any,
    *,
    fields: Sequence["models.Field[Any, Any]"],
    withheld: Mapping[str, str] | None,
) -> list[PublicFieldChange]:
    """The fields in which public version `new` differs from `old`; a field withheld now (the
    `withheld` map of the current public record) or in either version keeps its entry, so the log
    stays complete, but not its values: the public learns that it changed, never what it was."""
    hidden = withheld_names(
        withheld, getattr(old, "withheld", None), getattr(new, "withheld", None)
    )
    return [
        PublicFieldChange(change.name, None, None, withheld=True)
        if change.name in hidden
        else PublicFieldChange(change.name, change.old, change.new)
        for change in field_changes(old, new, fields=fields)
    ]


def public_fields(use_case: UseCase) -> dict[str, Any]:
    """The values the public may see, with withheld groups emptied."""
    ai_system = use_case.ai_system
    values: dict[str, Any] = {
        "organisation_id": use_case.organisation_id,
        "department_name": use_case.department.name,
        "title": use_case.title,
        "short_description": use_case.short_description,
        "purpose": use_case.purpose,
        "status": use_case.status,
        "start_date": use_case.start_date,
        "end_date": use_case.end_date,
        "responsible_role": use_case.responsible_role,
        "public_contact_email": use_case.public_contact_email
        or use_case.organisation.contact_email,
        "risk_class": use_case.risk_class,
        "technique": ai_system.technique if ai_system else "",
        "ai_system_name": ai_system.name if ai_system else "",
        "vendor": ai_system.vendor if ai_system else "",
        "product": ai_system.product if ai_system else "",
        "model_name": ai_system.model_name if ai_system else "",
        "hosting": ai_system.hosting if ai_system else "",
        "legal_basis_explanation": use_case.legal_basis_explanation,
        "legal_bases": [
            {"law": lb.law, "provision": lb.provision, "url": lb.url}
            for lb in use_case.legal_bases.all()
        ],
        "processes_personal_data": use_case.processes_personal_data,
        "processes_special_categories": use_case.processes_special_categories,
        "data_categories": use_case.data_categories,
        "data_sources": [
            {"name": ds.name, "register": ds.register, "description": ds.description}
            for ds in use_case.data_sources.all()
        ],
        "public_services": [
            {"leika_key": ps.leika_key, "name": ps.name} for ps in use_case.public_services.all()
        ],
        "interfaces": use_case.interfaces,
        "oversight_mode": use_case.oversight_mode,
        "oversight_role": use_case.oversight_role,
        "oversight_can_override": use_case.oversight_can_override,
        "oversight_can_stop": use_case.oversight_can_stop,
        "objection_procedure": use_case.objection_procedure,
        "dpia_status": use_case.dpia_status,
        "fria_status": use_case.fria_status,
        "next_review_date": use_case.next_review_date,
        "deployer_address": use_case.deployer_address,
        **{name: getattr(use_case, name) for name in STANDARDS_FIELDS},
        "open_data_licence": use_case.open_data_licence or UseCase.OpenDataLicence.DL_DE_BY,
        "adopted_from_id": use_case.adopted_from_id,
    }
    withheld = {w.field: w.reason for w in use_case.withheld_fields.all()}
    for name in withheld_names(withheld):
        values[name] = _empty(name)
    values["withheld"] = withheld
    return values


@transaction.atomic(savepoint=False)
def publish_use_case(
    use_case: UseCase, *, actor: User | None, reason: str, current: bool = False
) -> PublishedUseCase | None:
    """Copy the use case's public fields to its public record, or withdraw it when internal.

    Governance calls this once a use case (or a change to it) is approved, and when it retires.
    With `current`, `use_case` is the row the caller locked and changed in this transaction (its
    organisation, department and AI system read with it) and is copied as it is; otherwise it
    is read again. No savepoint: a failure here fails the caller's change as a whole.
    """
    if not current:
        use_case = UseCase.objects.select_related("organisation", "department", "ai_system").get(
            pk=use_case.pk
        )
    if not use_case.is_published:
        withdraw_use_case(use_case, actor=actor, reason=reason)
        return None
    values = public_fields(use_case)
    now = timezone.now()
    record = PublishedUseCase.objects.filter(use_case=use_case).first()
    if record is None:
        record = PublishedUseCase(use_case=use_case, first_published_at=now, published_at=now)
    new = record.pk is None
    changed = {name for name, value in values.items() if getattr(record, name) != value}
    for name in changed:
        setattr(record, name, values[name])
    if new or changed:
        record.published_at = now
        if new:
            record.full_clean(exclude=["use_case"])
        else:
            full_clean_changed(record, {*changed, "published_at"})
        save_tracked(record, actor=actor, reason=reason)
    return record


@transaction.atomic(savepoint=False)
def withdraw_use_case(use_case: UseCase, *, actor: User | None, reason: str) -> None:
    """Take the use case off the public register; its public change log stays."""
    record = PublishedUseCase.objects.filter(use_case=use_case).first()
    if record is not None:
        delete_tracked(record, actor=actor, reason=reason)
