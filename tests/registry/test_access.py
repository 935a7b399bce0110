"""One access path per object type: the same 404 for missing and foreign, 403 for visible only."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Department, Organisation, User
from registry import permissions
from registry.models import AISystem, WebhookEndpoint
from registry.webhooks.endpoints import create_webhook_endpoint
from registry.webhooks.events import EVENTS

BAD_PKS = ["99999", "abc", "", "99999999999999999999999", None]


@pytest.fixture
def operator(db: Any) -> User:
    return User.objects.create_superuser("operator", "op@x.example", "pw")


@pytest.fixture
def endpoint(board_member: User, organisation: Organisation) -> WebhookEndpoint:
    return create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url="http://127.0.0.1:9/hook",
        events=[EVENTS.USE_CASE_CREATED],
    )


def deactivate(user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


# -- AI systems ---------------------------------------------------------------------------------


def test_board_member_maintains_its_ai_system(board_member: User, ai_system: AISystem) -> None:
    found = permissions.access_ai_system(
        board_member, ai_system.pk, perm=permissions.CHANGE_AI_SYSTEM
    )
    assert found == ai_system


def test_reviewer_sees_the_ai_system_but_may_not_maintain_it(dpo: User, ai_system: AISystem):
    assert permissions.access_ai_system(dpo, str(ai_system.pk)) == ai_system
    with pytest.raises(PermissionDenied):
        permissions.access_ai_system(dpo, ai_system.pk, perm=permissions.CHANGE_AI_SYSTEM)


def test_foreign_board_gets_the_same_404_as_for_a_missing_ai_system(
    foreign_board_member: User, ai_system: AISystem
) -> None:
    with pytest.raises(Http404):
        permissions.access_ai_system(foreign_board_member, ai_system.pk)
    with pytest.raises(Http404):
        permissions.access_ai_system(
            foreign_board_member, ai_system.pk, perm=permissions.CHANGE_AI_SYSTEM
        )


@pytest.mark.parametrize("pk", BAD_PKS)
def test_missing_or_malformed_ai_system_pk_is_404(
    board_member: User, ai_system: AISystem, pk: Any
) -> None:
    with pytest.raises(Http404):
        permissions.access_ai_system(board_member, pk)


def test_inactive_board_member_finds_no_ai_system(board_member: User, ai_system: AISystem):
    deactivate(board_member)
    with pytest.raises(Http404):
        permissions.access_ai_system(board_member, ai_system.pk)


def test_operator_maintains_every_ai_system(operator: User, foreign_ai_system: AISystem):
    found = permissions.access_ai_system(
        operator, foreign_ai_system.pk, perm=permissions.CHANGE_AI_SYSTEM
    )
    assert found == foreign_ai_system


# -- webhook endpoints --------------------------------------------------------------------------


def test_board_member_finds_its_webhook_endpoint(board_member: User, endpoint: WebhookEndpoint):
    assert permissions.access_webhook_endpoint(board_member, endpoint.pk) == endpoint


@pytest.mark.parametrize("persona", ["auditor", "department_head", "foreign_board_member"])
def test_anyone_but_the_board_gets_404_for_a_webhook_endpoint(
    request: pytest.FixtureRequest, persona: str, endpoint: WebhookEndpoint
) -> None:
    # Endpoints carry signing secrets: even the organisation's auditors do not learn they exist.
    user = request.getfixturevalue(persona)
    with pytest.raises(Http404):
        permissions.access_webhook_endpoint(user, endpoint.pk)


@pytest.mark.parametrize("pk", BAD_PKS)
def test_missing_or_malformed_webhook_endpoint_pk_is_404(
    board_member: User, endpoint: WebhookEndpoint, pk: Any
) -> None:
    with pytest.raises(Http404):
        permissions.access_webhook_endpoint(board_member, pk)


def test_inactive_board_member_finds_no_webhook_endpoint(
    board_member: User, endpoint: WebhookEndpoint
) -> None:
    deactivate(board_member)
    with pytest.raises(Http404):
        permissions.access_webhook_endpoint(board_member, endpoint.pk)


def test_operator_finds_every_webhook_endpoint(operator: User, endpoint: WebhookEndpoint):
    assert permissions.access_webhook_endpoint(operator, endpoint.pk) == endpoint


# -- where use cases may be created -------------------------------------------------------------


def test_board_member_creates_in_every_department_of_its_organisation(
    board_member: User, department: Department, other_department: Department
) -> None:
    creatable = set(permissions.departments_creatable_by(board_member))
    assert creatable == {department, other_department}


def test_department_head_creates_in_its_own_department_only(
    department_head: User, department: Department, other_department: Department
) -> None:
    assert list(permissions.departments_creatable_by(department_head)) == [department]
    assert not permissions.can_create_use_case(department_head, other_department)


@pytest.mark.parametrize("persona", ["dpo", "auditor", "outsider", "foreign_board_member"])
def test_reviewers_auditors_and_outsiders_create_nowhere_here(
    request: pytest.FixtureRequest, persona: str, department: Department
) -> None:
    user = request.getfixturevalue(persona)
    assert not permissions.departments_creatable_by(user).filter(pk=department.pk).exists()
    assert not permissions.can_create_use_case(user, department)


def test_inactive_department_head_creates_nowhere(department_head: User, department: Department):
    deactivate(department_head)
    assert not permissions.departments_creatable_by(department_head).exists()
    assert not permissions.can_create_use_case(department_head, department)


def test_operator_creates_everywhere(
    operator: User, department: Department, foreign_department: Department
) -> None:
    assert {department, foreign_department} <= set(permissions.departments_creatable_by(operator))
    assert permissions.can_create_use_case(operator, foreign_department)
