"""Who may move a use case through review: submit, sign off, decide, operate and retire it."""

from accounts import roles
from accounts.models import User
from registry.models import UseCase


def is_board(user: User, use_case: UseCase) -> bool:
    """Board members of the use case's organisation (and the installation's operator)."""
    return roles.is_board_member(user, use_case.organisation_id)


def heads_department(user: User, use_case: UseCase) -> bool:
    """Whether the user is a head of the use case's department."""
    return roles.heads_department(user, use_case.department_id)


def can_submit(user: User, use_case: UseCase) -> bool:
    """The head of the use case's department or the board submit it."""
    return heads_department(user, use_case) or is_board(user, use_case)


def can_sign_off(user: User, use_case: UseCase, role: str) -> bool:
    """Only who holds a reviewer role in the use case's organisation signs off in that role."""
    return roles.has_role(user, use_case.organisation_id, role)


def can_decide(user: User, use_case: UseCase) -> bool:
    """The board of the use case's organisation decides."""
    return is_board(user, use_case)


def can_operate(user: User, use_case: UseCase) -> bool:
    """The department head or the board put a use case into operation and retire it."""
    return heads_department(user, use_case) or is_board(user, use_case)


def can_update_obligation(user: User, use_case: UseCase) -> bool:
    """The department head or the board keep the obligations of a use case."""
    return heads_department(user, use_case) or is_board(user, use_case)
