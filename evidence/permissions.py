"""Who may see, attach, download and publish which document.

A document is visible to whoever may see its target: for records of a use case (the use case
itself, its obligations and sign-offs) that is whoever may see the use case; kinds with rules
of their own (the organisation, an incident) say which of their records a user sees. Missing and
invisible documents are the same 404.
"""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import User
from evidence import targets
from evidence.models import Document
from registry.permissions import use_cases_visible_to

_BAD_PK = (ValueError, TypeError, OverflowError, ValidationError)


def documents_visible_to(user: User) -> QuerySet[Document]:
    """Documents whose target the user may see."""
    if not roles.holds_roles(user):
        return Document.objects.none()
    if roles.is_operator(user):
        return Document.objects.all()
    by_use_case = [k.key for k in targets.all_kinds() if k.visible_ids is None]
    conditions = [Q(target_kind__in=by_use_case, use_case__in=use_cases_visible_to(user))]
    for kind in targets.all_kinds():
        if kind.visible_ids is not None:
            conditions.append(Q(target_kind=kind.key, target_id__in=kind.visible_ids(user)))
    return Document.objects.filter(reduce(or_, conditions))


def access_document(user: User, pk: int | str) -> Document:
    """The document if the user may see it; missing and invisible give the same 404."""
    try:
        return documents_visible_to(user).select_related("organisation").get(pk=pk)
    except (Document.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc


def access_target(
    user: User, kind_key: str, pk: int | str, *, attach: bool = False
) -> targets.Target:
    """The target if the user may see it (else 404) and, with `attach`, attach to it (else 403)."""
    kind = targets.get(kind_key)
    try:
        target = kind.resolve(int(pk)) if kind is not None else None
    except _BAD_PK as exc:
        raise Http404 from exc
    if kind is None or target is None or not may_see_target(user, kind, target):
        raise Http404
    if attach and not kind.may_attach(user, target):
        raise PermissionDenied(_("Sie dürfen hier keine Dokumente hinzufügen."))
    return target


def may_see_target(user: User, kind: targets.TargetKind, target: targets.Target) -> bool:
    """The same rule as documents_visible_to, for one target."""
    if not roles.holds_roles(user):
        return False
    if roles.is_operator(user):
        return True
    if kind.visible_ids is not None:
        return kind.visible_ids(user).filter(pk=target.pk).exists()
    return (
        target.use_case_id is not None
        and use_cases_visible_to(user).filter(pk=target.use_case_id).exists()
    )


def may_add_version(user: User, document: Document) -> bool:
    """Who may attach to the document's target may upload a new version of it."""
    kind = targets.get(document.target_kind)
    target = kind.resolve(document.target_id) if kind is not None else None
    return kind is not None and target is not None and kind.may_attach(user, target)


def may_publish(user: User, document: Document) -> bool:
    """Only the board of the document's organisation publishes or withdraws a document."""
    return roles.is_board_member(user, document.organisation_id)
