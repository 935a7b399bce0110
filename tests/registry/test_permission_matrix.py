"""The permission table of the registry, cell by cell: persona × department × action."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from governance import services as governance_services
from registry import permissions, services
from registry.models import UseCase

OWN, OTHER_DEPARTMENT, OTHER_ORGANISATION = "own", "other_department", "other_organisation"
TARGETS = {
    OWN: "use_case",
    OTHER_DEPARTMENT: "other_department_use_case",
    OTHER_ORGANISATION: "foreign_use_case",
}
ALL = {"view", "change", "delete", "manage", "history"}

# What each persona may do on a use case of the department-head persona's department ("own"),
# of another department of the same organisation, and of another organisation.
MATRIX: dict[str, dict[str, set[str]]] = {
    "department_head": {OWN: {"view", "change", "history"}, OTHER_DEPARTMENT: {"view"}},
    "board_member": {OWN: ALL, OTHER_DEPARTMENT: ALL},
    "dpo": {OWN: {"view"}, OTHER_DEPARTMENT: {"view"}},
    "iso": {OWN: {"view"}, OTHER_DEPARTMENT: {"view"}},
    "staff_council": {OWN: {"view"}, OTHER_DEPARTMENT: {"view"}},
    "auditor": {OWN: {"view", "history"}, OTHER_DEPARTMENT: {"view", "history"}},
    "outsider": {},
}
CELLS = [
    (persona, where) for persona in MATRIX for where in (OWN, OTHER_DEPARTMENT, OTHER_ORGANISATION)
]


def _allowed(persona: str, where: str) -> set[str]:
    return MATRIX[persona].get(where, set())


def _setup(request: pytest.FixtureRequest, persona: str, where: str) -> tuple[Any, UseCase]:
    # Create every target so that lists have something to leave out.
    targets = {key: request.getfixturevalue(name) for key, name in TARGETS.items()}
    return request.getfixturevalue(persona), targets[where]


@pytest.mark.parametrize(("persona", "where"), CELLS)
def test_view_follows_the_table(request, persona, where):
    user, use_case = _setup(request, persona, where)
    allowed = "view" in _allowed(persona, where)
    assert permissions.use_cases_visible_to(user).filter(pk=use_case.pk).exists() is allowed
    if allowed:
        assert permissions.access_use_case(user, use_case.pk) == use_case
    else:
        with pytest.raises(Http404):
            permissions.access_use_case(user, use_case.pk)


@pytest.mark.parametrize(("persona", "where"), CELLS)
def test_change_follows_the_table(request, persona, where):
    user, use_case = _setup(request, persona, where)
    if "change" in _allowed(persona, where):
        changed = governance_services.change_use_case(
            use_case, actor=user, reason="Test", title="Neu"
        )
        assert changed == {"title"}
        return
    # Invisible records are not found; visible ones without the right are refused.
    expected = PermissionDenied if "view" in _allowed(persona, where) else Http404
    with pytest.raises(expected):
        governance_services.change_use_case(use_case, actor=user, reason="Test", title="Neu")
    use_case.refresh_from_db()
    assert use_case.title != "Neu"


@pytest.mark.parametrize(("persona", "where"), CELLS)
def test_delete_follows_the_table(request, persona, where):
    user, use_case = _setup(request, persona, where)
    if "delete" in _allowed(persona, where):
        services.delete_use_case(use_case, actor=user, reason="Doppelt erfasst")
        assert not UseCase.objects.filter(pk=use_case.pk).exists()
        return
    expected = PermissionDenied if "view" in _allowed(persona, where) else Http404
    with pytest.raises(expected):
        services.delete_use_case(use_case, actor=user, reason="Doppelt erfasst")
    assert UseCase.objects.filter(pk=use_case.pk).exists()


@pytest.mark.parametrize(("persona", "where"), CELLS)
def test_managing_permissions_follows_the_table(request, persona, where, outsider):
    user, use_case = _setup(request, persona, where)
    grant = lambda: services.grant_use_case_access(  # noqa: E731
        use_case, actor=user, user=outsider, permission=permissions.VIEW, reason="Vertretung"
    )
    if "manage" in _allowed(persona, where):
        grant()
        assert permissions.access_use_case(outsider, use_case.pk) == use_case
        return
    expected = PermissionDenied if "view" in _allowed(persona, where) else Http404
    with pytest.raises(expected):
        grant()
    assert not permissions.use_cases_visible_to(outsider).filter(pk=use_case.pk).exists()


@pytest.mark.parametrize(("persona", "where"), CELLS)
def test_history_access_follows_the_table(request, persona, where):
    user, use_case = _setup(request, persona, where)
    allowed = "history" in _allowed(persona, where)
    assert permissions.user_has_perm(user, use_case, permissions.VIEW_HISTORY) is allowed


@pytest.mark.parametrize(
    ("persona", "where", "allowed"),
    [
        ("department_head", OWN, True),
        ("department_head", OTHER_DEPARTMENT, False),
        ("department_head", OTHER_ORGANISATION, False),
        ("board_member", OWN, True),
        ("board_member", OTHER_DEPARTMENT, True),
        ("board_member", OTHER_ORGANISATION, False),
        ("dpo", OWN, False),
        ("iso", OWN, False),
        ("staff_council", OWN, False),
        ("auditor", OWN, False),
        ("outsider", OWN, False),
    ],
)
def test_creating_follows_the_table(request, persona, where, allowed):
    user = request.getfixturevalue(persona)
    department = request.getfixturevalue(
        {
            OWN: "department",
            OTHER_DEPARTMENT: "other_department",
            OTHER_ORGANISATION: "foreign_department",
        }[where]
    )
    assert permissions.can_create_use_case(user, department) is allowed
    fields = {
        "title": "Neuer Anwendungsfall",
        "short_description": "Kurz.",
        "purpose": "Zweck.",
        "responsible_role": "Amtsleitung",
    }
    if allowed:
        services.create_use_case(actor=user, department=department, **fields)
    else:
        with pytest.raises(PermissionDenied):
            services.create_use_case(actor=user, department=department, **fields)
        assert not UseCase.objects.filter(title="Neuer Anwendungsfall").exists()


def test_inactive_user_sees_nothing(department_head, use_case):
    department_head.is_active = False
    department_head.save()
    assert not permissions.use_cases_visible_to(department_head).exists()


def test_a_single_person_grant_shows_one_use_case_and_no_other(
    board_member, outsider, use_case, other_department_use_case
):
    services.grant_use_case_access(
        use_case, actor=board_member, user=outsider, permission=permissions.CHANGE, reason="Projekt"
    )
    assert list(permissions.use_cases_visible_to(outsider)) == [use_case]
    governance_services.change_use_case(use_case, actor=outsider, reason="Ergänzt", purpose="Neu")


def test_revoking_the_last_grant_removes_the_implied_view(board_member, outsider, use_case):
    grant = services.grant_use_case_access(
        use_case, actor=board_member, user=outsider, permission=permissions.CHANGE, reason="Projekt"
    )
    services.revoke_use_case_access(grant, actor=board_member, reason="Projekt beendet")
    assert not permissions.use_cases_visible_to(outsider).exists()


def test_moving_a_use_case_moves_the_heads_permissions(
    board_member, department_head, other_department_head, use_case, other_department
):
    governance_services.change_use_case(
        use_case, actor=board_member, reason="Zuständigkeit gewechselt", department=other_department
    )
    assert permissions.user_has_perm(other_department_head, use_case, permissions.CHANGE)
    assert not permissions.user_has_perm(department_head, use_case, permissions.CHANGE)
    assert permissions.user_has_perm(department_head, use_case, permissions.VIEW)


def test_department_head_cannot_move_a_use_case_into_another_department(
    department_head, use_case, other_department
):
    with pytest.raises(PermissionDenied):
        governance_services.change_use_case(
            use_case, actor=department_head, reason="weg damit", department=other_department
        )
    use_case.refresh_from_db()
    assert use_case.department_id != other_department.pk


def test_a_role_removed_takes_its_permissions_with_it(organisation, department_head, use_case):
    from accounts.services import revoke_role

    revoke_role(
        department_head,
        organisation=organisation,
        role="department_head",
        actor=None,
        reason="Testdaten",
    )
    assert not permissions.use_cases_visible_to(department_head).exists()


def test_deleting_a_use_case_deletes_its_permission_rows(board_member, use_case):
    from registry.models import UseCaseGroupObjectPermission

    services.delete_use_case(use_case, actor=board_member, reason="Test")
    assert not UseCaseGroupObjectPermission.objects.filter(content_object_id=use_case.pk).exists()
