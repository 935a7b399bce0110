"""Published records with every fact the standards read, classified and with a withheld group."""

from typing import Any

import pytest

from accounts.models import Department, User
from governance import services as governance_services
from registry import services
from registry.models import AISystem, PublishedUseCase, UseCase
from registry.publication import publish_use_case
from tests.conftest import make_use_case
from tests.public.conftest import publish, publish_many
from tests.public.test_standards_facts import FACTS

__all__ = ["publish", "publish_many"]

HIGH_RISK_FACTS: dict[str, Any] = {"is_ai_system": True, "annex_iii_points": ["5a"]}
MINIMAL_FACTS: dict[str, Any] = {"is_ai_system": True}


@pytest.fixture
def published_register(
    department_head: User,
    department: Department,
    board_member: User,
    ai_system: AISystem,
    foreign_department_head: User,
    foreign_department: Department,
    foreign_board_member: User,
) -> list[PublishedUseCase]:
    full = make_use_case(
        department_head,
        department,
        "Wohngeld-Vorprüfung",
        ai_system=ai_system,
        start_date="2025-03-01",
        status=UseCase.Status.IN_OPERATION,
        **FACTS,
    )
    services.set_use_case_children(
        full,
        actor=board_member,
        reason="Testdaten",
        key="legal_bases",
        rows=[
            {"law": "WoGG", "provision": "§ 1", "url": "https://www.gesetze-im-internet.de/wogg/"},
            {"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e", "url": ""},
        ],
    )
    services.set_use_case_children(
        full,
        actor=board_member,
        reason="Testdaten",
        key="public_services",
        rows=[{"leika_key": "99102011000000", "name": "Wohngeld beantragen"}],
    )
    withheld = make_use_case(
        department_head, department, "Chatbot", ai_system=ai_system, benefit="Schnelle Antworten"
    )
    services.set_use_case_children(
        withheld,
        actor=board_member,
        reason="Testdaten",
        key="withheld_fields",
        rows=[{"field": "ai_system", "reason": "Sicherheit"}],
    )
    foreign = make_use_case(foreign_department_head, foreign_department, "Kreis-Posteingang")
    records = []
    for use_case, actor, facts in (
        (full, board_member, HIGH_RISK_FACTS),
        (withheld, board_member, MINIMAL_FACTS),
        (foreign, foreign_board_member, MINIMAL_FACTS),
    ):
        governance_services.classify_use_case(use_case, actor=actor, facts=facts)
        record = publish_use_case(use_case, actor=actor, reason="freigegeben")
        assert record is not None
        records.append(record)
    return records
