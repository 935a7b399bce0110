"""When the source of an adopted use case changes: the difference, telling the adopters, and
taking changes over field by field.

The source is another organisation's public record or an IT service provider's published
template (`Source`). A change is a newer publication of it than the version the adopter last
reviewed (`Adoption.reviewed_version_at`). The difference compares the source as of that version
(its history) with the source now, field by field over the fields adoption copies.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import User
from accounts.roles import department_heads
from interop.models import TEMPLATE_FIELDS, Adoption, UseCaseTemplate
from registry import permissions
from registry.history import save_tracked
from registry.models import PublishedUseCase, UseCase, WebhookEndpoint
from registry.publication import STANDARDS_FIELDS
from registry.webhooks.events import emit_event

# The fields adoption copies that a change can be taken over for (scalar values).
SYNC_FIELDS: tuple[str, ...] = (
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


# Of those, the ones a provider's template carries.
TEMPLATE_SYNC_FIELDS: tuple[str, ...] = tuple(
    name for name in SYNC_FIELDS if name == "title" or name in TEMPLATE_FIELDS
)


@dataclass(frozen=True)
class Source:
    """The published version an adoption came from, whichever kind: its id in its kind
    ("source" a public record, "template" a provider's template), when it was published, its
    public page and API address, and the values adoption copies."""

    kind: str
    id: int
    published_at: datetime.datetime
    path: str
    api_path: str
    values: Mapping[str, Any]


def _record_source(record: Any) -> Source:
    return Source(
        kind="source",
        id=record.use_case_id,
        published_at=record.published_at,
        path=reverse("registry:use_case", args=[record.use_case_id]),
        api_path=f"/api/v2/public/use-cases/{record.use_case_id}/",
        values={name: getattr(record, name) for name in SYNC_FIELDS},
    )


def _template_source(template: Any, template_id: int) -> Source:
    content = template.content or {}
    values = {name: content.get(name) for name in TEMPLATE_SYNC_FIELDS}
    values["title"] = template.title
    path = reverse("interop:public_template", args=[template_id])
    return Source(
        kind="template",
        id=template_id,
        published_at=template.published_at,
        path=path,
        api_path=path,
        values=values,
    )


def current_source(adoption: Adoption) -> Source | None:
    """What the adoption came from as published now (None: withdrawn or deleted)."""
    if adoption.template_id is not None:
        template = UseCaseTemplate.objects.filter(
            pk=adoption.template_id, state=UseCaseTemplate.State.PUBLISHED
        ).first()
        return None if template is None else _template_source(template, template.pk)
    if adoption.source_id is None:
        return None
    record = PublishedUseCase.objects.filter(use_case_id=adoption.source_id).first()
    return None if record is None else _record_source(record)


def source_at(adoption: Adoption, version: datetime.datetime) -> Source | None:
    """What the adoption came from as it was published at `version` (None when unknown)."""
    if adoption.template_id is not None:
        row = (
            UseCaseTemplate.history.filter(
                id=adoption.template_id,
                state=UseCaseTemplate.State.PUBLISHED,
                published_at__lte=version,
            )
            .exclude(history_type="-")
            .order_by("-history_date")
            .first()
        )
        return None if row is None else _template_source(row, adoption.template_id)
    if adoption.source_id is None:
        return None
    record = source_record_at(adoption.source_id, version)
    return None if record is None else _record_source(record)


@dataclass(frozen=True)
class FieldChange:
    """One field the source changed: its value before and now, and the adopter's own."""

    name: str
    label: str
    old: str
    new: str
    mine: str
    value: Any


def changed_adoptions() -> QuerySet[Adoption]:
    """Adoptions whose source (record or template) has been published again since the version
    last reviewed."""
    reviewed = Coalesce(F("synced_version_at"), F("source_version_at"))
    return Adoption.objects.filter(
        Q(source__publication__published_at__gt=reviewed)
        | Q(
            template__state=UseCaseTemplate.State.PUBLISHED,
            template__published_at__gt=reviewed,
        )
    )


def changed_adoptions_for(user: User) -> QuerySet[Adoption]:
    """The changed adoptions among the use cases the user may change (the workspace notice)."""
    # One query for the usual answer (nothing changed in the person's organisations) before the
    # visibility selector's own queries.
    candidates = changed_adoptions().filter(
        use_case__organisation_id__in=roles.organisation_ids_where(user)
    )
    if not candidates.exists():
        return Adoption.objects.none()
    changeable = permissions.use_cases_visible_to(user, permissions.CHANGE)
    return (
        changed_adoptions()
        .filter(use_case__in=changeable)
        .select_related("use_case", "source_organisation", "source__publication", "template")
        .order_by("use_case__title", "pk")
    )


def _text(value: Any, name: str) -> str:
    field = UseCase._meta.get_field(name)
    choices = dict(field.choices or ())  # type: ignore[union-attr]
    if choices and value:
        return str(choices.get(value, value))
    return "" if value is None else str(value)


def source_record_at(source_id: int, version: datetime.datetime) -> Any:
    """The source's public record as it was published at `version` (None when unknown)."""
    return (
        PublishedUseCase.history.filter(use_case_id=source_id, published_at__lte=version)
        .exclude(history_type="-")
        .order_by("-history_date")
        .first()
    )


def source_changes(adoption: Adoption) -> list[FieldChange]:
    """What the source changed since the version the adopter last reviewed, field by field."""
    current = current_source(adoption)
    if current is None:
        return []
    before = source_at(adoption, adoption.reviewed_version_at)
    use_case = adoption.use_case
    changes = []
    for name in current.values:
        new = current.values[name]
        old = before.values.get(name) if before is not None else None
        if before is not None and (old or "") == (new or ""):
            continue
        mine = getattr(use_case, name)
        if before is None and (mine or "") == (new or ""):
            continue
        changes.append(
            FieldChange(
                name=name,
                label=str(UseCase._meta.get_field(name).verbose_name),  # type: ignore[union-attr]
                old=_text(old, name),
                new=_text(new, name),
                mine=_text(mine, name),
                value=new,
            )
        )
    return changes


def _reason(adoption: Adoption, record: Source, verb: str) -> str:
    return verb % {
        "organisation": adoption.source_organisation.name,
        "date": formats.date_format(record.published_at, "DATE_FORMAT"),
    }


def notify_adopters() -> int:
    """Tell each adopter once per new version of the source (mail to the department's heads,
    webhook event); returns how many adoptions were told."""
    told = 0
    pending = changed_adoptions().filter(
        Q(notified_version_at__isnull=True)
        | Q(
            notified_version_at__lt=Coalesce(
                F("source__publication__published_at"), F("template__published_at")
            )
        )
    )
    for adoption_id in pending.values_list("pk", flat=True):
        told += _notify(adoption_id)
    return told


def _notify(adoption_id: int) -> int:
    with transaction.atomic():
        adoption = (
            Adoption.objects.select_for_update(of=("self",))
            .select_related("use_case__organisation", "use_case__department", "source_organisation")
            .get(pk=adoption_id)
        )
        record = current_source(adoption)
        if record is None or (
            adoption.notified_version_at is not None
            and adoption.notified_version_at >= record.published_at
        ):
            return 0
        changes = source_changes(adoption)
        adoption.notified_version_at = record.published_at
        save_tracked(
            adoption,
            actor=None,
            reason=_reason(
                adoption,
                record,
                _("Über die Fassung vom %(date)s der Vorlage von %(organisation)s benachrichtigt"),
            ),
        )
        if not changes:
            return 0
        use_case = adoption.use_case
        emit_event(
            WebhookEndpoint.Event.SOURCE_CHANGED,
            use_case,
            changed_fields=[change.name for change in changes],
            subject={
                "kind": record.kind,
                "id": record.id,
                "url": record.api_path,
                "published_at": record.published_at.isoformat(),
            },
        )
        # A failing mail raises and rolls the notice back: the next run tries again.
        for recipient in department_heads(use_case.department_id):
            if recipient.email:
                _mail(recipient, adoption, record, changes)
    return 1


def _mail(recipient: User, adoption: Adoption, record: Source, changes: list[FieldChange]) -> None:
    use_case = adoption.use_case
    url = settings.SITE_URL.rstrip("/") + reverse("interop:source_changes", args=[use_case.pk])
    context = {
        "recipient": recipient,
        "use_case": use_case,
        "organisation": use_case.organisation,
        "adoption": adoption,
        "record": record,
        "changes": changes,
        "task_url": url,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Die Vorlage von „%(title)s“ wurde geändert") % {"title": use_case.title}
        text = render_to_string("emails/source_changed.txt", context)
        html = render_to_string("emails/source_changed.html", context)
    message = EmailMultiAlternatives(subject, text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
