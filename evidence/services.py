"""Every write to documents: attach, add a version, publish, withdraw; each with actor and reason.

Files are checked by content (evidence.validation) before anything is stored and stored under a
random name (evidence.storage); a file whose row cannot be saved is removed again.
"""

import datetime
from typing import IO

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from evidence import permissions
from evidence.models import Document, DocumentVersion
from evidence.storage import evidence_storage, new_storage_name
from evidence.validation import check_upload
from registry import history


def _require(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _store_version(
    document: Document,
    *,
    actor: User,
    file: IO[bytes],
    file_name: str,
    evidence_date: datetime.date | None,
    reason: str,
) -> DocumentVersion:
    if evidence_date is None:
        raise ValidationError({"evidence_date": _("Bitte geben Sie den Stand des Nachweises an.")})
    if evidence_date > timezone.localdate():
        raise ValidationError(
            {"evidence_date": _("Der Stand des Nachweises darf nicht in der Zukunft liegen.")}
        )
    checked = check_upload(file, file_name)
    storage = evidence_storage()
    stored_name = storage.save(new_storage_name(), file)
    latest = document.versions.order_by("-number").values_list("number", flat=True).first()
    version = DocumentVersion(
        document=document,
        number=(latest or 0) + 1,
        file_name=checked.file_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        evidence_date=evidence_date,
        reason=reason,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    version.file.name = stored_name
    try:
        version.full_clean()
        history.save_tracked(version, actor=actor, reason=reason)
    except Exception:
        # A file no row refers to is unreachable (its name is random), but it is not kept.
        storage.delete(stored_name)
        raise
    return version


@transaction.atomic
def attach_document(
    *,
    actor: User,
    target_kind: str,
    target_id: int | str,
    title: str,
    category: str,
    file: IO[bytes],
    file_name: str,
    evidence_date: datetime.date | None,
    reason: str,
) -> Document:
    """Attach a new document to a record the actor may attach to, with its first version."""
    target = permissions.access_target(actor, target_kind, target_id, attach=True)
    title = _require(title, "title", _("Bitte geben Sie eine Bezeichnung an."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Anlass an."))
    if category not in Document.Category.values:
        raise ValidationError({"category": _("Diese Art des Nachweises gibt es nicht.")})
    document = Document(
        organisation_id=target.organisation_id,
        target_kind=target.kind,
        target_id=target.pk,
        use_case_id=target.use_case_id,
        title=title,
        category=category,
        created_by=actor,
        created_at=timezone.now(),
    )
    document.full_clean()
    history.save_tracked(document, actor=actor, reason=reason)
    _store_version(
        document,
        actor=actor,
        file=file,
        file_name=file_name,
        evidence_date=evidence_date,
        reason=reason,
    )
    return document


def _check_latest(document: Document, expected_latest: int | None) -> None:
    """Refuse an upload based on an older newest version than the current one (row locked)."""
    if expected_latest is None:
        return
    newer = (
        document.versions.filter(number__gt=expected_latest)
        .select_related("uploaded_by")
        .order_by("-number")
        .first()
    )
    if newer is None:
        return
    raise ValidationError(
        {
            NON_FIELD_ERRORS: _(
                "Inzwischen hat %(who)s am %(when)s Version %(number)s hochgeladen. Bitte "
                "sehen Sie sie sich an und laden Sie Ihre Datei dann erneut hoch; es wurde "
                "nichts gespeichert."
            )
            % {
                "who": newer.uploaded_by.get_full_name() or newer.uploaded_by.get_username(),
                "when": formats.date_format(
                    timezone.localtime(newer.uploaded_at), "SHORT_DATETIME_FORMAT"
                ),
                "number": newer.number,
            }
        }
    )


@transaction.atomic
def add_document_version(
    document: Document,
    *,
    actor: User,
    file: IO[bytes],
    file_name: str,
    evidence_date: datetime.date | None,
    reason: str,
    expected_latest: int | None = None,
) -> DocumentVersion:
    """Upload a new version of a document; the earlier versions stay as they were.

    With `expected_latest` (the newest version number the uploader saw), a version someone
    else uploaded meanwhile refuses the upload instead of silently coming before it.
    """
    document = permissions.access_document(actor, document.pk)
    if not permissions.may_add_version(actor, document):
        raise PermissionDenied(_("Sie dürfen hier keine Dokumente hinzufügen."))
    document = Document.objects.select_for_update().get(pk=document.pk)
    _check_latest(document, expected_latest)
    reason = _require(reason, "reason", _("Bitte geben Sie einen Anlass an."))
    return _store_version(
        document,
        actor=actor,
        file=file,
        file_name=file_name,
        evidence_date=evidence_date,
        reason=reason,
    )


@transaction.atomic
def publish_document(document: Document, *, actor: User, reason: str) -> Document:
    """The board publishes a document explicitly (e.g. the FRIA summary of Annex VIII)."""
    document = permissions.access_document(actor, document.pk)
    if not permissions.may_publish(actor, document):
        raise PermissionDenied(_("Dokumente veröffentlicht nur das KI-Gremium."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    document = Document.objects.select_for_update().get(pk=document.pk)
    document.is_published = True
    document.published_at = timezone.now()
    document.published_by = actor
    document.full_clean()
    history.save_tracked(document, actor=actor, reason=reason)
    return document


@transaction.atomic
def withdraw_document(document: Document, *, actor: User, reason: str) -> Document:
    """The board takes a published document off the public pages again."""
    document = permissions.access_document(actor, document.pk)
    if not permissions.may_publish(actor, document):
        raise PermissionDenied(_("Dokumente veröffentlicht nur das KI-Gremium."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    document = Document.objects.select_for_update().get(pk=document.pk)
    document.is_published = False
    document.published_at = None
    document.published_by = None
    document.full_clean()
    history.save_tracked(document, actor=actor, reason=reason)
    return document
