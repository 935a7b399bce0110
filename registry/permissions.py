"""The only place that knows who may see and change which use case.

Grants are guardian object permissions held by groups: every organisation has a board, a members and
an auditors group, every department a heads group (see accounts.services.sync_user_groups).
A use case carries one row per group and permission, assigned by the services below when it
is created or moves department; the board may add grants for a single person.

The organisation-wide grants follow from a person's memberships alone (ORGANISATION_GRANTS, the
table assign_default_permissions writes the group rows from), so visibility reads them as the
organisation ids of the memberships: one indexed join whatever the number of organisations a
person belongs to (an auditor of an IT provider may audit thousands). Only department and
single-person grants are read from guardian's rows.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
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
# Who holds which permissions on every use case of an organisation, by role; an empty tuple of
# roles is any membership (the members group). assign_default_permissions writes the same grants
# as group rows.
ORGANISATION_GRANTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    ((Membership.Role.BOARD,), BOARD_PERMS),
    ((), MEMBER_PERMS),
    ((Membership.Role.AUDITOR,), AUDITOR_PERMS),
)
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


def _organisation_roles(perm: str) -> tuple[str, ...] | None:
    """The roles that hold `perm` organisation-wide: () for any membership, None for no role."""
    holders = [roles_ for roles_, perms in ORGANISATION_GRANTS if perm in perms]
    if not holders:
        return None
    if () in holders:
        return ()
    return tuple(role for roles_ in holders for role in roles_)


def use_cases_visible_to(user: User, perm: str = VIEW) -> QuerySet[UseCase]:
    """Use cases on which the user holds `perm`: organisation-wide by role, or through a
    department's or a single-person grant."""
    if not roles.holds_roles(user):
        return UseCase.objects.none()
    if roles.is_operator(user):
        return UseCase.objects.all()
    permission_ids = _permission_ids(perm)
    role_names = _organisation_roles(perm)
    heads_groups, organisation_ids = _heads_groups_and_organisations(user, role_names)
    granted = UseCaseUserObjectPermission.objects.filter(
        permission_id__in=permission_ids, user_id=user.pk
    ).values("content_object_id")
    if heads_groups:
        granted = granted.union(
            UseCaseGroupObjectPermission.objects.filter(
                permission_id__in=permission_ids, group_id__in=heads_groups
            ).values("content_object_id")
        )
    if role_names is None:
        return UseCase.objects.filter(pk__in=granted)
    organisation_wide = UseCase.objects.filter(
        organisation_id__in=roles.organisation_ids_where(user, *role_names)
        if organisation_ids is None
        else organisation_ids
    )
    if not granted.exists():
        # Most people hold no grant beyond their roles: a plain semi-join on the organisation,
        # which PostgreSQL can walk in the list's order or read by organisation, as is cheaper.
        return organisation_wide
    # One IN over a UNION, not two INs joined by OR: PostgreSQL turns an OR of subqueries into
    # a filter over every use case (a sequential scan), a single IN into an index semi-join.
    return UseCase.objects.filter(pk__in=organisation_wide.order_by().values("pk").union(granted))


# Up to this many organisations a person's organisation-wide roles are written into the query
# as literal ids; beyond it (an auditor of a whole IT provider) as a subquery.
INLINE_ORGANISATIONS = 50
_ORGANISATION, _HEADS_GROUP = 1, 2


