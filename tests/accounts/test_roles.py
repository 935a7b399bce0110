"""Role predicates: inactive and anonymous users hold no role; the operator sits on every board."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import roles
from accounts.models import Department, Membership, Organisation, User

BOARD = Membership.Role.BOARD
HEAD = Membership.Role.DEPARTMENT_HEAD
AUDITOR = Membership.Role.AUDITOR


@pytest.fixture
def operator(db: Any) -> User:
    return User.objects.create_superuser("operator", "op@x.example", "pw")


def deactivate(user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def test_board_member_sits_on_the_board_of_its_organisation_only(
    board_member: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    assert roles.is_board_member(board_member, organisation.pk)
    assert not roles.is_board_member(board_member, other_organisation.pk)
    assert list(roles.boards_of(board_member)) == [organisation]


def test_inactive_board_member_sits_on_no_board(
    board_member: User, organisation: Organisation
) -> None:
    deactivate(board_member)
    assert not roles.is_board_member(board_member, organisation.pk)
    assert not roles.boards_of(board_member).exists()
    assert not roles.boards_and_audits_of(board_member).exists()
    assert not roles.organisations_where(board_member).exists()
    assert not roles.has_role(board_member, organisation.pk, BOARD)


def test_anonymous_user_holds_no_role(organisation: Organisation, department: Department) -> None:
    anonymous = AnonymousUser()
    assert not roles.is_board_member(anonymous, organisation.pk)
    assert not roles.boards_of(anonymous).exists()
    assert not roles.boards_and_audits_of(anonymous).exists()
    assert not roles.organisations_where(anonymous).exists()
    assert not roles.departments_headed_by(anonymous).exists()
    assert not roles.heads_department(anonymous, department.pk)
    assert not roles.is_operator(anonymous)


def test_operator_sits_on_every_board_without_membership(
    operator: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    assert roles.is_operator(operator)
    assert roles.is_board_member(operator, other_organisation.pk)
    assert set(roles.boards_of(operator)) == {organisation, other_organisation}
    assert set(roles.boards_and_audits_of(operator)) == {organisation, other_organisation}


def test_operator_holds_no_other_role_by_being_operator(
    operator: User, organisation: Organisation, department: Department
) -> None:
    # Reviewer roles and department heads sign off in person; the operator is none of them.
    assert not roles.has_role(operator, organisation.pk, Membership.Role.DATA_PROTECTION_OFFICER)
    assert not roles.is_auditor(operator, organisation.pk)
    assert not roles.heads_department(operator, department.pk)
    assert not roles.departments_headed_by(operator).exists()
    assert not roles.organisations_where(operator).exists()


def test_inactive_operator_sits_on_no_board(operator: User, organisation: Organisation) -> None:
    deactivate(operator)
    assert not roles.is_operator(operator)
    assert not roles.is_board_member(operator, organisation.pk)
    assert not roles.boards_of(operator).exists()
    assert not roles.boards_and_audits_of(operator).exists()


def test_auditor_audits_but_sits_on_no_board(auditor: User, organisation: Organisation) -> None:
    assert roles.is_auditor(auditor, organisation.pk)
    assert not roles.is_board_member(auditor, organisation.pk)
    assert list(roles.boards_and_audits_of(auditor)) == [organisation]
    assert not roles.boards_of(auditor).exists()


def test_inactive_auditor_audits_nothing(auditor: User, organisation: Organisation) -> None:
    deactivate(auditor)
    assert not roles.is_auditor(auditor, organisation.pk)
    assert not roles.boards_and_audits_of(auditor).exists()


def test_department_head_heads_its_departments_only(
    department_head: User, department: Department, other_department: Department
) -> None:
    assert roles.heads_department(department_head, department.pk)
    assert not roles.heads_department(department_head, other_department.pk)
    assert list(roles.departments_headed_by(department_head)) == [department]


def test_inactive_department_head_heads_nothing(
    department_head: User, department: Department
) -> None:
    deactivate(department_head)
    assert not roles.heads_department(department_head, department.pk)
    assert not roles.departments_headed_by(department_head).exists()


def test_role_holders_leave_out_inactive_users(
    board_member: User, dpo: User, organisation: Organisation, department_head: User
) -> None:
    deactivate(dpo)
    assert list(roles.role_holders(organisation.pk, BOARD)) == [board_member]
    assert not roles.role_holders(organisation.pk, Membership.Role.DATA_PROTECTION_OFFICER)
    assert list(roles.department_heads(department_head.memberships.get().departments.get().pk)) == [
        department_head
    ]
    deactivate(department_head)
    assert not roles.department_heads(department_head.memberships.get().departments.get().pk)


def test_operator_is_no_role_holder(operator: User, organisation: Organisation) -> None:
    # Mails go to the people who hold the role, not to the installation's operator.
    assert not roles.role_holders(organisation.pk, BOARD).filter(pk=operator.pk).exists()


def test_held_roles_name_organisation_and_role_of_active_users_only(
    dpo: User, organisation: Organisation, operator: User
) -> None:
    reviewer_roles = (Membership.Role.DATA_PROTECTION_OFFICER, Membership.Role.STAFF_COUNCIL)
    assert roles.held_roles(dpo, *reviewer_roles) == [
        (organisation.pk, Membership.Role.DATA_PROTECTION_OFFICER)
    ]
    assert roles.held_roles(operator, *reviewer_roles) == []
    assert roles.held_roles(AnonymousUser(), *reviewer_roles) == []
    deactivate(dpo)
    assert roles.held_roles(dpo, *reviewer_roles) == []
