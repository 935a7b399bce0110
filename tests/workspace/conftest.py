"""Helpers of the workspace tests: a use case submitted for review, a published one elsewhere."""

import re
from typing import Any

import pytest
from django.urls import reverse

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


# The answers of a department head who sees none of the listed cases.
TREE_DEFAULTS: dict[str, Any] = {"is_ai_system": "true", "excluded": "none", "role": "deployer"}


def answer_tree(client: Any, use_case: UseCase, answers: dict[str, Any]) -> list[str]:
    """Answer the risk step's decision tree page by page as a browser without script would.

    Each page's question is answered from `answers` (form values: "true", "false", "unknown",
    a choice, a list for a multiple choice), "false" or nothing when absent; the version token
    of each page goes back with its answer. Returns the question ids in the order asked.
    """
    step_url = reverse("workspace:step", args=[use_case.pk, "risiko"])
    asked: list[str] = []
    for _ in range(40):
        content = client.get(step_url).content.decode()
        match = re.search(r'action="([^"]*/schritt/risiko/frage/(\w+)/)"', content)
        if match is None:
            return asked
        url, key = match.groups()
        assert key not in asked, f"{key} asked twice"
        asked.append(key)
        version = re.search(r'name="version" value="([^"]+)"', content)
        value = answers.get(key, TREE_DEFAULTS.get(key))
        if value is None and 'value="false"' in content:
            value = "false"
        data: dict[str, Any] = {"version": version.group(1) if version else ""}
        if key == "placed_on_market_on" and value == "unknown":
            data[f"risk-{key}_unknown"] = "on"
        elif value is not None:
            data[f"risk-{key}"] = value
        response = client.post(url, data)
        assert response.status_code == 302, (key, response.content.decode()[:2000])
    raise AssertionError("the tree did not end")