def _heads_groups_and_organisations(
    user: User, role_names: tuple[str, ...] | None
) -> tuple[list[int], list[int] | None]:
    """The heads groups of the departments the user leads and, for up to INLINE_ORGANISATIONS,
    the organisations where a role holds the permission (None: more, or no role does), in one
    query.

    Both are read before the list's query: as a subquery, PostgreSQL guesses a person with
    thousands of memberships heads thousands of departments (and reads every group row of the
    permission), and takes a person's one organisation for an average one, so that the
    largest organisation's search filtered 2,500 rows by their text instead of using the
    full-text index. Literal ids give it the organisation's own statistics.
    """
    heads = (
        roles.departments_headed_by(user)
        .order_by()
        .annotate(kind=Value(_HEADS_GROUP))
        .values_list("kind", "heads_group_id")
    )
    if role_names is None:
        return [group for _kind, group in heads], None
    organisations = (
        roles.organisation_ids_where(user, *role_names)
        .order_by()
        .annotate(kind=Value(_ORGANISATION))
        .values_list("kind", "organisation_id")
    )
    rows = list(heads.union(organisations))
    organisation_ids = sorted({pk for kind, pk in rows if kind == _ORGANISATION})
    groups = [pk for kind, pk in rows if kind == _HEADS_GROUP]
    if len(organisation_ids) > INLINE_ORGANISATIONS:
        return groups, None
    return groups, organisation_ids


def _holds(user: User, perm: str) -> Q:
    """The condition on a single use case row that the user holds `perm` on it: the same grants
    as use_cases_visible_to, each an EXISTS probed by the row's own keys.

    For one row this is one indexed lookup per kind of grant, whatever the number of
    organisations or departments: no grant list is read first.
    """
    permission_ids = _permission_ids(perm)
    condition = Q(
        Exists(
            UseCaseUserObjectPermission.objects.filter(
                permission_id__in=permission_ids,
                user_id=user.pk,
                content_object_id=OuterRef("pk"),
            )
        )
    )
    condition |= Q(
        Exists(
            UseCaseGroupObjectPermission.objects.filter(
                permission_id__in=permission_ids,
                content_object_id=OuterRef("pk"),
                group_id__in=roles.departments_headed_by(user).values("heads_group_id"),
            )
        )
    )
    role_names = _organisation_roles(perm)
    if role_names is not None:
        condition |= Q(
            Exists(
                roles.organisation_ids_where(user, *role_names).filter(
                    organisation_id=OuterRef("organisation_id")
                )
            )
        )
    return condition


def _one_held(user: User, pk: int | str, perm: str) -> QuerySet[UseCase]:
    """The use case with this pk if the user holds `perm` on it (one query when evaluated)."""
    one = UseCase.objects.filter(pk=pk)
    if not roles.holds_roles(user):
        return one.none()
    if roles.is_operator(user):
        return one
    return one.filter(_holds(user, perm))


def access_use_case(user: User, pk: int | str, *, perm: str = VIEW) -> UseCase:
    """The use case if the user holds `perm` on it.

    Missing and invisible give the same 404; a visible use case without `perm` gives 403.
    """
    try:
        use_case = _one_held(user, pk, VIEW).get()
    except (UseCase.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc
    if perm != VIEW and not user_has_perm(user, use_case, perm):
        raise PermissionDenied
    return use_case


def user_has_perm(user: User, use_case: UseCase, perm: str) -> bool:
    """Whether the user holds `perm` on this use case."""
    return _one_held(user, use_case.pk, perm).exists()


@dataclass(frozen=True)
class Checked:
    """What `check_use_case` found at a request's edge: the user holds `perm` on the use case.

    The services of one request take it instead of asking again (one permission check per
    request, not one per building block); for another user, use case or permission they check
    as before, so a service called without it is exactly as strict.
    """

    user_id: int
    use_case_id: int
    perm: str

    def covers(self, user: User, use_case_id: int, perm: str = VIEW) -> bool:
        """Whether this check answers `perm` for the user on the use case (VIEW is in every one:
        access_use_case asks it first)."""
        return (
            self.user_id == user.pk
            and self.use_case_id == use_case_id
            and perm in {self.perm, VIEW}
        )


def check_use_case(user: User, pk: int | str, *, perm: str = VIEW) -> tuple[UseCase, Checked]:
    """`access_use_case` (the same 404 and 403), with the check to hand to the services."""
    use_case = access_use_case(user, pk, perm=perm)
    return use_case, Checked(user.pk, use_case.pk, perm)


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
