"""Every write to organisations, departments and memberships."""

from collections.abc import Iterable
from uuid import uuid4

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, Membership, Organisation, User


@transaction.atomic
def create_organisation(*, name: str, slug: str, ags: str, **fields: object) -> Organisation:
    """Create an organisation with the groups that carry its object permissions."""
    organisation = Organisation(name=name, slug=slug, ags=ags, **fields)
    organisation.full_clean(exclude=["board_group", "members_group", "auditors_group"])
    organisation.board_group = Group.objects.create(name=f"org:{ags}:board")
    organisation.members_group = Group.objects.create(name=f"org:{ags}:members")
    organisation.auditors_group = Group.objects.create(name=f"org:{ags}:auditors")
    organisation.save()
    return organisation


@transaction.atomic
def create_department(*, organisation: Organisation, name: str) -> Department:
    """Create a department with the group that carries its heads' object permissions."""
    department = Department(organisation=organisation, name=name)
    department.full_clean(exclude=["heads_group"])
    department.heads_group = Group.objects.create(name=f"org:{organisation.ags}:dept:{uuid4().hex}")
    department.save()
    return department


def _groups_for(membership: Membership) -> set[int]:
    organisation = membership.organisation
    groups = {organisation.members_group_id}
    if membership.role == Membership.Role.BOARD:
        groups.add(organisation.board_group_id)
    elif membership.role == Membership.Role.AUDITOR:
        groups.add(organisation.auditors_group_id)
    elif membership.role == Membership.Role.DEPARTMENT_HEAD:
        groups.update(d.heads_group_id for d in membership.departments.all())
    return groups


def sync_user_groups(user: User) -> None:
    """Derive the user's permission groups and admin access from their memberships."""
    memberships = user.memberships.select_related("organisation").prefetch_related("departments")
    wanted: set[int] = set()
    is_board = False
    for membership in memberships:
        wanted |= _groups_for(membership)
        is_board = is_board or membership.role == Membership.Role.BOARD
    user.groups.set(wanted)
    # Board members and auditors use the admin; nobody else is staff unless a superuser.
    is_staff = (
        user.is_superuser or is_board or memberships.filter(role=Membership.Role.AUDITOR).exists()
    )
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def grant_role(
    user: User,
    *,
    organisation: Organisation,
    role: str,
    departments: Iterable[Department] = (),
    source: str = Membership.Source.MANUAL,
) -> Membership:
    """Give the user a role in an organisation; departments must belong to that organisation."""
    departments = list(departments)
    foreign = [d for d in departments if d.organisation_id != organisation.pk]
    if foreign:
        raise ValidationError(
            {"departments": _("Der Fachbereich gehört nicht zu dieser Organisation.")}
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"source": source}
    )
    if membership.source != source:
        membership.source = source
        membership.save(update_fields=["source"])
    membership.departments.set(departments)
    sync_user_groups(user)
    return membership


@transaction.atomic
def revoke_role(user: User, *, organisation: Organisation, role: str) -> None:
    """Take a role in an organisation away from the user."""
    Membership.objects.filter(user=user, organisation=organisation, role=role).delete()
    sync_user_groups(user)
