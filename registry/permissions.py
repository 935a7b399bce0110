"""The only place that knows who may see and change which use case.

Grants are guardian object permissions held by groups: every organisation has a board, a members and
an auditors group, every department a heads group (see accounts.services.sync_user_groups).
A use case carries one row per group and permission, assigned by the services below when it
is created or moves department; the board may add grants for a single person.
"""

from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts import roles
from accounts.models import Department, Membership, User
from registry.models import (
    AISystem,
    UseCase,
    UseCaseGroupObjectPermission,
    UseCaseUserObjectPermission,
    WebhookEndpoint,
)

VIEW = "view_usecase"
CHANGE = "change_usecase"
DELETE = "delete_usecase"
VIEW_HISTORY = "view_history_usecase"
MANAGE_PERMISSIONS = "manage_permissions_usecase"

BOARD_PERMS = (VIEW, CHANGE, DELETE, VIEW_HISTORY, MANAGE_PERMISSIONS)
MEMBER_PERMS = (VIEW,)
AUDITOR_PERMS = (VIEW_HISTORY,)
HEAD_PERMS = (CHANGE, VIEW_HISTORY)
# What the board may grant a single person on a single use case.
GRANTABLE_PERMS = (VIEW, CHANGE, VIEW_HISTORY)

VIEW_AI_SYSTEM = "view_aisystem"
CHANGE_AI_SYSTEM = "change_aisystem"
# Looking a pk up may fail in these ways before the database answers; each means "not found".
_BAD_PK = (ValueError, TypeError, OverflowError, ValidationError)


def _permission_ids(codename: str) -> QuerySet[Permission, Any]:
    # A subquery, not a cached id: flushing test databases re-creates permissions with new ids.
    return Permission.objects.filter(content_type__app_label="registry", codename=codename).values(
        "pk"
    )


def use_cases_visible_to(user: User, perm: str = VIEW) -> QuerySet[UseCase]:
    """Use cases on which the user holds `perm`, directly or through a group."""
    if not roles.holds_roles(user):
        return UseCase.objects.none()
    if roles.is_operator(user):
        return UseCase.objects.all()
    permission_ids = _permission_ids(perm)
    group_ids = User.groups.through.objects.filter(user_id=user.pk).values("group_id")
    through_groups = UseCaseGroupObjectPermission.objects.filter(
        permission_id__in=permission_ids, group_id__in=group_ids
    ).values("content_object_id")
    direct = UseCaseUserObjectPermission.objects.filter(
        permission_id__in=permission_ids, user_id=user.pk
    ).values("content_object_id")
    # One IN over a UNION, not two INs joined by OR: PostgreSQL turns an OR of subqueries into
    # a filter over every use case (a sequential scan), a single IN into an index semi-join.
    return UseCase.objects.filter(pk__in=through_groups.union(direct))


def access_use_case(user: User, pk: int | str, *, perm: str = VIEW) -> UseCase:
    """The use case if the user holds `perm` on it.

    Missing and invisible give the same 404; a visible use case without `perm` gives 403.
    """
    try:
        use_case = use_cases_visible_to(user, VIEW).get(pk=pk)
    except (UseCase.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc
    if perm != VIEW and not user_has_perm(user, use_case, perm):
        raise PermissionDenied
    return use_case


def user_has_perm(user: User, use_case: UseCase, perm: str) -> bool:
    """Whether the user holds `perm` on this use case."""
    return use_cases_visible_to(user, perm).filter(pk=use_case.pk).exists()


def departments_creatable_by(user: User) -> QuerySet[Department]:
    """Departments the user may register use cases in: the board's and the ones the user heads."""
    if roles.is_operator(user):
        return Department.objects.all()
    return Department.objects.filter(
        Q(organisation__in=roles.boards_of(user))
        | Q(pk__in=roles.departments_headed_by(user).values("pk"))
    )


def can_create_use_case(user: User, department: Department) -> bool:
    """Board members create anywhere in their organisation, heads in their own departments."""
    return departments_creatable_by(user).filter(pk=department.pk).exists()


def ai_systems_visible_to(user: User) -> QuerySet[AISystem]:
    """AI systems of the organisations in which the user holds any role."""
    if roles.is_operator(user):
        return AISystem.objects.all()
    return AISystem.objects.filter(organisation__in=roles.organisations_where(user))


def access_ai_system(user: User, pk: int | str, *, perm: str = VIEW_AI_SYSTEM) -> AISystem:
    """The AI system if the user may see it and, for CHANGE_AI_SYSTEM, maintain it.

    Missing and invisible give the same 404; a visible AI system the user may not maintain, 403.
    """
    try:
        ai_system = ai_systems_visible_to(user).get(pk=pk)
    except (AISystem.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc
    if perm == CHANGE_AI_SYSTEM and not can_maintain_ai_systems(user, ai_system.organisation_id):
        raise PermissionDenied(_("Sie dürfen die KI-Systeme dieser Organisation nicht pflegen."))
    return ai_system


def can_maintain_ai_systems(user: User, organisation_id: int) -> bool:
    """Board members and department heads maintain their organisation's AI systems."""
    return roles.is_board_member(user, organisation_id) or roles.has_role(
        user, organisation_id, Membership.Role.DEPARTMENT_HEAD
    )


def webhook_endpoints_visible_to(user: User) -> QuerySet[WebhookEndpoint]:
    """Endpoints of the organisations whose board the user sits on."""
    return WebhookEndpoint.objects.filter(organisation__in=roles.boards_of(user))


def access_webhook_endpoint(user: User, pk: int | str) -> WebhookEndpoint:
    """The webhook endpoint if the user sits on its organisation's board; else the same 404.

    Endpoints carry signing secrets, so whoever may see one may also manage it: there is no 403.
    """
    try:
        return webhook_endpoints_visible_to(user).get(pk=pk)
    except (WebhookEndpoint.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc


def assign_default_permissions(use_case: UseCase) -> None:
    """Grant the organisation's and the owning department's groups their permissions."""
    organisation = use_case.organisation
    grants = [
        (organisation.board_group, BOARD_PERMS),
        (organisation.members_group, MEMBER_PERMS),
        (organisation.auditors_group, AUDITOR_PERMS),
        (use_case.department.heads_group, HEAD_PERMS),
    ]
    for group, perms in grants:
        for perm in perms:
            assign_perm(perm, group, use_case)


def move_department_permissions(use_case: UseCase, old_department: Department) -> None:
    """Move the heads' grants from the old department's group to the new one's."""
    for perm in HEAD_PERMS:
        remove_perm(perm, old_department.heads_group, use_case)
        assign_perm(perm, use_case.department.heads_group, use_case)


def assign_person_permission(use_case: UseCase, user: User, perm: str) -> None:
    assign_perm(perm, user, use_case)


def remove_person_permission(use_case: UseCase, user: User, perm: str) -> None:
    remove_perm(perm, user, use_case)
