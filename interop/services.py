"""Reuse between municipalities (Nachnutzung): adopt another organisation's published use case
or an IT service provider's template, take over later changes of the source; IT service
providers' templates; and queue big imports for the worker."""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Organisation, ProviderMembership, User
from governance import services as governance_services
from interop import changes, selectors, tasks
from interop.models import TEMPLATE_FIELDS, Adoption, ImportJob, UseCaseTemplate
from registry import services as registry_services
from registry.history import save_tracked
from registry.models import PublishedUseCase, UseCase
from registry.publication import STANDARDS_FIELDS

# The public record's fields a new draft takes over as they are.
COPIED_FIELDS: tuple[str, ...] = (
    "title",
    "short_description",
    "purpose",
    "responsible_role",
    "legal_basis_explanation",
    "data_categories",
    "interfaces",
    "oversight_mode",
    "oversight_role",
    "objection_procedure",
    *(name for name in STANDARDS_FIELDS if name != "open_data_licence"),
)


@transaction.atomic
def adopt_use_case(record: PublishedUseCase, *, actor: User, department: Department) -> UseCase:
    """A new draft in the actor's department, prefilled from another organisation's public
    record, with the provenance note (organisation, version) kept beside it."""
    if record.organisation_id == department.organisation_id:
        raise ValidationError(
            {"department": _("Eigene Anwendungsfälle können nicht nachgenutzt werden.")}
        )
    version = formats.date_format(record.published_at, "DATE_FORMAT")
    reason = _("Nachnutzung von %(organisation)s, Fassung vom %(date)s") % {
        "organisation": record.organisation.name,
        "date": version,
    }
    fields = {name: getattr(record, name) for name in COPIED_FIELDS}
    fields["processes_personal_data"] = bool(record.processes_personal_data)
    fields["processes_special_categories"] = bool(record.processes_special_categories)
    children = {
        "legal_bases": [
            {"law": b.get("law", ""), "provision": b.get("provision", ""), "url": b.get("url", "")}
            for b in record.legal_bases
        ],
        "data_sources": [
            {
                "name": s.get("name", ""),
                "register": s.get("register", ""),
                "description": s.get("description", ""),
            }
            for s in record.data_sources
        ],
        "public_services": [
            {"leika_key": s["leika_key"], "name": s.get("name", "")} for s in record.public_services
        ],
    }
    use_case = registry_services.create_use_case(
        actor=actor,
        department=department,
        reason=reason,
        children=children,
        status=UseCase.Status.IDEA,
        **fields,
    )
    adoption = Adoption(
        use_case=use_case,
        source_id=record.use_case_id,
        source_organisation=record.organisation,
        source_title=record.title,
        source_version_at=record.published_at,
        adopted_by=actor,
    )
    adoption.full_clean()
    save_tracked(adoption, actor=actor, reason=reason)
    registry_services.mark_adopted(use_case, source=record.use_case, actor=actor, reason=reason)
    return use_case


@transaction.atomic
def start_import_job(
    *,
    actor: User,
    file_name: str,
    content: bytes,
    department: Department | None,
    responsible_role: str,
    total_rows: int,
) -> ImportJob:
    """Queue a big file's dry run for the worker (its page shows the progress)."""
    job = ImportJob(
        requested_by=actor,
        file_name=file_name,
        content=content,
        department=department,
        responsible_role=responsible_role,
        total_rows=total_rows,
        kind="json" if file_name.lower().endswith(".json") else "table",
    )
    job.full_clean()
    job.save()
    transaction.on_commit(partial(tasks.plan_import_job.delay, job.pk))
    return job


