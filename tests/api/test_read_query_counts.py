"""A use case's detail and history cost a small, fixed number of queries for every persona,
however many organisations, departments, grants, child rows and versions there are (issue 16)."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.models import Department, Membership, Organisation, User
from governance import services as governance_services
from registry import permissions, services
from registry.models import UseCase
from tests.api.conftest import ApiClient
from tests.conftest import make_person, make_use_case

# Session and user (2), the access check (1; a second one for a permission beyond viewing),
# then the record and its eight child collections, or the five kinds of history rows.
DETAIL_QUERIES = 2 + 1 + 8
HISTORY_QUERIES = 2 + 2 + 5


def _queries(client: ApiClient, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def _counts(client: ApiClient, use_case: UseCase) -> dict[str, int]:
    paths = {
        "detail": f"/api/v1/use-cases/{use_case.pk}/",
        "history": f"/api/v1/use-cases/{use_case.pk}/history/",
    }
    for path in paths.values():
        client.get(path)  # the session is written on the first request
    return {name: _queries(client, path) for name, path in paths.items()}


def _grow(person: User, board_member: User, use_case: UseCase, seq: int) -> None:
    """More organisations the person holds roles in, departments headed, grants, child rows
    and versions of the use case."""
    for i in range(4):
        number = seq * 100 + i
        organisation = account_services.create_organisation(
            name=f"Gemeinde {number}",
            slug=f"g{number}",
            ags=f"{30000000 + number}",
            actor=None,
            reason="Testdaten",
        )
        department = account_services.create_department(
            organisation=organisation, name="Bürgeramt", actor=None, reason="Testdaten"
        )
        for role in (Membership.Role.AUDITOR, Membership.Role.DATA_PROTECTION_OFFICER):
            account_services.grant_role(
                person, organisation=organisation, role=role, actor=None, reason="Testdaten"
            )
        account_services.grant_role(
            person,
            organisation=organisation,
            role=Membership.Role.DEPARTMENT_HEAD,
            departments=(department,),
            actor=None,
            reason="Testdaten",
        )
        board = make_person(f"board{number}", organisation, Membership.Role.BOARD)
        other = make_use_case(board, department, f"Fall {number}")
        services.grant_use_case_access(
            other, actor=board, user=person, permission=permissions.VIEW, reason="Einsicht"
        )
    for i in range(3):
        governance_services.change_use_case(
            use_case, actor=board_member, reason=f"Änderung {seq}-{i}", title=f"Titel {seq}-{i}"
        )
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="Rechtsgrundlagen",
        key="legal_bases",
        rows=[{"law": "DSGVO", "provision": f"Art. {n}"} for n in range(seq + 1)],
    )


@pytest.mark.parametrize("persona", ["auditor", "board_member", "department_head", "operator"])
def test_detail_and_history_queries_are_few_and_do_not_grow(
    persona: str, request: Any, board_member: User, department: Department
) -> None:
    if persona == "operator":
        person = User.objects.create_superuser("betrieb", "betrieb@x.example", "pw")
    else:
        person = request.getfixturevalue(persona)
    use_case = make_use_case(board_member, department, "Wohngeld-Vorprüfung")
    client = ApiClient(person)
    first = _counts(client, use_case)
    _grow(person, board_member, use_case, seq=1)
    _grow(person, board_member, use_case, seq=2)
    assert _counts(client, use_case) == first
    assert first["detail"] <= DETAIL_QUERIES
    assert first["history"] <= HISTORY_QUERIES


def test_reading_one_use_case_checks_access_in_one_query(
    django_assert_num_queries: Any, auditor: User, department_head: User, use_case: UseCase
) -> None:
    for person in (auditor, department_head):
        with django_assert_num_queries(1):
            permissions.access_use_case(person, use_case.pk)
        with django_assert_num_queries(1):
            assert permissions.user_has_perm(person, use_case, permissions.VIEW_HISTORY)
    with django_assert_num_queries(1):
        # The auditor may read the history, not change the record.
        assert not permissions.user_has_perm(auditor, use_case, permissions.CHANGE)


def test_a_grant_in_another_organisation_opens_nothing_here(
    auditor: User, board_member: User, use_case: UseCase, other_organisation: Organisation
) -> None:
    # The single-row check ties every organisation-wide grant to the row's own organisation.
    account_services.grant_role(
        auditor,
        organisation=other_organisation,
        role=Membership.Role.BOARD,
        actor=None,
        reason="Testdaten",
    )
    assert not permissions.user_has_perm(auditor, use_case, permissions.CHANGE)
    assert permissions.user_has_perm(auditor, use_case, permissions.VIEW_HISTORY)
