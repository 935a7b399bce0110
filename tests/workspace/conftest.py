"""Helpers of the workspace tests: a use case submitted for review, a published one elsewhere."""

from typing import Any

import pytest

from accounts.models import User
from governance import services as governance_services
from registry.models import UseCase
from tests.conftest import make_use_case

# Answers that make a use case "minimal risk": an AI system that does none of the listed things.
MINIMAL_FACTS = {"is_ai_system": True}


def classify_and_submit(use_case: UseCase, actor: User) -> UseCase:
    governance_services.classify_use_case(use_case, actor=actor, facts=MINIMAL_FACTS)
    governance_services.submit_use_case(use_case, actor=actor, note="")
    use_case.refresh_from_db()
    return use_case


@pytest.fixture
def submitted_use_case(department_head: User, department: Any) -> UseCase:
    use_case = make_use_case(
        department_head,
        department,
        "Posteingang sortieren",
        processes_personal_data=True,
        dpia_status="done",
        dpia_not_needed_reason="",
    )
    return classify_and_submit(use_case, department_head)