@transaction.atomic
def confirm_import_job(job: ImportJob, *, actor: User) -> ImportJob:
    """Queue the import of a planned job without errors; its requester alone may confirm."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.requested_by_id != actor.pk:
        raise ValidationError(_("Nur wer den Import angestoßen hat, kann ihn bestätigen."))
    if job.status != ImportJob.Status.PLANNED:
        raise ValidationError(_("Dieser Import ist nicht mehr zu bestätigen."))
    if any(row["errors"] for row in job.plan):
        raise ValidationError(_("Der Import enthält Fehler; nichts wird gespeichert."))
    job.status = ImportJob.Status.APPLYING
    job.save(update_fields=["status"])
    transaction.on_commit(partial(tasks.apply_import_job.delay, job.pk))
    return job


@transaction.atomic
def take_over_source_changes(
    adoption: Adoption,
    *,
    actor: User,
    fields: Iterable[str],
    expected_version: str,
) -> set[str]:
    """Take the chosen fields' new values from the changed source into the adopted use case
    (through the governance service, refused when it changed since `expected_version`) and
    mark the source's version as reviewed; no fields chosen declines the changes."""
    adoption = (
        Adoption.objects.select_for_update(of=("self",))
        .select_related("use_case", "source_organisation")
        .get(pk=adoption.pk)
    )
    record = changes.current_source(adoption)
    if record is None:
        raise ValidationError(_("Die Vorlage ist nicht mehr veröffentlicht."))
    available = {change.name: change for change in changes.source_changes(adoption)}
    chosen = list(dict.fromkeys(fields))
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise ValidationError(
            _("Diese Felder hat die Vorlage nicht geändert: %(names)s")
            % {"names": ", ".join(unknown)}
        )
    date = formats.date_format(record.published_at, "DATE_FORMAT")
    names = {"organisation": adoption.source_organisation.name, "date": date}
    if chosen:
        reason = _("Änderungen der Vorlage von %(organisation)s übernommen (Fassung vom %(date)s)")
    else:
        reason = _(
            "Änderungen der Vorlage von %(organisation)s nicht übernommen (Fassung vom %(date)s)"
        )
    reason = reason % names
    changed: set[str] = set()
    if chosen:
        changed = governance_services.change_use_case(
            adoption.use_case,
            actor=actor,
            reason=reason,
            expected_version=expected_version,
            **{name: available[name].value for name in chosen},
        )
    adoption.synced_version_at = record.published_at
    save_tracked(adoption, actor=actor, reason=reason)
    return changed


# -- IT service providers' templates -----------------------------------------------------------

TEMPLATE_EDITABLE = frozenset({"title", "content", "legal_bases", "public_services"})
# What a draft needs to be a valid use case once adopted (the use case's required fields).
TEMPLATE_REQUIRED = ("short_description", "purpose", "responsible_role")


def _check_manager(template_or_provider: UseCaseTemplate | Organisation, actor: User) -> None:
    provider_id = (
        template_or_provider.organisation_id
        if isinstance(template_or_provider, UseCaseTemplate)
        else template_or_provider.pk
    )
    if not selectors.providers_managed_by(actor).filter(pk=provider_id).exists():
        raise PermissionDenied(_("Sie dürfen für diesen IT-Dienstleister keine Vorlagen pflegen."))


def _locked(template: UseCaseTemplate) -> UseCaseTemplate:
    return UseCaseTemplate.objects.select_for_update().get(pk=template.pk)


@transaction.atomic
def create_template(
    *, actor: User, provider: Organisation, title: str, reason: str = "", **fields: Any
) -> UseCaseTemplate:
    """A new draft template of an IT service provider, written by its staff."""
    _check_manager(provider, actor)
    unknown = set(fields) - TEMPLATE_EDITABLE
    if unknown:
        raise ValidationError({name: _("Dieses Feld gibt es nicht.") for name in unknown})
    template = UseCaseTemplate(organisation=provider, title=title, **fields)
    template.full_clean()
    save_tracked(template, actor=actor, reason=reason or _("Vorlage angelegt"))
    return template


