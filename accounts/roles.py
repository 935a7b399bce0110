"""Who holds which role where: every role check of the project is made here.

Two rules hold for every predicate: an inactive or anonymous user holds no role, and an active
superuser (the installation's operator) counts as board member of every organisation. Predicates
without "board" in their name ask for memberships only, so the operator is not, say, a data
protection officer anywhere.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Department, Membership, Organisation, User

AnyUser = User | AnonymousUser


def holds_roles(user: AnyUser) -> bool:
    """Only active, logged-in users hold roles; everybody else holds none."""
    return _role_holder(user) is not None


def _role_holder(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def is_operator(user: AnyUser) -> bool:
    """The installation's operator: an active superuser."""
    return holds_roles(user) and bool(user.is_superuser)


def has_role(user: AnyUser, organisation_id: int, *roles: str) -> bool:
    """Whether the user holds one of the roles in the organisation (by membership)."""
    holder = _role_holder(user)
    if holder is None:
        return False
    return Membership.objects.filter(
        user=holder, organisation_id=organisation_id, role__in=roles
    ).exists()


def held_roles(user: AnyUser, *roles: str) -> list[tuple[int, str]]:
    """The (organisation id, role) pairs the user holds among the roles (by membership)."""
    holder = _role_holder(user)
    if holder is None:
        return []
    memberships = Membership.objects.filter(user=holder, role__in=roles)
    return list(memberships.values_list("organisation_id", "role"))


def is_board_member(user: AnyUser, organisation_id: int) -> bool:
    """Whether the user sits on the organisation's board (the operator sits on every board)."""
    return is_operator(user) or has_role(user, organisation_id, Membership.Role.BOARD)


def organisations_where(user: AnyUser, *roles: str) -> QuerySet[Organisation]:
    """Organisations in which the user holds any of the roles (any role when none are named)."""
    holder = _role_holder(user)
    if holder is None:
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=holder)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def organisation_ids_where(user: AnyUser, *roles: str) -> QuerySet[Membership, Any]:
    """The ids of the organisations in which the user holds any of the roles (any role when none
    are named), as a subquery over the memberships alone."""
    holder = _role_holder(user)
    if holder is None:
        return Membership.objects.none().values("organisation_id")
    memberships = Membership.objects.filter(user=holder)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("organisation_id")


def boards_of(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations whose board the user sits on (every one for the operator)."""
    if is_operator(user):
        return Organisation.objects.all()
    return organisations_where(user, Membership.Role.BOARD)


def boards_and_audits_of(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations the user sits on the board of or audits (every one for the operator)."""
    if is_operator(user):
        return Organisation.objects.all()
    return organisations_where(user, Membership.Role.BOARD, Membership.Role.AUDITOR)


def is_auditor(user: AnyUser, organisation_id: int) -> bool:
    """Whether the user audits the organisation (Rechnungsprüfung)."""
    return has_role(user, organisation_id, Membership.Role.AUDITOR)


def departments_headed_by(user: AnyUser) -> QuerySet[Department]:
    """Departments the user leads as department head."""
    holder = _role_holder(user)
    if holder is None:
        return Department.objects.none()
    return Department.objects.filter(
        memberships__user=holder, memberships__role=Membership.Role.DEPARTMENT_HEAD
    ).distinct()


def heads_department(user: AnyUser, department_id: int) -> bool:
    """Whether the user is a head of the department."""
    holder = _role_holder(user)
    if holder is None:
        return False
    return Membership.objects.filter(
        user=holder, role=Membership.Role.DEPARTMENT_HEAD, departments=department_id
    ).exists()


def role_holders(organisation_id: int, *roles: str) -> QuerySet[User]:
    """The active users who hold one of the roles in the organisation (by membership)."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role__in=roles,
    )


def department_heads(department_id: int) -> QuerySet[User]:
    """The active users who head the department."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Membership.Role.DEPARTMENT_HEAD,
        memberships__departments=department_id,
    )


def role_holders_by_organisation(
    organisation_ids: Iterable[int], *roles: str
) -> dict[int, list[User]]:
    """role_holders for many organisations in one query: organisation id → users (by pk)."""
    holders: dict[int, dict[int, User]] = {pk: {} for pk in organisation_ids}
    users = User.objects.filter(
        is_active=True,
        memberships__organisation_id__in=list(holders),
        memberships__role__in=roles,
    ).annotate(holder_of=F("memberships__organisation_id"))
    for user in users:
        holders[user.holder_of][user.pk] = user
    return {pk: sorted(found.values(), key=lambda u: u.pk) for pk, found in holders.items()}


def department_heads_by_department(department_ids: Iterable[int]) -> dict[int, list[User]]:
    """department_heads for many departments in one query: department id → users (by pk)."""
    heads: dict[int, dict[int, User]] = {pk: {} for pk in department_ids}
    users = User.objects.filter(
        is_active=True,
        memberships__role=Membership.Role.DEPARTMENT_HEAD,
        memberships__departments__in=list(heads),
    ).annotate(head_of=F("memberships__departments"))
    for user in users:
        heads[user.head_of][user.pk] = user
    return {pk: sorted(found.values(), key=lambda u: u.pk) for pk, found in heads.items()}


def roles_held(user: AnyUser) -> list[tuple[str, str, str]]:
    """The user's roles as (role, role label, organisation name), in one query."""
    holder = _role_holder(user)
    if holder is None:
        return []
    memberships = (
        Membership.objects.filter(user=holder)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
    held = [(m.role, str(m.get_role_display()), m.organisation.name) for m in memberships]
    if is_operator(holder):
        held.insert(0, ("operator", str(_("Betreiber")), ""))
    return held
