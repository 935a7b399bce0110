from typing import Any

import pytest

from maturity import services
from maturity.questionnaires import READINESS_QUESTIONS


def answers(level: int = 2, **overrides: int) -> dict[str, int]:
    return {**dict.fromkeys((q.key for q in READINESS_QUESTIONS), level), **overrides}


@pytest.fixture
def assessment(organisation: Any, board_member: Any) -> Any:
    return services.record_readiness_assessment(
        organisation, answers=answers(), actor=board_member, reason="Klausur"
    )