@transaction.atomic
def update_template(
    template: UseCaseTemplate,
    *,
    actor: User,
    expected_version: str,
    reason: str = "",
    **fields: Any,
) -> UseCaseTemplate:
    """Change a template (refused when it changed since `expected_version`); a published one
    is published again at once, so its adopters are told of the new version."""
    template = _locked(template)
    _check_manager(template, actor)
    if selectors.template_version(template) != expected_version:
        raise ValidationError(
            _("Die Vorlage wurde inzwischen von anderer Seite geändert. Bitte laden Sie sie neu.")
        )
    unknown = set(fields) - TEMPLATE_EDITABLE
    if unknown:
        raise ValidationError({name: _("Dieses Feld gibt es nicht.") for name in unknown})
    for name, value in fields.items():
        setattr(template, name, value)
    if template.is_published:
        _require_publishable(template)
        template.published_at = timezone.now()
    template.full_clean()
    save_tracked(template, actor=actor, reason=reason or _("Vorlage geändert"))
    return template


def _require_publishable(template: UseCaseTemplate) -> None:
    content = template.content or {}
    missing = {
        name: _("Für die Veröffentlichung nötig.")
        for name in TEMPLATE_REQUIRED
        if not str(content.get(name) or "").strip()
    }
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def publish_template(template: UseCaseTemplate, *, actor: User, reason: str = "") -> None:
    """Offer a template to the provider's member municipalities (a new version each time)."""
    template = _locked(template)
    _check_manager(template, actor)
    _require_publishable(template)
    template.state = UseCaseTemplate.State.PUBLISHED
    template.published_at = timezone.now()
    template.full_clean()
    save_tracked(template, actor=actor, reason=reason or _("Vorlage veröffentlicht"))


@transaction.atomic
def withdraw_template(template: UseCaseTemplate, *, actor: User, reason: str) -> None:
    """Stop offering a template; what municipalities adopted from it stays, with its note."""
    template = _locked(template)
    _check_manager(template, actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund an.")})
    if not template.is_published:
        raise ValidationError(_("Die Vorlage ist nicht veröffentlicht."))
    template.state = UseCaseTemplate.State.WITHDRAWN
    save_tracked(template, actor=actor, reason=reason)


@transaction.atomic
def adopt_template(template: UseCaseTemplate, *, actor: User, department: Department) -> UseCase:
    """A new draft in the actor's department from a published template of an IT service
    provider the department's municipality is a member of, with the provenance note."""
    template = UseCaseTemplate.objects.select_related("organisation").get(pk=template.pk)
    if not template.is_published or template.published_at is None:
        raise ValidationError(_("Die Vorlage ist nicht veröffentlicht."))
    if not ProviderMembership.objects.filter(
        organisation_id=department.organisation_id, provider_id=template.organisation_id
    ).exists():
        raise ValidationError(
            {
                "department": _(
                    "Ihre Kommune ist nicht Mitglied bei diesem IT-Dienstleister; seine Vorlagen "
                    "stehen ihr nicht zur Verfügung."
                )
            }
        )
    reason = _(
        "Nachnutzung der Vorlage „%(title)s“ des IT-Dienstleisters %(provider)s, "
        "Fassung vom %(date)s"
    ) % {
        "title": template.title,
        "provider": template.organisation.name,
        "date": formats.date_format(template.published_at, "DATE_FORMAT"),
    }
    content = template.content or {}
    fields: dict[str, Any] = {
        name: content[name] for name in TEMPLATE_FIELDS if content.get(name) not in (None, "")
    }
    fields["title"] = template.title
    children = {
        "legal_bases": [
            {"law": b.get("law", ""), "provision": b.get("provision", ""), "url": b.get("url", "")}
            for b in template.legal_bases
        ],
        "public_services": [
            {"leika_key": s["leika_key"], "name": s.get("name", "")}
            for s in template.public_services
        ],
    }
    use_case = registry_services.create_use_case(
        actor=actor,
        department=department,
        reason=reason,
        children=children,
        status=UseCase.Status.IDEA,
        **fields,
    )
    adoption = Adoption(
        use_case=use_case,
        template=template,
        source_organisation=template.organisation,
        source_title=template.title,
        source_version_at=template.published_at,
        adopted_by=actor,
    )
    adoption.full_clean()
    save_tracked(adoption, actor=actor, reason=reason)
    return use_case
