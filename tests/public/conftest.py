"""Published use cases, created through the registry services and publish_use_case."""

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import Department, User
from governance import services as governance_services
from registry.models import PublishedUseCase, UseCase
from registry.publication import publish_use_case
from tests.conftest import make_use_case

Publish = Callable[..., PublishedUseCase]


@pytest.fixture
def publish(board_member: User) -> Publish:
    def _publish(use_case: UseCase, reason: str = "freigegeben") -> PublishedUseCase:
        record = publish_use_case(use_case, actor=board_member, reason=reason)
        assert record is not None
        return record

    return _publish


@pytest.fixture
def published(use_case: UseCase, publish: Publish) -> PublishedUseCase:
    return publish(use_case)


@pytest.fixture
def publish_many(
    department_head: User, department: Department, publish: Publish
) -> Callable[[int], list[PublishedUseCase]]:
    def _publish_many(count: int, **fields: Any) -> list[PublishedUseCase]:
        return [
            publish(make_use_case(department_head, department, f"Anwendungsfall {i:03d}", **fields))
            for i in range(count)
        ]

    return _publish_many


def change(use_case: UseCase, actor: User, **fields: Any) -> None:
    governance_services.change_use_case(use_case, actor=actor, reason="Änderung", **fields)
