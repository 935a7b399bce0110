"""Reads about who holds which role where."""

from django.db.models import QuerySet

from accounts.models import Department, Membership, Organisation, User


def organisations_where(user: User, *roles: str) -> QuerySet[Organisation]:
    """Organisations in which the user holds any of the roles (any role when none are named)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def has_role(user: User, organisation_id: int, *roles: str) -> bool:
    """Whether the user holds one of the roles in the organisation."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role__in=roles
    ).exists()


def departments_headed_by(user: User) -> QuerySet[Department]:
    """Departments the user leads as department head."""
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.DEPARTMENT_HEAD
    ).distinct()
